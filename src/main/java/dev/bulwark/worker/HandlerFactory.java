package dev.bulwark.worker;

import dev.bulwark.api.AsyncHandler;
import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.HandlerSource;
import dev.bulwark.config.ServiceConfig;
import dev.bulwark.js.JsService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Finds the handler of a service (a class on the class path, a Java source file compiled at start-up, or a
 * JavaScript worker) and makes instances of it. Loading happens once per service; each worker-verticle instance
 * then creates its own handler instance (for JavaScript, its own isolate).
 */
public final class HandlerFactory implements AutoCloseable {
  private final HandlerSource source;
  private final Constructor<?> constructor;
  private final JsService js;

  private HandlerFactory(HandlerSource source, Constructor<?> constructor, JsService js) {
    this.source = source;
    this.constructor = constructor;
    this.js = js;
  }

  /**
   * Loads (compiles, or for JavaScript parses and runs the global scope once) the service's handler; blocking, so
   * call it off the event loop.
   */
  public static HandlerFactory load(ServiceConfig service) throws HandlerLoadException {
    HandlerSource source = service.handler();
    if (source instanceof HandlerSource.Script script) {
      return new HandlerFactory(source, null, JsService.load(service.name(), script.path(),
          service.limits().cpuBudget(), service.limits().wallBudget(), Env.of(service.bindings()), service.fetch(),
          service.cache()));
    }
    Class<?> type;
    if (source instanceof HandlerSource.ClassName c) {
      try {
        type = Class.forName(c.name(), false, Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : HandlerFactory.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new HandlerLoadException("class " + c.name() + ": not found on the class path (" + e + ")");
      }
    } else {
      HandlerSource.SourceFile f = (HandlerSource.SourceFile) source;
      type = pick(f, SourceCompiler.compile(f.path()));
    }
    return new HandlerFactory(source, constructorOf(source, type), null);
  }

  /** The class of a compiled source file that implements a handler interface; the one named after the file wins. */
  private static Class<?> pick(HandlerSource.SourceFile f, List<Class<?>> classes) throws HandlerLoadException {
    String expected = f.path().getFileName().toString().replaceFirst("\\.java$", "");
    Class<?> found = null;
    for (Class<?> c : classes) {
      if (isHandler(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers()) && c.getEnclosingClass() == null) {
        if (c.getSimpleName().equals(expected) || found == null) {
          found = c;
        }
      }
    }
    if (found == null) {
      throw new HandlerLoadException(f.path() + ": no top-level class implements " + Handler.class.getName()
          + " or " + AsyncHandler.class.getName());
    }
    return found;
  }

  private static boolean isHandler(Class<?> c) {
    return Handler.class.isAssignableFrom(c) || AsyncHandler.class.isAssignableFrom(c);
  }

  private static Constructor<?> constructorOf(HandlerSource source, Class<?> type) throws HandlerLoadException {
    if (!isHandler(type)) {
      throw new HandlerLoadException(source.describe() + ": " + type.getName() + " implements neither "
          + Handler.class.getName() + " nor " + AsyncHandler.class.getName());
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new HandlerLoadException(source.describe() + ": " + type.getName() + " is abstract");
    }
    Constructor<?> ctor;
    try {
      ctor = type.getDeclaredConstructor();
      ctor.setAccessible(true);
    } catch (NoSuchMethodException | RuntimeException e) {
      throw new HandlerLoadException(source.describe() + ": " + type.getName()
          + " needs a constructor without parameters");
    }
    initialize(source, type);
    return ctor;
  }

  /**
   * Runs the class's static initializer now, once for the service: one that throws is then reported as a throwing
   * constructor is, instead of an {@link ExceptionInInitializerError} escaping the first {@code newInstance} (a raw
   * stack trace from {@code check}) and a bare {@link NoClassDefFoundError} from every later one.
   */
  private static void initialize(HandlerSource source, Class<?> type) throws HandlerLoadException {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ExceptionInInitializerError e) {
      throw new HandlerLoadException(source.describe() + ": static initializer of " + type.getName() + " threw "
          + e.getCause());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new HandlerLoadException(source.describe() + ": cannot initialize " + type.getName() + ": " + e);
    }
  }

  /**
   * A new handler instance, adapted to one asynchronous shape. Call it on the worker context that will invoke it:
   * a JavaScript isolate schedules its timers there.
   */
  public Invoker newInvoker(Vertx vertx, Env env) throws HandlerLoadException {
    if (js != null) {
      return js.newInvoker(vertx, env);
    }
    Object instance;
    try {
      instance = constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new HandlerLoadException(source.describe() + ": constructor of " + constructor.getDeclaringClass().getName()
          + " threw " + e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new HandlerLoadException(source.describe() + ": cannot create "
          + constructor.getDeclaringClass().getName() + ": " + e);
    }
    if (instance instanceof AsyncHandler async) {
      return async::handle;
    }
    Handler handler = (Handler) instance;
    return (request, e) -> Future.succeededFuture(handler.handle(request, e));
  }

  public String describe() {
    return source.describe();
  }

  /** Registers the meters of what this service keeps (a JavaScript worker's Cache API store) in {@code registry}. */
  public void bindMeters(io.micrometer.core.instrument.MeterRegistry registry, String service) {
    if (js != null) {
      js.bindMeters(registry, service);
    }
  }

  /** Releases what the handlers of this service share (a JavaScript engine). */
  @Override
  public void close() {
    if (js != null) {
      js.close();
    }
  }

  /** A handler of any shape, seen as asynchronous. */
  @FunctionalInterface
  public interface Invoker {
    Future<Response> invoke(Request request, Env env) throws Exception;

    /**
     * Runs the handler for a request whose body follows as the client sends it. The HTTP side streams request bodies
     * only to the services that take them ({@link dev.bulwark.config.ServiceConfig#streamsRequestBodies}); any other
     * is refused this way.
     */
    default Future<Response> invoke(Request request, Env env, IncomingBody body) throws Exception {
      body.cancel();
      return Future.failedFuture(new IllegalStateException("this handler takes request bodies whole only"));
    }

    /** Called on the invoking context when the worker verticle stops. */
    default void close() {
    }
  }
}
