package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.config.ConfigException;
import dev.bulwark.config.RuntimeConfig;
import dev.bulwark.observe.Logging;
import dev.bulwark.worker.HandlerLoadException;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar runtime-fat.jar [OPTIONS] [HANDLER_FILE]}. Exit status: 0 after a clean shutdown, 2 when the
 * configuration or a handler is invalid (nothing was bound), 1 when the runtime could not start otherwise
 * (e.g. a port is taken).
 */
@Command(name = "bulwark", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    subcommands = CheckCommand.class, sortOptions = false,
    description = "Serves request handlers (workers) over HTTP on Vert.x.",
    footer = {"", "Examples:",
        "  java -jar runtime-fat.jar                        # conf/runtime.yaml, or hello world on localhost:8080",
        "  java -jar runtime-fat.jar verticles/Hello.java   # one handler, default settings",
        "  java -jar runtime-fat.jar check --config conf/runtime.yaml"})
public final class Main implements Callable<Integer> {
  static final int INVALID = 2;
  static final int FAILED = 1;

  @Mixin
  ConfigOptions options;

  public static void main(String[] args) {
    // Before any class touches java.util.logging: keeps log handlers open while shutdown hooks run.
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", "dev.bulwark.observe.Logging$Manager");
    }
    Logging.init();
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() throws Exception {
    Logger log = Logger.getLogger(Main.class.getName());
    PrintWriter err = new PrintWriter(System.err, true);
    RuntimeConfig config;
    Vertx configVertx = Vertx.vertx();
    try {
      config = options.load(configVertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return report(err, e.getCause());
    } finally {
      configVertx.close();
    }
    Bulwark runtime;
    // SIGTERM or Ctrl-C while workers start (a JavaScript worker warming up, a slow constructor) ends the process at
    // once, as before, but no longer without a word: Kubernetes stopping a pod that never got ready says so.
    Thread duringStart = new Thread(() -> log.info("stopped during start-up, before ready: nothing was serving yet"),
        "bulwark-start-stop");
    Runtime.getRuntime().addShutdownHook(duringStart);
    try {
      runtime = Bulwark.start(config).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      return report(err, e.getCause());
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(duringStart);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running or has run
      }
    }
    Thread hook = new Thread(() -> {
      exitCaller().ifPresent(log::warning);
      stopAtOnceOnSecondSignal(log);
      log.info("shutting down: not ready, no longer accepting, finishing requests in flight");
      long grace = runtime.config().http().shutdownGrace().toMillis();
      long wait = grace + 5000;
      int status = 0;
      try {
        runtime.close().toCompletionStage().toCompletableFuture().get(wait, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        status = FAILED;
        log.warning("shutdown did not finish within " + wait + " ms (http.shutdownGrace " + grace + " ms, then 5 s"
            + " for the rest): handlers still running, e.g. blocked in a call, were cut off");
      } catch (Exception e) {
        status = FAILED;
        log.warning("shutdown did not finish cleanly: " + (e.getCause() == null ? e : e.getCause()));
      }
      log.info(status == 0 ? "stopped" : "stopped (not cleanly)");
      // A JVM ended by a signal exits with 128 + the signal (143, 130) even when every hook ran to the end; the
      // status promised is 0 for a clean shutdown and 1 for one that was not. Nothing of the runtime is left to
      // stop, so the other hooks (logging's reset) have nothing to do either: flush and end here.
      flushAndHalt(status);
    }, "bulwark-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Thread.currentThread().join();
    return 0;
  }

  /**
   * From now on (the graceful shutdown has begun), SIGTERM or SIGINT ends the process at once with status 1, as a
   * second Ctrl-C does for most servers; the JVM would otherwise ignore it without a word while the requests in
   * flight are waited for (up to {@code http.shutdownGrace}).
   */
  private static void stopAtOnceOnSecondSignal(Logger log) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
          log.warning("second signal (SIG" + name + ") while shutting down: stopping now, requests in flight cut"
              + " off");
          flushAndHalt(FAILED);
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // the signal is not handled here (-Xrs, a platform without it): it keeps the JVM's handling
      }
    }
  }

  private static void flushAndHalt(int status) {
    for (java.util.logging.Handler h : Logger.getLogger("").getHandlers()) {
      h.flush();
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  /**
   * Who ended the process through {@code System.exit} or {@code Runtime.exit}, when code did (a handler, a library)
   * rather than a signal: the thread and where it called it. Before, such a shutdown looked like a SIGTERM in the log,
   * and only a blocked-thread report some seconds later showed its stack.
   */
  static java.util.Optional<String> exitCaller() {
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      StackTraceElement[] stack = e.getValue();
      int exit = -1;
      boolean signal = false;
      for (int i = 0; i < stack.length; i++) {
        String cls = stack[i].getClassName();
        if (exit < 0 && cls.equals("java.lang.Runtime") && stack[i].getMethodName().equals("exit")) {
          exit = i;
        }
        signal |= cls.equals("java.lang.Terminator") || cls.startsWith("jdk.internal.misc.Signal");
      }
      if (exit >= 0 && !signal) {
        StringBuilder where = new StringBuilder("System.exit was called by thread '").append(e.getKey().getName())
            .append("'");
        String name = e.getKey().getName();
        if (name.startsWith("bulwark-")) {
          where.append(" (a worker of service '").append(name.substring(8, Math.max(8, name.lastIndexOf('-'))))
              .append("': its handler ends every service; return an error Response instead)");
        }
        where.append(", the runtime shuts down; the call:");
        for (int i = exit + 1; i < stack.length && i <= exit + 8; i++) {
          where.append("\n    at ").append(stack[i]);
        }
        return java.util.Optional.of(where.toString());
      }
    }
    return java.util.Optional.empty();
  }

  /** Prints what is wrong, each problem on its own line, and picks the exit status. */
  static int report(PrintWriter err, Throwable cause) {
    List<String> problems;
    int code;
    if (cause instanceof ConfigException c) {
      problems = c.problems();
      code = INVALID;
    } else if (cause instanceof HandlerLoadException h) {
      problems = h.problems();
      code = INVALID;
    } else if (cause != null && cause.getCause() instanceof HandlerLoadException h) {
      problems = h.problems();
      code = INVALID;
    } else {
      problems = List.of(String.valueOf(cause == null ? "unknown failure" : cause.getMessage()));
      code = FAILED;
    }
    String what = cause instanceof ConfigException ? "invalid configuration, not starting:"
        : code == INVALID ? "handler cannot be loaded, not starting:" : "could not start:";
    err.println("bulwark: " + what);
    // A problem of several lines (a stack, a source line with a caret) stays one indented block.
    problems.forEach(p -> err.println("  " + p.stripTrailing().replace("\n", "\n    ")));
    return code;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"Bulwark " + Bulwark.version(), "Java " + Runtime.version() + " (" + System.getProperty(
          "java.vendor") + ")", "GraalJS " + dev.bulwark.js.JsService.graalJsVersion()};
    }
  }
}
