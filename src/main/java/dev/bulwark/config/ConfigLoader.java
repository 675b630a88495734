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

  /**
   * A config serving one handler source file with default settings, as {@code bulwark verticles/Hello.java}; its
   * service is named after the file. Fails with a {@link ConfigException} naming the file (not a key the user never
   * wrote) when that name cannot be a service's.
   */
  public static JsonObject singleHandler(Path file) {
    String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    String name = base.replaceAll("[^A-Za-z0-9_-]", "-").replaceFirst("^[^A-Za-z]+", "");
    if (name.isEmpty()) {
      name = "main";
    }
    String problem = ConfigParser.nameProblem(name);
    if (problem != null) {
      throw new ConfigException(file + ": its service is named after the file, and " + problem + ": rename the file,"
          + " or serve it from a configuration file (--config) naming the service");
    }
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("name", "http").put("address", "localhost:8080")))
        .put("services", new JsonArray().add(new JsonObject().put("name", name).put("source", file.toString())));
  }

  /**
   * Whether {@link #DEFAULT_FILE} is there in any form, a directory or a dangling symbolic link included: then it is
   * what the runtime serves, or fails on, never silently the embedded default instead.
   */
  public static boolean defaultFilePresent() {
    return Files.exists(DEFAULT_FILE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** Reads a YAML file into a tree; a missing or malformed file fails with a {@link ConfigException}. */
  public static Future<JsonObject> readYaml(Vertx vertx, Path file) {
    if (Files.isDirectory(file)) {
      return Future.failedFuture(new ConfigException(file + ": is a directory, not a YAML file"));
    }
    if (Files.isSymbolicLink(file) && !Files.exists(file)) {
      String target;
      try {
        target = Files.readSymbolicLink(file).toString();
      } catch (java.io.IOException | RuntimeException e) {
        target = "a file";
      }
      return Future.failedFuture(new ConfigException(file + ": is a symbolic link to " + target
          + ", which does not exist"));
    }
    if (!Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException(file + ": no such file"));
    }
    Object top;
    try {
      top = readStrictly(file);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    if (top == null) {
      // Only comments, "---", "~" or "null": vertx-config fails on it with a NullPointerException's message, while
      // a 0-byte file reads as empty; both are a file that says nothing, so the parser says what is missing.
      return Future.succeededFuture(new JsonObject());
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

  /**
   * The file's top level as SnakeYAML (the parser vertx-config uses) reads it as a strict reader, null for a file
   * with no content. Fails with what vertx-config's YAML reading would let pass or report badly: a key given twice in
   * one mapping (SnakeYAML's default keeps the last, so a second {@code http:} block would silently drop the first),
   * a top level that is not a mapping, and syntax errors, as {@code file:line:column: problem}.
   */
  static Object readStrictly(Path file) {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object top;
    try (java.io.Reader in = Files.newBufferedReader(file)) {
      top = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(options)).load(in);
    } catch (org.yaml.snakeyaml.constructor.DuplicateKeyException e) {
      org.yaml.snakeyaml.error.Mark m = e.getProblemMark();
      String key = e.getProblem().replaceFirst("^found duplicate key ", "");
      throw new ConfigException(file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": '" + key
          + "' is given twice in the same mapping; only one may be");
    } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
      org.yaml.snakeyaml.error.Mark m = e.getProblemMark();
      String where = m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
      throw new ConfigException(file + where + ": not valid YAML: " + e.getProblem());
    } catch (java.nio.file.AccessDeniedException e) {
      throw new ConfigException(file + ": cannot be read: permission denied");
    } catch (java.io.IOException | RuntimeException e) {
      throw new ConfigException(file + ": cannot be read as YAML: " + e.getMessage());
    }
    if (top != null && !(top instanceof Map)) {
      throw new ConfigException(file + ": the top level must be a mapping (sockets:, services:, http:, admin:), not "
          + (top instanceof java.util.List ? "a list" : "the value '" + top + "'"));
    }
    return top;
  }

  private static String rootMessage(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage()).replace('\n', ' ').replaceAll("\\s+", " ");
  }
}
