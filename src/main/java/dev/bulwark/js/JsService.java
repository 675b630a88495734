package dev.bulwark.js;

import dev.bulwark.api.Env;
import dev.bulwark.config.CacheConfig;
import dev.bulwark.config.FetchConfig;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.worker.HandlerFactory;
import dev.bulwark.worker.HandlerLoadException;
import dev.bulwark.worker.IncomingBody;
import dev.bulwark.worker.SourceFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.io.IOAccess;

/**
 * One JavaScript worker service: its script, parsed once into a shared {@link Engine}, from which each
 * worker-verticle instance gets its own isolate. Scripts get no host access at all: no Java classes, no files
 * (except reading the modules next to the script, for {@code import}), no processes, threads, native code or
 * environment.
 */
public final class JsService implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(JsService.class.getName());
  private static final AtomicBoolean ENGINE_LOGGED = new AtomicBoolean();
  /** Rounds of the prelude's request path run once per service at load; see {@link JsIsolate#load(int, int)}. */
  private static final int WARM_UP_ROUNDS = 300;
  /**
   * Rounds of the script side of fetch(), a service binding and form bodies run at load against
   * {@link WarmUpHost}: their cold code costs more than the default CPU budget the first time it runs.
   */
  private static final int SUBREQUEST_WARM_UP_ROUNDS = 20;
  /**
   * CPU time the script's top level (module evaluation, or a service-worker script's global code, up to the
   * export or the fetch listener) may take in each isolate at start-up; past it the script is refused. Generous,
   * because GraalJS's interpreter runs cold code slowly, but finite, so an endless loop cannot hang start-up.
   */
  public static final Duration STARTUP_CPU_LIMIT = Duration.ofSeconds(5);
  /**
   * CPU time each isolate lets requests use beyond their {@code cpuBudget}, once for the isolate's life: the first
   * run of cold code in a new isolate (its first fetch(), formData() or service-binding call, the handler's own
   * first run) costs GraalJS's interpreter more than the default 50 ms budget. A request over its budget draws on
   * it before it is stopped; what it uses is gone, so an endless loop is stopped at once when the allowance is
   * spent, and at most this much later than its budget in a fresh isolate.
   */
  public static final Duration COLD_START_ALLOWANCE = Duration.ofMillis(250);
  /** An ES module: an import or export statement at the start of a line. */
  private static final Pattern MODULE_SYNTAX =
      Pattern.compile("(?m)^\\s*(export\\s+(default|const|let|var|function|async|class|\\{|\\*)|import\\s*[\\w{*'\"])");

  /** Only the prelude's own host objects are reachable, through their exported members and buffers. */
  private static final HostAccess HOST_ACCESS = HostAccess.newBuilder()
      .allowAccessAnnotatedBy(HostAccess.Export.class)
      .allowBufferAccess(true)
      .build();

  private final String name;
  private final Path script;
  private final boolean module;
  private final Source source;
  private final Engine engine;
  private final Duration cpuBudget;
  private final Duration wallBudget;
  private final FetchConfig fetchConfig;
  /** The Cache API's entries, shared by every isolate of the service. */
  private final CacheStore cache;

  private JsService(String name, Path script, boolean module, Source source, Engine engine, Duration cpuBudget,
                    Duration wallBudget, FetchConfig fetchConfig, CacheStore cache) {
    this.name = name;
    this.script = script;
    this.module = module;
    this.source = source;
    this.engine = engine;
    this.cpuBudget = cpuBudget;
    this.wallBudget = wallBudget;
    this.fetchConfig = fetchConfig;
    this.cache = cache;
  }

  /**
   * Reads the script and runs its global scope once in a trial isolate, so that syntax errors, failed imports and
   * a missing fetch handler are reported (as file:line: message) before anything is bound.
   */
  public static JsService load(String name, Path script, Duration cpuBudget, Duration wallBudget, Env env)
      throws HandlerLoadException {
    return load(name, script, cpuBudget, wallBudget, env, FetchConfig.DEFAULT);
  }

  /** As {@link #load(String, Path, Duration, Duration, Env)}, with the service's outbound fetch settings. */
  public static JsService load(String name, Path script, Duration cpuBudget, Duration wallBudget, Env env,
                               FetchConfig fetchConfig) throws HandlerLoadException {
    return load(name, script, cpuBudget, wallBudget, env, fetchConfig, CacheConfig.DEFAULT);
  }

  /** As {@link #load(String, Path, Duration, Duration, Env, FetchConfig)}, with the service's Cache API settings. */
  public static JsService load(String name, Path script, Duration cpuBudget, Duration wallBudget, Env env,
                               FetchConfig fetchConfig, CacheConfig cacheConfig) throws HandlerLoadException {
    String text = SourceFiles.read(script);
    String file = script.getFileName().toString();
    boolean module = file.endsWith(".mjs") || (!file.endsWith(".cjs") && MODULE_SYNTAX.matcher(text).find());
    Source source;
    try {
      source = Source.newBuilder("js", script.toAbsolutePath().toFile())
          .content(text)
          .mimeType(module ? "application/javascript+module" : "application/javascript")
          .build();
    } catch (IOException e) {
      throw new HandlerLoadException(script + ": cannot read the script: " + e);
    }
    Engine engine = Engine.newBuilder("js")
        .option("engine.WarnInterpreterOnly", "false")
        .build();
    logEngine(engine);
    JsService service = new JsService(name, script, module, source, engine, cpuBudget, wallBudget,
        fetchConfig, new CacheStore(cacheConfig.maxBytes()));
    JsIsolate trial = new JsIsolate(service, null, env);
    try {
      long t0 = System.nanoTime();
      trial.load(WARM_UP_ROUNDS, SUBREQUEST_WARM_UP_ROUNDS);
      LOG.fine(() -> "service '" + name + "': prelude warmed up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    } catch (HandlerLoadException e) {
      engine.close(true);
      throw e;
    } finally {
      trial.close();
    }
    return service;
  }

  /** The GraalJS release on the class path (the engine itself reports "Development Build"). */
  public static String graalJsVersion() {
    try (java.io.InputStream in = JsService.class.getResourceAsStream("/dev/bulwark/js/graaljs.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void logEngine(Engine engine) {
    if (ENGINE_LOGGED.compareAndSet(false, true)) {
      String impl = engine.getImplementationName();
      if (impl.toLowerCase(java.util.Locale.ROOT).contains("interpret")) {
        LOG.info(() -> "JavaScript: GraalJS " + graalJsVersion() + ", interpreter only (this JVM has no Graal "
            + "JIT compiler; see README, \"Faster JavaScript\")");
      } else {
        LOG.info(() -> "JavaScript: GraalJS " + graalJsVersion() + " with the optimizing runtime (" + impl + ")");
      }
    }
  }

  /** A new isolate for a worker-verticle instance, loaded on the calling (worker) context. */
  public HandlerFactory.Invoker newInvoker(Vertx vertx, Env env) throws HandlerLoadException {
    JsIsolate isolate = new JsIsolate(this, vertx, env);
    isolate.load();
    return new HandlerFactory.Invoker() {
      @Override
      public Future<Response> invoke(Request request, Env ignored) {
        return isolate.invoke(request, null);
      }

      @Override
      public Future<Response> invoke(Request request, Env ignored, IncomingBody body) {
        return isolate.invoke(request, body);
      }

      @Override
      public void close() {
        isolate.close();
      }
    };
  }

  Context newContext() {
    Path dir = script.toAbsolutePath().getParent();
    return Context.newBuilder("js")
        .engine(engine)
        .allowAllAccess(false)
        .allowHostAccess(HOST_ACCESS)
        .allowHostClassLookup(className -> false)
        .allowHostClassLoading(false)
        .allowPolyglotAccess(PolyglotAccess.NONE)
        .allowCreateThread(false)
        .allowCreateProcess(false)
        .allowNativeAccess(false)
        .allowEnvironmentAccess(EnvironmentAccess.NONE)
        .allowIO(IOAccess.newBuilder().fileSystem(new ScriptFileSystem(dir)).build())
        .option("js.print", "false")
        .option("js.load", "false")
        .option("js.graal-builtin", "true") // for setUnhandledPromiseRejectionHandler; removed before user code
        .option("js.esm-eval-returns-exports", "true")
        .option("js.unhandled-rejections", "handler") // 95-global-events.js
        .build();
  }

  /** "file:line:column: message" and the script's stack, for a load error or an uncaught exception. */
  String describeError(PolyglotException e) {
    StringBuilder b = new StringBuilder();
    SourceSection at = e.getSourceLocation();
    if (at != null && at.getSource() != null) {
      b.append(at.getSource().getPath() != null ? script.getParent() == null ? at.getSource().getName()
          : script.getParent().resolve(at.getSource().getName()) : at.getSource().getName());
      b.append(':').append(at.getStartLine()).append(':').append(at.getStartColumn()).append(": ");
    } else {
      b.append(script).append(": ");
    }
    String message = e.getMessage();
    if (e.isSyntaxError() && at != null && at.getSource() != null) {
      // GraalJS starts a syntax error's message with its own "name:line:column" (a 0-based column), which would
      // stand beside the 1-based one above and disagree with it.
      String kind = "SyntaxError: ";
      String own = at.getSource().getName() + ":" + at.getStartLine() + ":";
      int from = message.startsWith(kind) ? kind.length() : 0;
      int space = message.startsWith(own, from) ? message.indexOf(' ', from + own.length()) : -1;
      if (space > 0) {
        message = message.substring(0, from) + message.substring(space + 1);
      }
      // Then the line in question and a caret under the spot; at the end of the file that line is empty, and a
      // lone "^" under nothing says nothing the line:column does not.
      String[] lines = message.split("\n");
      if (lines.length == 3 && lines[1].isBlank() && lines[2].strip().equals("^")) {
        message = lines[0];
      }
    }
    b.append(message.stripTrailing());
    for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
      if (f.isGuestFrame() && f.getSourceLocation() != null
          && !f.getSourceLocation().getSource().getName().startsWith("bulwark:")) {
        b.append("\n    at ").append(f);
      }
    }
    return b.toString();
  }

  String name() {
    return name;
  }

  Path script() {
    return script;
  }

  boolean isModule() {
    return module;
  }

  Source source() {
    return source;
  }

  Duration cpuBudget() {
    return cpuBudget;
  }

  Duration wallBudget() {
    return wallBudget;
  }

  FetchConfig fetchConfig() {
    return fetchConfig;
  }

  CacheStore cache() {
    return cache;
  }

  /**
   * The Cache API store's meters, tagged {@code cache=<service>}: {@code cache_gets_total{result=hit|miss}}, lookups
   * as {@code match} answered them (one stored for other values of a Vary field is a miss, which Caffeine's own
   * statistics would count as a hit); {@code cache_puts_total{result=stored|not_stored}};
   * {@code cache_evictions_total}, entries evicted (for room, or expired); {@code cache_size}, entries. None when the
   * cache is off.
   */
  public void bindMeters(io.micrometer.core.instrument.MeterRegistry registry, String service) {
    if (cache.caffeine() == null) {
      return;
    }
    for (boolean yes : new boolean[] {true, false}) {
      io.micrometer.core.instrument.FunctionCounter.builder("cache.gets", cache, c -> yes ? c.hits() : c.misses())
          .tags("cache", service, "result", yes ? "hit" : "miss")
          .description("Cache API lookups, by whether a stored response fit the request")
          .register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder("cache.puts", cache,
              c -> yes ? c.stored() : c.notStored())
          .tags("cache", service, "result", yes ? "stored" : "not_stored")
          .description("Cache API puts, by whether the response was stored")
          .register(registry);
    }
    io.micrometer.core.instrument.FunctionCounter.builder("cache.evictions", cache.caffeine(),
            c -> c.stats().evictionCount())
        .tags("cache", service)
        .description("Cache API entries evicted (for room, or expired)")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("cache.size", cache.caffeine(), c -> c.estimatedSize())
        .tags("cache", service)
        .description("Cache API entries stored (an estimate)")
        .register(registry);
  }

  @Override
  public void close() {
    engine.close(true);
  }
}
