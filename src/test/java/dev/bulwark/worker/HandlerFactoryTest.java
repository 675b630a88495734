package dev.bulwark.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.config.HandlerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerFactoryTest {
  @TempDir
  Path dir;

  private HandlerSource source(String name, String code) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, code);
    return new HandlerSource.SourceFile(file);
  }

  @Test
  void compilesASingleSourceFileInMemory() throws Exception {
    HandlerSource src = source("Greeter.java", """
        import dev.bulwark.api.*;
        public class Greeter implements Handler {
          private int calls;
          public Response handle(Request request, Env env) {
            return Response.text(env.text("WHO") + " " + (++calls) + " " + Helper.shout("hi"));
          }
        }
        class Helper {
          static String shout(String s) { return s.toUpperCase(); }
        }
        """);
    HandlerFactory factory = load(src);
    HandlerFactory.Invoker a = factory.newInvoker(null, Env.empty());
    HandlerFactory.Invoker b = factory.newInvoker(null, Env.empty());
    Env env = Env.of(java.util.Map.of("WHO", "you"));
    assertEquals("you 1 HI", a.invoke(Request.get("/"), env).result().text());
    assertEquals("you 2 HI", a.invoke(Request.get("/"), env).result().text());
    assertEquals("you 1 HI", b.invoke(Request.get("/"), env).result().text(), "each instance has its own state");
  }

  @Test
  void compileErrorsNameFileAndLine() throws Exception {
    HandlerSource src = source("Broken.java", """
        import dev.bulwark.api.*;
        public class Broken implements Handler {
          public Response handle(Request request, Env env) {
            return Response.text("missing semicolon")
          }
        }
        """);
    HandlerLoadException e = assertThrows(HandlerLoadException.class, () -> load(src));
    List<String> p = e.problems();
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith(dir.resolve("Broken.java") + ":4: error: ';' expected"), p.get(0));
  }

  @Test
  void aSourceWithoutAHandlerIsRefused() throws Exception {
    HandlerSource src = source("Plain.java", "public class Plain { }\n");
    assertTrue(assertThrows(HandlerLoadException.class, () -> load(src)).getMessage()
        .contains("no top-level class implements dev.bulwark.api.Handler"));
  }

  @Test
  void missingFileAndMissingClass() {
    assertTrue(assertThrows(HandlerLoadException.class,
        () -> load(new HandlerSource.SourceFile(dir.resolve("Nope.java")))).getMessage()
        .contains("no such file"));
    assertTrue(assertThrows(HandlerLoadException.class,
        () -> load(new HandlerSource.ClassName("com.example.Nope"))).getMessage()
        .contains("class com.example.Nope: not found on the class path"));
    assertTrue(assertThrows(HandlerLoadException.class,
        () -> load(new HandlerSource.ClassName("java.lang.String"))).getMessage()
        .contains("implements neither"));
  }

  @Test
  void aSourceThatIsNotUtf8TextOrNotAFileIsNamedSo() throws Exception {
    Path latin1 = dir.resolve("Latin.java");
    Files.write(latin1, "public class Latin {\n  String s = \"caf\u00e9\";\n}\n".getBytes("ISO-8859-1"));
    // Before: "cannot read: Input length = 1", which named neither the cause nor the place.
    assertEquals(List.of(latin1 + ":2: is not UTF-8 text (byte 38 is 0xe9); save the file as UTF-8"),
        assertThrows(HandlerLoadException.class, () -> load(new HandlerSource.SourceFile(latin1))).problems());
    Path folder = Files.createDirectory(dir.resolve("Folder.java"));
    // Before: "no such file", of a path that exists.
    assertEquals(List.of(folder + ": is a directory, not a source file"),
        assertThrows(HandlerLoadException.class, () -> load(new HandlerSource.SourceFile(folder))).problems());
    Path utf8 = dir.resolve("Utf8.java");
    Files.writeString(utf8, """
        import dev.bulwark.api.*;
        public class Utf8 implements Handler {
          public Response handle(Request request, Env env) { return Response.text("caf\u00e9 \ud83d\ude00"); }
        }
        """);
    assertEquals("caf\u00e9 \ud83d\ude00", load(new HandlerSource.SourceFile(utf8)).newInvoker(null, Env.empty())
        .invoke(Request.get("/"), Env.empty()).result().text(), "UTF-8 text, a 4-byte sequence included, still reads");
  }

  @Test
  void aConstructorThatThrowsIsReported() throws Exception {
    HandlerSource src = source("Angry.java", """
        import dev.bulwark.api.*;
        public class Angry implements Handler {
          public Angry() { throw new IllegalStateException("no database"); }
          public Response handle(Request request, Env env) { return null; }
        }
        """);
    HandlerFactory f = load(src);
    assertTrue(assertThrows(HandlerLoadException.class, () -> f.newInvoker(null, Env.empty())).getMessage().contains("no database"));
  }

  @Test
  void aStaticInitializerThatThrowsIsReportedAsAThrowingConstructorIs() throws Exception {
    HandlerSource block = source("Boom.java", """
        import dev.bulwark.api.*;
        public class Boom implements Handler {
          static { if (true) throw new RuntimeException("static boom"); }
          public Response handle(Request request, Env env) { return null; }
        }
        """);
    HandlerSource field = source("BadField.java", """
        import dev.bulwark.api.*;
        public class BadField implements Handler {
          static final int X = Integer.parseInt("x");
          public Response handle(Request request, Env env) { return null; }
        }
        """);
    // Before: an ExceptionInInitializerError escaped, a raw stack trace from check, "did not start: null" serving.
    assertEquals(List.of(dir.resolve("Boom.java") + ": static initializer of Boom threw java.lang.RuntimeException:"
        + " static boom"), assertThrows(HandlerLoadException.class, () -> load(block)).problems());
    assertEquals(List.of(dir.resolve("BadField.java") + ": static initializer of BadField threw"
        + " java.lang.NumberFormatException: For input string: \"x\""),
        assertThrows(HandlerLoadException.class, () -> load(field)).problems());
  }

  private static HandlerFactory load(HandlerSource source) throws HandlerLoadException {
    return HandlerFactory.load(new dev.bulwark.config.ServiceConfig("test", source, 1, java.util.Map.of(),
        dev.bulwark.config.Limits.DEFAULT));
  }
}
