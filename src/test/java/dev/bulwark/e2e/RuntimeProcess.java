package dev.bulwark.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fat jar running as a child process, as a user would start it: {@code java -jar runtime-fat.jar ARGS} with the
 * test JVM's own {@code java}, in a working directory of the test's choosing. Standard output and error are read
 * into memory by two threads; {@link #close()} always ends the process (SIGTERM, then SIGKILL after a grace period).
 */
final class RuntimeProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration KILL_GRACE = Duration.ofSeconds(10);

  private static final Pattern LISTENING =
      Pattern.compile("listening on http://(\\[[^\\]]+\\]|[^\\s/:]+):(\\d+) \\(socket '([^']*)'\\)");
  private static final Pattern ADMIN = Pattern.compile("admin on http://(\\[[^\\]]+\\]|[^\\s/:]+):(\\d+)");

  private final List<String> command;
  private final Path workingDir;
  private final Process process;
  private final Output stdout;
  private final Output stderr;

  private RuntimeProcess(List<String> command, Path workingDir, Process process) {
    this.command = command;
    this.workingDir = workingDir;
    this.process = process;
    this.stdout = new Output(process.getInputStream(), "bulwark-it-stdout-" + process.pid());
    this.stderr = new Output(process.getErrorStream(), "bulwark-it-stderr-" + process.pid());
  }

  /** Starts {@code java -jar <fat jar> args...} in {@code workingDir}; does not wait for anything. */
  static RuntimeProcess start(Path workingDir, String... args) {
    return start(workingDir, List.of(), Map.of(), args);
  }

  /**
   * Starts {@code PREFIX... java -jar <fat jar> args...} (a prefix such as {@code prlimit --nofile=256:256 --}) with
   * extra environment variables (such as {@code LD_PRELOAD}); does not wait for anything.
   */
  static RuntimeProcess start(Path workingDir, List<String> prefix, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(javaBinary());
    return launch(workingDir, command, env, args);
  }

  /** Starts {@code java JVM_OPTIONS... -jar <fat jar> args...} with another JVM (e.g. a JDK 25 with JVMCI on). */
  static RuntimeProcess startOn(Path workingDir, Path java, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    return launch(workingDir, command, Map.of(), args);
  }

  private static RuntimeProcess launch(Path workingDir, List<String> launcher, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(launcher);
    command.add("-jar");
    command.add(fatJar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    // The runtime reads BULWARK_* overrides from its environment: the test's own environment must not leak in.
    builder.environment().keySet().removeIf(k -> k.startsWith("BULWARK_"));
    builder.environment().putAll(env);
    try {
      return new RuntimeProcess(command, workingDir, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** The child's process id, e.g. to count its open descriptors in /proc. */
  long pid() {
    return process.pid();
  }

  /** Runs a command that is expected to end by itself (check, --version, a start that fails) and waits for it. */
  static RuntimeProcess run(Path workingDir, String... args) {
    RuntimeProcess p = start(workingDir, args);
    p.awaitExit(EXIT_TIMEOUT);
    return p;
  }

  static Path fatJar() {
    String property = System.getProperty("bulwark.fatJar");
    Path jar = property != null ? Path.of(property) : projectDir().resolve("target/runtime-fat.jar");
    assertTrue(Files.isRegularFile(jar), "the fat jar is not built: " + jar
        + " (run through 'mvn verify', which builds it in the package phase before failsafe runs)");
    return jar.toAbsolutePath();
  }

  static Path projectDir() {
    String property = System.getProperty("bulwark.projectDir");
    return (property != null ? Path.of(property) : Path.of("").toAbsolutePath()).toAbsolutePath();
  }

  static String javaBinary() {
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome.toString();
    }
    return ProcessHandle.current().info().command()
        .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs the tests"));
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
  }

  /** Waits for the {@code ready in} log line; fails with everything the process printed if it exits or is late. */
  RuntimeProcess awaitReady() {
    return awaitReady(START_TIMEOUT);
  }

  RuntimeProcess awaitReady(Duration timeout) {
    if (!stdout.await(text -> text.contains(" ready in "), process, timeout)) {
      fail((process.isAlive() ? "no 'ready in' line within " + timeout.toSeconds() + " s"
          : "the process exited with status " + process.exitValue() + " before it was ready") + describe());
    }
    return this;
  }

  /** Whether the process printed {@code line} to stdout within {@code timeout} (false at once if it exited). */
  boolean awaitStdout(String line, Duration timeout) {
    return stdout.await(text -> text.contains(line), process, timeout);
  }

  /** Waits for the process to exit by itself and returns its status; fails (and kills it) if it is late. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        fail("the process did not exit within " + timeout.toSeconds() + " s" + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      fail("interrupted while waiting for the process to exit" + describe());
    }
    stdout.awaitEnd();
    stderr.awaitEnd();
    return process.exitValue();
  }

  int exitValue() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Process process() {
    return process;
  }

  String stdout() {
    return stdout.text();
  }

  String stderr() {
    return stderr.text();
  }

  /** Ports of the {@code listening on} lines, by host as printed ({@code 127.0.0.1}, {@code [::1]}, ...). */
  Map<String, Integer> listeningPorts() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    Matcher m = LISTENING.matcher(stdout());
    while (m.find()) {
      ports.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return ports;
  }

  /** The port the runtime listens on at {@code host} (as printed, e.g. {@code 127.0.0.1} or {@code [::1]}). */
  int port(String host) {
    Integer port = listeningPorts().get(host);
    if (port == null) {
      fail("no 'listening on http://" + host + ":PORT' line" + describe());
    }
    return port;
  }

  OptionalInt adminPort() {
    Matcher m = ADMIN.matcher(stdout());
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(2))) : OptionalInt.empty();
  }

  int requireAdminPort() {
    OptionalInt port = adminPort();
    if (port.isEmpty()) {
      fail("no 'admin on http://HOST:PORT' line" + describe());
    }
    return port.getAsInt();
  }

  /** The command, working directory, exit status and everything printed so far, for failure messages. */
  String describe() {
    String status = process.isAlive() ? "running" : "exit status " + process.exitValue();
    return "\n--- command: " + String.join(" ", command) + "\n--- in: " + workingDir + " (" + status + ")"
        + "\n--- stdout:\n" + stdout() + "\n--- stderr:\n" + stderr() + "\n---";
  }

  /**
   * Sends SIGTERM (what {@code kill}, Kubernetes and systemd send), as {@link Process#destroy()} does, but through the
   * {@link ProcessHandle}: {@code Process.destroy()} also closes the pipes at once, losing what the process prints
   * while it shuts down.
   */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** SIGTERM, then SIGKILL if it is still there after a grace period. */
  @Override
  public void close() {
    if (process.isAlive()) {
      sigterm();
      try {
        if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    stdout.awaitEnd();
    stderr.awaitEnd();
  }

  /** One stream of the child read into memory by a daemon thread, line by line, with waiters notified. */
  private static final class Output {
    private final StringBuilder text = new StringBuilder();
    private final Thread reader;
    private boolean ended;

    Output(InputStream in, String threadName) {
      reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (this) {
              text.append(line).append('\n');
              notifyAll();
            }
          }
        } catch (IOException e) {
          synchronized (this) {
            text.append("[test: reading the stream failed: ").append(e).append("]\n");
          }
        } finally {
          synchronized (this) {
            ended = true;
            notifyAll();
          }
        }
      }, threadName);
      reader.setDaemon(true);
      reader.start();
    }

    synchronized String text() {
      return text.toString();
    }

    /** True once {@code condition} holds for the text read so far; false on timeout or when the stream ends first. */
    synchronized boolean await(Predicate<String> condition, Process process, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!condition.test(text.toString())) {
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }

    /** After the process exited: waits (briefly) until everything it printed has been read. */
    void awaitEnd() {
      try {
        reader.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
