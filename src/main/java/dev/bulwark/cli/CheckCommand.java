package dev.bulwark.cli;

import dev.bulwark.config.RuntimeConfig;
import dev.bulwark.config.ServiceConfig;
import dev.bulwark.worker.HandlerFactory;
import dev.bulwark.worker.HandlerLoadException;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code check}: validates the configuration and compiles every handler without binding anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate the configuration and compile every handler; print problems; exit non-zero on any.")
final class CheckCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  /** The run command, holding what was given before {@code check} ({@code --config x.yaml check}). */
  @ParentCommand
  Main parent;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigOptions options;
    try {
      options = ConfigOptions.ofCheck(parent.options, this.options);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Vertx vertx = Vertx.vertx();
    RuntimeConfig config;
    try {
      config = options.load(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return Main.report(err, e.getCause());
    } finally {
      vertx.close();
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < config.services().size(); i++) {
      ServiceConfig s = config.services().get(i);
      try {
        try (HandlerFactory factory = HandlerFactory.load(s)) {
          if (!(s.handler() instanceof dev.bulwark.config.HandlerSource.Script)) {
            construct(factory, s, err);
          }
        }
      } catch (HandlerLoadException e) {
        problems.addAll(e.in(config, i));
      }
    }
    if (!problems.isEmpty()) {
      return Main.report(err, new HandlerLoadException(problems));
    }
    out.println("OK " + config.origin() + ": " + config.services().size() + " service(s), "
        + config.sockets().size() + " socket(s)");
    config.sockets().forEach(s -> out.println("  socket " + s.name() + " on " + s.address() + " -> "
        + s.routes().stream().map(r -> (r.host() == null ? "" : r.host()) + r.pathPrefix() + " => " + r.service())
        .toList()));
    config.services().forEach(s -> out.println("  service " + s.name() + ": " + s.handler().describe() + ", "
        + s.instances() + " instance(s), timeout " + s.limits().timeout().toMillis() + " ms, bindings "
        + s.bindings().keySet()));
    return 0;
  }

  /**
   * Runs the handler's constructor once, as a worker instance will. One that has not returned after
   * {@link #SLOW_CONSTRUCTOR} is said so, with where it is, and then waited for: a constructor may take long for good
   * reasons, but a check that hangs in silence (one blocked on a database that is down) tells nobody anything.
   */
  private static void construct(HandlerFactory factory, ServiceConfig s, PrintWriter err) throws HandlerLoadException {
    java.util.concurrent.FutureTask<Object> made = new java.util.concurrent.FutureTask<>(
        () -> factory.newInvoker(null, dev.bulwark.api.Env.of(s.bindings())));
    Thread t = new Thread(made, "bulwark-check-" + s.name());
    t.setDaemon(true); // never what holds the JVM open
    t.start();
    try {
      try {
        made.get(SLOW_CONSTRUCTOR.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        StringBuilder where = new StringBuilder();
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 12); i++) {
          where.append("\n    at ").append(stack[i]);
        }
        err.println("check: " + s.handler().describe() + ": the handler's constructor has not returned after "
            + SLOW_CONSTRUCTOR.toSeconds() + " s; still waiting. It is at:" + where);
        made.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof HandlerLoadException problem) {
        throw problem;
      }
      throw new HandlerLoadException(s.handler().describe() + ": making the handler failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HandlerLoadException(s.handler().describe() + ": check was interrupted while the handler was made");
    }
  }

  /** How long a handler's constructor may take in {@code check} before it is reported as slow. */
  static final java.time.Duration SLOW_CONSTRUCTOR = java.time.Duration.ofSeconds(10);
}
