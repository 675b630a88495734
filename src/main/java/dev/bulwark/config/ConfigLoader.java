package dev.bulwark.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the configuration tree with vertx-config: the YAML file (or the embedded default), then {@code BULWARK_*}
 * environment variables, then {@code -Dbulwark.*} system properties.
 */
public final class ConfigLoader {
  /** The file served when the runtime starts with no arguments, if it exists. */
  public static final Path DEFAULT_FILE = Path.of("conf", "runtime.yaml");
  /** The built-in hello handler the embedded default serves. */
  public static final String HELLO_CLASS = "dev.bulwark.worker.HelloHandler";

  private ConfigLoader() {
  }

  /** The embedded default: a hello handler on localhost:8080, admin on 127.0.0.1:9090. */
  public static JsonObject embeddedDefault() {
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("name", "http").put("address", "localhost:8080")))
        .put("services", new JsonArray().add(new JsonObject().put("name", "hello").put("class", HELLO_CLASS)));
  }

  /** A config serving one handler source file with default settings, as {@code bulwark verticles/Hello.java}. */
  public static JsonObject singleHandler(Path file) {
    String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    String name = base.replaceAll("[^A-Za-z0-9_-]", "-").replaceFirst("^[^A-Za-z]+", "");
    if (name.isEmpty()) {
      name = "main";
    }
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("name", "http").put("address", "localhost:8080")))
        .put("services", new JsonArray().add(new JsonObject().put("name", name).put("source", file.toString())));
  }

  /** Reads a YAML file into a tree; a missing or malformed file fails with a {@link ConfigException}. */
  public static Future<JsonObject> readYaml(Vertx vertx, Path file) {
    if (!Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException(file + ": no such file"));
    }
    ConfigStoreOptions store = new ConfigStoreOptions().setType("file").setFormat("yaml")
        .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setScanPeriod(-1).setIncludeDefaultStores(false).addStore(store));
    return retriever.getConfig()
        .andThen(ar -> retriever.close())
        .recover(err -> Future.failedFuture(new ConfigException(file + ": not valid YAML: " + rootMessage(err))));
  }

  /** Reads the environment and system properties through vertx-config and applies the Bulwark overrides. */
  public static Future<Overrides.Applied> applyOverrides(Vertx vertx, JsonObject tree) {
    ConfigRetriever env = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().setScanPeriod(-1)
        .setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true))));
    ConfigRetriever sys = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().setScanPeriod(-1)
        .setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("raw-data", true)
            .put("cache", false))));
    return env.getConfig().andThen(ar -> env.close())
        .compose(envJson -> sys.getConfig().andThen(ar -> sys.close())
            .map(sysJson -> Overrides.apply(tree, strings(envJson), strings(sysJson))));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> map = new HashMap<>();
    json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    return map;
  }

  private static String rootMessage(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage()).replace('\n', ' ').replaceAll("\\s+", " ");
  }
}
