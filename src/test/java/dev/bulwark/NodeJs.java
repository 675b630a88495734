package dev.bulwark;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a script with the real Node.js ({@code node -e}), a client and a second implementation of the Web APIs for
 * tests. Fails (does not skip) when node is missing: CI installs it.
 */
public final class NodeJs {
  private NodeJs() {
  }

  /** What a script printed, and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "\n--- node exit " + exitCode + "\n--- node stdout:\n" + stdout + "\n--- node stderr:\n" + stderr;
    }
  }

  /** Runs {@code node -e script} in {@code dir}, for at most 60 s. */
  public static Result run(Path dir, String script) throws Exception {
    String node = find("node").orElseGet(() -> fail("'node' is not on the PATH (" + System.getenv("PATH")
        + "): this test needs Node.js 20+; CI installs it"));
    Path out = Files.createTempFile(dir, "node", ".out");
    Path err = Files.createTempFile(dir, "node", ".err");
    Process p = new ProcessBuilder(node, "-e", script).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        fail("node did not finish within 60 s");
      }
    } finally {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The standard output of a script that must succeed; fails the test with its output otherwise. */
  public static String output(Path dir, String script) throws Exception {
    Result r = run(dir, script);
    if (r.exitCode() != 0) {
      fail("node failed:" + r);
    }
    return r.stdout();
  }

  /** An executable on the PATH. */
  public static Optional<String> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
      for (String candidate : List.of(name, name + ".exe")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, candidate);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p.toAbsolutePath().toString());
        }
      }
    }
    return Optional.empty();
  }
}
