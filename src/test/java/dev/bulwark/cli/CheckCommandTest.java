package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code check} run as the command line runs it, in this JVM: options given before the subcommand count as if given
 * after it. Before, picocli gave them to the run command, and {@code check} checked conf/runtime.yaml instead.
 */
class CheckCommandTest {
  @TempDir
  Path dir;

  /** One run of the command line: its exit status and what it printed. */
  private record Run(int status, String out, String err) {
    String describe() {
      return "\nexit " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static final String GOOD = """
      sockets:
        - name: http
          address: 127.0.0.1:0
      services:
        - name: hello
          class: dev.bulwark.testhandlers.Hello
      """;

  private Path good() throws Exception {
    return Files.writeString(dir.resolve("good.yaml"), GOOD);
  }

  /** The good configuration with one invalid value. */
  private Path bad() throws Exception {
    return Files.writeString(dir.resolve("bad.yaml"), GOOD + "    instances: 0\n");
  }

  @Test
  void aVarThatReplacesABindingOfAnotherKindIsSaidInTheLog() throws Exception {
    Path conf = Files.writeString(dir.resolve("kinds.yaml"), GOOD + """
            bindings:
              TOKEN: { secret: PATH }
              OTHER: { service: hello }
              NAME: { text: configured }
        """);
    List<String> logged = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getLevel() + " " + r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger(ConfigOptions.class.getName());
    log.addHandler(h);
    try {
      Run r = run("check", "--config", conf.toString(), "--var", "TOKEN=s3cr3t-value", "--var", "OTHER=x",
          "--var", "NAME=y");
      assertEquals(0, r.status(), r.describe());
    } finally {
      log.removeHandler(h);
    }
    // Before: silent, and env.OTHER.fetch was gone at run time. Replacing a text binding is what --var is for.
    assertEquals(List.of(
        "WARNING --var TOKEN replaces service 'hello''s secret binding TOKEN with text",
        "WARNING --var OTHER replaces service 'hello''s service binding OTHER with text"), logged);
  }

  @Test
  void aConfigFileBeforeCheckIsTheOneChecked() throws Exception {
    Path bad = bad();
    Run r = run("--config", bad.toString(), "check");
    assertEquals(2, r.status(), "before: conf/runtime.yaml was checked, exit 0" + r.describe());
    assertTrue(r.err().contains(bad + ": services[0].instances: must be 1-1024, got 0"), r.describe());
    Run good = run("--config", good().toString(), "check");
    assertEquals(0, good.status(), good.describe());
    assertTrue(good.out().startsWith("OK " + dir.resolve("good.yaml") + ": 1 service(s), 1 socket(s)"),
        good.describe());
  }

  @Test
  void aHandlerFileBeforeCheckIsTheOneChecked() {
    Path missing = dir.resolve("Missing.java");
    Run r = run(missing.toString(), "check");
    assertEquals(2, r.status(), r.describe());
    assertTrue(r.err().contains(missing + ": no such file"), r.describe());
  }

  @Test
  void anEmptyConfigFileNameIsSaidToBeEmpty() {
    for (String[] args : new String[][] {{"check", "--config="}, {"--config", "", "check"}}) {
      Run r = run(args);
      assertEquals(2, r.status(), r.describe());
      // Before: ": is a directory, not a YAML file", the empty path read as the working directory.
      assertTrue(r.err().contains("--config: no file name given, e.g. --config conf/runtime.yaml"), r.describe());
    }
  }

  @Test
  void aListenHostThatDoesNotResolveFailsCheck() throws Exception {
    Run r = run("check", "--config", good().toString(), "--listen", "nonexistent.invalid:0");
    assertEquals(2, r.status(), "before: OK, and the runtime then could not bind, exit 1" + r.describe());
    assertTrue(r.err().contains("sockets[0].address (set by --listen): host 'nonexistent.invalid' does not resolve"),
        r.describe());
  }

  @Test
  void listenAdminAndVarBeforeCheckApplyToIt() throws Exception {
    Path good = good();
    Run r = run("--listen", "127.0.0.1:25001", "--var", "GREETING=hi", "--admin", "nowhere", "check",
        "--config", good.toString());
    assertEquals(2, r.status(), r.describe());
    assertTrue(r.err().contains(good + ": admin.address (set by --admin): 'nowhere' has no port"), r.describe());
    Run ok = run("--listen", "127.0.0.1:25001", "--var", "GREETING=hi", "--admin", "off", "check",
        "--config", good.toString());
    assertEquals(0, ok.status(), ok.describe());
    assertTrue(ok.out().contains("socket http on 127.0.0.1:25001"), ok.describe());
    assertTrue(ok.out().contains("bindings [GREETING]"), ok.describe());
  }

  @Test
  void theSameOptionBeforeAndAfterCheckIsAUsageError() throws Exception {
    Path good = good();
    Path bad = bad();
    Run r = run("--config", bad.toString(), "check", "--config", good.toString());
    assertEquals(2, r.status(), r.describe());
    assertTrue(r.err().startsWith("--config is given both before and after 'check'; give it once, after 'check'"),
        r.describe());
    assertFalse(r.out().contains("OK "), r.describe());
    Run vars = run("--var", "A=1", "check", "--config", good.toString(), "--var", "B=2", "--listen", "[::1]:0");
    assertEquals(2, vars.status(), vars.describe());
    assertTrue(vars.err().startsWith("--var is given both before and after 'check'"), vars.describe());
    Run files = run(dir.resolve("A.java").toString(), "check", dir.resolve("B.java").toString());
    assertEquals(2, files.status(), files.describe());
    assertTrue(files.err().startsWith("HANDLER_FILE is given both before and after 'check'"), files.describe());
  }

  @Test
  void aVarWithABadNameIsNamedAsTheOptionOnceAndDoesNotHideBadBindings() throws Exception {
    Path two = Files.writeString(dir.resolve("two.yaml"), """
        sockets:
          - name: http
            address: 127.0.0.1:0
            routes:
              - { path: /a, service: a }
              - { service: b }
        services:
          - name: a
            class: dev.bulwark.testhandlers.Hello
          - name: b
            class: dev.bulwark.testhandlers.Hello
        """);
    Run name = run("check", "--config", two.toString(), "--var", "1bad=x");
    assertEquals(2, name.status(), name.describe());
    // Before: once per service, as "two.yaml: services[0].bindings.1bad: ...", a key the file does not have.
    assertEquals(1, name.err().lines().filter(l -> l.contains("1bad")).count(), name.describe());
    assertTrue(name.err().contains("--var 1bad=x: binding names must be identifiers"), name.describe());
    Path oops = Files.writeString(dir.resolve("oops.yaml"), """
        sockets:
          - name: http
            address: 127.0.0.1:0
        services:
          - name: hello
            class: dev.bulwark.testhandlers.Hello
            bindings: oops
        """);
    Run hidden = run("check", "--config", oops.toString(), "--var", "X=1");
    assertEquals(2, hidden.status(), "before: OK, the bad bindings replaced by the --var" + hidden.describe());
    assertTrue(hidden.err().contains("services[0].bindings: must be a map"), hidden.describe());
  }

  @Test
  void aConstructorThatDoesNotReturnIsSaidSoWithWhereItIsAndThenWaitedFor() throws Exception {
    Path source = Files.writeString(dir.resolve("SlowCtor.java"), """
        import dev.bulwark.api.*;

        public class SlowCtor implements Handler {
          public SlowCtor() throws InterruptedException {
            Thread.sleep(CHECK_WAITS_MS + 1500);
          }

          @Override
          public Response handle(Request request, Env env) {
            return Response.text("made\\n");
          }
        }
        """.replace("CHECK_WAITS_MS", Long.toString(CheckCommand.SLOW_CONSTRUCTOR.toMillis())));
    Path config = Files.writeString(dir.resolve("slow.yaml"), """
        sockets:
          - name: http
            address: 127.0.0.1:0
        services:
          - name: slow
            source: %s
        """.formatted(source));
    // Before: nothing at all was printed while the constructor ran (a check blocked on a database hung in silence).
    Run r = run("check", "--config", config.toString());
    assertEquals(0, r.status(), "a slow constructor is not a problem" + r.describe());
    assertTrue(r.err().contains("the handler's constructor has not returned after 10 s; still waiting. It is at:"),
        r.describe());
    assertTrue(r.err().contains("SlowCtor.<init>(SlowCtor.java:5)"), "where it is: " + r.describe());
    assertTrue(r.out().startsWith("OK "), r.describe());
  }
}
