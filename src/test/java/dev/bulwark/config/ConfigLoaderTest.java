package dev.bulwark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void readsTheShippedConfig(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.readYaml(vertx, Path.of("conf/runtime.yaml")).onComplete(ctx.succeeding(tree -> ctx.verify(() -> {
      RuntimeConfig c = ConfigParser.parse(tree, "conf/runtime.yaml");
      assertEquals(2, c.services().size());
      assertEquals("localhost:8080", c.sockets().get(0).address().text());
      ctx.completeNow();
    })));
  }

  @Test
  void malformedYamlNamesTheFileAndLine(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "sockets:\n  - name: http\n    address: [unclosed\n");
    ConfigLoader.readYaml(vertx, bad).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertTrue(err instanceof ConfigException);
      // file:line:column, then SnakeYAML's problem: not its internal "in 'string', line 4" on one long line.
      assertTrue(err.getMessage().startsWith(bad + ":4:1: not valid YAML: "), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void aKeyGivenTwiceIsAnErrorNotTheLastOneWinning(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path twice = dir.resolve("twice.yaml");
    Files.writeString(twice, "http:\n  maxHeaderBytes: 300\nservices:\n  - name: a\n    source: A.java\n"
        + "http:\n  bodyTimeout: 5s\n");
    ConfigLoader.readYaml(vertx, twice).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertEquals(twice + ":6:1: 'http' is given twice in the same mapping; only one may be", err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void aTopLevelThatIsNotAMappingIsSaidSoPlainly(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path scalar = dir.resolve("scalar.yaml");
    Files.writeString(scalar, "hello\n");
    Path list = dir.resolve("list.yaml");
    Files.writeString(list, "- a\n- b\n");
    ConfigLoader.readYaml(vertx, scalar).onComplete(ctx.failing(e1 -> ConfigLoader.readYaml(vertx, list)
        .onComplete(ctx.failing(e2 -> ConfigLoader.readYaml(vertx, dir).onComplete(ctx.failing(e3 -> ctx.verify(() -> {
          assertEquals(scalar + ": the top level must be a mapping (sockets:, services:, http:, admin:), not the value"
              + " 'hello'", e1.getMessage(), "before: 'class java.lang.String cannot be cast to class java.util.Map'");
          assertTrue(e2.getMessage().endsWith("not a list"), e2.getMessage());
          assertEquals(dir + ": is a directory, not a YAML file", e3.getMessage());
          ctx.completeNow();
        })))))));
  }

  @Test
  void aFileWithNoContentReadsAsAnEmptyOneDoes(Vertx vertx, VertxTestContext ctx) throws Exception {
    // Before: all but the 0-byte file failed with 'not valid YAML: Cannot read field "map" because "other" is null'.
    List<String> contents = List.of("", "\n", "# comment\n", "---\n", "~\n", "null\n");
    List<Future<JsonObject>> trees = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      Path file = dir.resolve("nothing" + i + ".yaml");
      Files.writeString(file, contents.get(i));
      trees.add(ConfigLoader.readYaml(vertx, file));
    }
    Future.all(trees).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < contents.size(); i++) {
        assertEquals(new JsonObject(), trees.get(i).result(), "content " + contents.get(i));
      }
      ctx.completeNow();
    })));
  }

  @Test
  void aHandlerFileServedAloneIsNamedAfterTheFileAndSaysSoWhenTheNameCannotBeOne() {
    assertEquals("Hello", ConfigLoader.singleHandler(Path.of("verticles/Hello.java")).getJsonArray("services")
        .getJsonObject(0).getString("name"));
    Path file = Path.of("h/HandlerWithAnExtremelyLongNameThatGoesOnAndOnForMoreThanSixtyThreeChars.java");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.singleHandler(file));
    // Before: "services[0].name: '...' must start with a letter and hold only letters, digits, - and _".
    assertEquals(List.of(file + ": its service is named after the file, and"
        + " 'HandlerWithAnExtremelyLongNameThatGoesOnAndOnForMoreThanSixtyThreeChars' is 71 characters long; a name"
        + " has at most 63: rename the file, or serve it from a configuration file (--config) naming the service"),
        e.problems());
  }

  @Test
  void missingFile(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.readYaml(vertx, dir.resolve("none.yaml")).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertTrue(err.getMessage().endsWith("none.yaml: no such file"), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void unquotedOffInYamlTurnsTheAdminListenerAndVertxMetricsOff(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = dir.resolve("off.yaml");
    Files.writeString(file, "sockets:\n  - address: 127.0.0.1:0\n    service: hello\nservices:\n  - name: hello\n"
        + "    class: dev.bulwark.testhandlers.Hello\nadmin:\n  address: off\n  vertxMetrics: off\n");
    ConfigLoader.readYaml(vertx, file).onComplete(ctx.succeeding(tree -> ctx.verify(() -> {
      RuntimeConfig c = ConfigParser.parse(tree, file.toString());
      assertTrue(c.admin().isEmpty());
      org.junit.jupiter.api.Assertions.assertEquals(RuntimeConfig.VertxMetrics.OFF, c.vertxMetrics());
      ctx.completeNow();
    })));
  }
}
