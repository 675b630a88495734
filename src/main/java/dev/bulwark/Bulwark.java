package dev.bulwark;

import dev.bulwark.accept.AcceptStats;
import dev.bulwark.accept.GuardedTransport;
import dev.bulwark.api.Env;
import dev.bulwark.config.ListenAddress;
import dev.bulwark.config.RuntimeConfig;
import dev.bulwark.config.ServiceConfig;
import dev.bulwark.config.SocketConfig;
import dev.bulwark.dispatch.Codecs;
import dev.bulwark.http.HttpServerVerticle;
import dev.bulwark.http.ServiceGate;
import dev.bulwark.observe.AdminServer;
import dev.bulwark.observe.Metrics;
import dev.bulwark.worker.HandlerFactory;
import dev.bulwark.worker.HandlerLoadException;
import dev.bulwark.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A running Bulwark runtime. {@link #start(RuntimeConfig)} is the one way to start it, used by the command line
 * and by tests alike: it loads and compiles every handler, starts the admin listener (not ready), deploys the
 * worker verticles, then the HTTP-server verticles, and only then reports ready.
 */
public final class Bulwark {
  private static final Logger LOG = Logger.getLogger(Bulwark.class.getName());

  private final Vertx vertx;
  private final RuntimeConfig config;
  private final Metrics metrics;
  private final GuardedTransport transport;
  private final AdminServer admin;
  private final List<HttpServerVerticle.Binding> listening = new ArrayList<>();
  private final List<String> httpDeployments = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final long startedNanos = System.nanoTime();

  private Bulwark(Vertx vertx, RuntimeConfig config, Metrics metrics, GuardedTransport transport) {
    this.vertx = vertx;
    this.transport = transport;
    this.config = config;
    this.metrics = metrics;
    this.admin = new AdminServer(metrics);
  }

  /** Starts a runtime; the future fails (and everything started is closed) if any part cannot start. */
  public static Future<Bulwark> start(RuntimeConfig config) {
    Metrics metrics = new Metrics();
    GuardedTransport transport = GuardedTransport.create(metrics.registry(), config.http().deferAccept());
    var builder = Vertx.builder().with(vertxOptions(config)).withTransport(transport);
    if (config.vertxMetrics() != RuntimeConfig.VertxMetrics.OFF) {
      // Given a factory, Vert.x collects every category whatever the options' enabled flag says: off means no factory.
      builder.withMetrics(new MicrometerMetricsFactory(metrics.registry()));
    }
    Vertx vertx = builder.build();
    Bulwark runtime = new Bulwark(vertx, config, metrics, transport);
    // Completed from whichever thread finishes last, not from a context that closing Vert.x has just shut down.
    Promise<Bulwark> result = Promise.promise();
    runtime.boot().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(runtime);
      } else {
        vertx.close().toCompletionStage().whenComplete((v, closeErr) -> result.fail(ar.cause()));
      }
    });
    return result.future();
  }

  /**
   * Blocked threads are checked every 5 s rather than every second: a handler stuck past its deadline is reported
   * (see {@link #deployWorkers}), not repeated every second. No user code runs on event loops, so the coarser check
   * loses no event-loop diagnostics that matter. Every report has the thread's stack trace: Vert.x's default gives it
   * only once a thread has been blocked for 5 s, so a handler with a short timeout was reported without where it is
   * stuck.
   */
  private static VertxOptions vertxOptions(RuntimeConfig config) {
    return new VertxOptions()
        .setMetricsOptions(metricsOptions(config.vertxMetrics()))
        .setBlockedThreadCheckInterval(5000)
        .setBlockedThreadCheckIntervalUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(1) // nanosecond: always (0 is refused)
        .setWarningExceptionTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private static MicrometerMetricsOptions metricsOptions(RuntimeConfig.VertxMetrics level) {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(level != RuntimeConfig.VertxMetrics.OFF);
    if (level == RuntimeConfig.VertxMetrics.BASIC) {
      options.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER).addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    }
    return options;
  }

  private Future<Void> boot() {
    Codecs.register(vertx.eventBus());
    LOG.info(() -> "Bulwark " + version() + " on Java " + Runtime.version() + ", transport "
        + transportName() + ", config " + config.origin());
    java.util.function.Supplier<Future<?>> adminStarted = () -> config.admin()
        .map(a -> admin.listen(vertx, a).<Object>map(s -> {
          LOG.info(() -> "admin on " + a.hosts().stream().map(h -> ListenAddress.url(h, s.actualPort()))
              .collect(java.util.stream.Collectors.joining(" and ")) + " (/health/live, /health/ready, /metrics)");
          return s;
        })).orElse(Future.succeededFuture());
    Map<String, ServiceGate> gates = new LinkedHashMap<>();
    config.services().forEach(s -> gates.put(s.name(), ServiceGate.of(s, metrics)));
    // Handlers compile before anything binds: a broken handler fails the start with nothing listening, while slow
    // worker start-up still happens with the admin listener up and /health/ready saying 503.
    return loadHandlers()
        .compose(factories -> adminStarted.get().map(factories))
        .compose(this::deployWorkers)
        .compose(v -> deployHttp(gates))
        .onSuccess(v -> {
          admin.ready(true);
          long ms = (System.nanoTime() - startedNanos) / 1_000_000;
          for (HttpServerVerticle.Binding b : listening) {
            LOG.info(() -> "listening on " + ListenAddress.url(b.host(), b.port()) + " (socket '"
                + b.socket().name() + "')");
          }
          LOG.info(() -> "ready in " + ms + " ms: " + config.services().size() + " service(s), "
              + config.services().stream().mapToInt(ServiceConfig::instances).sum() + " worker instance(s)");
        });
  }

  /** Compiles and loads every handler on a worker thread, reporting the problems of all of them at once. */
  private Future<Map<ServiceConfig, HandlerFactory>> loadHandlers() {
    return vertx.executeBlocking(() -> {
      Map<ServiceConfig, HandlerFactory> factories = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < config.services().size(); i++) {
        ServiceConfig s = config.services().get(i);
        try {
          factories.put(s, HandlerFactory.load(s));
        } catch (HandlerLoadException e) {
          problems.addAll(e.in(config, i));
        }
      }
      if (!problems.isEmpty()) {
        factories.values().forEach(HandlerFactory::close);
        throw new HandlerLoadException(problems);
      }
      factories.forEach((s, f) -> f.bindMeters(metrics.registry(), s.name()));
      loaded.addAll(factories.values());
      return factories;
    }, false);
  }

  private Future<Void> deployWorkers(Map<ServiceConfig, HandlerFactory> factories) {
    List<Future<String>> deployments = new ArrayList<>();
    factories.forEach((service, factory) -> {
      Env env = Env.of(service.bindings());
      DeploymentOptions options = new DeploymentOptions()
          .setThreadingModel(ThreadingModel.WORKER)
          .setInstances(service.instances())
          // A pool per service: a service whose handlers block or loop exhausts only its own threads.
          .setWorkerPoolName("bulwark-" + service.name())
          .setWorkerPoolSize(service.instances())
          // A handler still running a second after its deadline (the client has had its 504) is logged by Vert.x
          // with the thread's stack trace: where it is stuck.
          .setMaxWorkerExecuteTime(service.limits().timeout().toMillis() + 1000)
          .setMaxWorkerExecuteTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
      // Vert.x calls the supplier once per instance: each gets its index, and with it its own address.
      java.util.concurrent.atomic.AtomicInteger index = new java.util.concurrent.atomic.AtomicInteger();
      Supplier<WorkerVerticle> instance = () -> new WorkerVerticle(service, factory, env, index.getAndIncrement());
      deployments.add(vertx.deployVerticle(instance, options)
          .recover(err -> Future.failedFuture(new IllegalStateException(
              "service '" + service.name() + "' did not start: " + err.getMessage(), err))));
    });
    return Future.all(deployments).mapEmpty();
  }

  /**
   * Deploys one HTTP-server verticle first, so that port 0 resolves to one real port per socket, then the other
   * instances on those ports (Vert.x shares a listening port among the instances, one event loop each).
   */
  private Future<Void> deployHttp(Map<String, ServiceGate> gates) {
    List<HttpServerVerticle.Binding> bindings = new ArrayList<>();
    int socketIndex = 0;
    for (SocketConfig socket : config.sockets()) {
      socketIndex++;
      ListenAddress a = socket.address();
      boolean firstHost = true;
      for (String host : a.hosts()) {
        boolean optional = a.isLocalhost() && host.equals("::1");
        // Port 0: Vert.x shares a random port among instances asking with the same negative port; the socket's other
        // hosts then take that same port (port 0 below means "as the first host got").
        int port = a.port() == 0 && firstHost ? -socketIndex : a.port();
        bindings.add(new HttpServerVerticle.Binding(socket, host, port, optional, a.isWildcard() ? "0.0.0.0" : null));
        firstHost = false;
      }
    }
    // One per core by default (the container's CPU limit, where there is one), as a plain Vert.x server deploys; the
    // event-loop pool has 2 x cores, so the admin listener gets a loop of its own. More HTTP instances than cores
    // only cut each loop turn's requests into smaller batches for the workers, and measured no faster.
    int instances = config.http().eventLoopInstances() > 0 ? config.http().eventLoopInstances()
        : Runtime.getRuntime().availableProcessors();
    HttpServerVerticle first = new HttpServerVerticle(bindings, config.http(), gates, metrics);
    return vertx.deployVerticle(first).compose(id -> {
      httpDeployments.add(id);
      listening.addAll(first.bound());
      if (instances <= 1) {
        return Future.succeededFuture();
      }
      List<HttpServerVerticle.Binding> resolved = first.forOtherInstances();
      return vertx.deployVerticle(() -> new HttpServerVerticle(resolved, config.http(), gates, metrics),
          new DeploymentOptions().setInstances(instances - 1)).onSuccess(httpDeployments::add).mapEmpty();
    });
  }

  /**
   * Shuts down: readiness goes down first, the HTTP servers stop accepting and give requests in flight up to
   * {@code http.shutdownGrace} to finish, then everything else closes.
   */
  /** Closed after Vert.x, once no worker verticle uses them. */
  private final List<HandlerFactory> loaded = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Future<Void> close() {
    admin.ready(false);
    List<Future<Void>> undeploying = httpDeployments.stream().map(vertx::undeploy).toList();
    return Future.join(undeploying).transform(ar -> vertx.close())
        .andThen(ar -> loaded.forEach(HandlerFactory::close));
  }

  public Vertx vertx() {
    return vertx;
  }

  public RuntimeConfig config() {
    return config;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Where the sockets listen, with actual ports, in config order. */
  public List<InetSocketAddress> httpAddresses() {
    return listening.stream().map(b -> new InetSocketAddress(b.host(), b.port())).toList();
  }

  /** The actual port of the named socket. */
  public int port(String socketName) {
    return listening.stream().filter(b -> b.socket().name().equals(socketName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no socket '" + socketName + "'")).port();
  }

  /** The admin listener's actual port, if it is on. */
  public Optional<Integer> adminPort() {
    return config.admin().isPresent() ? Optional.of(admin.actualPort()) : Optional.empty();
  }

  public boolean isReady() {
    return admin.isReady();
  }

  private String transportName() {
    return transport.description();
  }

  /** The accept guard's counters. */
  public AcceptStats acceptStats() {
    return transport.stats();
  }

  public static String version() {
    String v = Bulwark.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
