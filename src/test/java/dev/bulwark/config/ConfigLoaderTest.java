package dev.bulwark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
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
      assertTrue(err.getMessage().startsWith(bad + ": not valid YAML"), err.getMessage());
      assertTrue(err.getMessage().contains("line"), err.getMessage());
      ctx.completeNow();
    })));
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
