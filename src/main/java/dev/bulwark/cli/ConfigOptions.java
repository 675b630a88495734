package dev.bulwark.cli;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.ConfigLoader;
import dev.bulwark.config.ConfigParser;
import dev.bulwark.config.ListenAddress;
import dev.bulwark.config.RuntimeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options that say what to serve, shared by the run command and {@code check}. */
final class ConfigOptions {
  private static final Logger LOG = Logger.getLogger(ConfigOptions.class.getName());

  @Parameters(arity = "0..1", paramLabel = "HANDLER_FILE",
      description = "Serve just this handler (e.g. verticles/Hello.java) with default settings.")
  Path handlerFile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: conf/runtime.yaml if present, else the embedded hello world).")
  Path configFile;

  @Option(names = "--listen", paramLabel = "ADDRESS",
      description = "Listen here instead of the configured sockets; repeatable. localhost:P = 127.0.0.1 and ::1,"
          + " *:P = all interfaces.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--admin", paramLabel = "ADDRESS",
      description = "Admin listener (/health/live, /health/ready, /metrics); 'off' disables it."
          + " Default: 127.0.0.1:9090.")
  String admin;

  @Option(names = "--var", paramLabel = "NAME=VALUE",
      description = "A text binding for every service; repeatable.")
  List<String> vars = new ArrayList<>();

  /**
   * The options of {@code check}: those given after it, and those given before it, which picocli hands to the run
   * command, as if given after it. An option given on both sides is refused: either reading would be a guess.
   *
   * @throws IllegalArgumentException naming the options given on both sides
   */
  static ConfigOptions ofCheck(ConfigOptions before, ConfigOptions after) {
    List<String> twice = new ArrayList<>();
    ConfigOptions o = new ConfigOptions();
    o.handlerFile = once("HANDLER_FILE", before.handlerFile, after.handlerFile, twice);
    o.configFile = once("--config", before.configFile, after.configFile, twice);
    o.listen = once("--listen", before.listen, after.listen, twice);
    o.admin = once("--admin", before.admin, after.admin, twice);
    o.vars = once("--var", before.vars, after.vars, twice);
    if (!twice.isEmpty()) {
      throw new IllegalArgumentException(String.join(", ", twice) + (twice.size() == 1 ? " is" : " are")
          + " given both before and after 'check'; give " + (twice.size() == 1 ? "it" : "each") + " once, after"
          + " 'check'");
    }
    return o;
  }

  private static <T> T once(String option, T before, T after, List<String> twice) {
    if (given(before) && given(after)) {
      twice.add(option);
    }
    return given(after) ? after : before;
  }

  private static boolean given(Object option) {
    return option instanceof List<?> repeated ? !repeated.isEmpty() : option != null;
  }

  /** Where the tree comes from, for messages. */
  String origin() {
    if (handlerFile != null) {
      return handlerFile.toString();
    }
    if (configFile != null) {
      return configFile.toString();
    }
    return ConfigLoader.defaultFilePresent() ? ConfigLoader.DEFAULT_FILE.toString() : "embedded default";
  }

  /**
   * Why a HANDLER_FILE argument cannot be one, said once and with what was likely meant (a configuration file, the
   * {@code check} subcommand), or null when its name is a handler's. Before, the single-handler configuration made
   * of it also failed, with a second, misleading problem about sockets.
   */
  static String notAHandler(String arg) {
    String lower = arg.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".java") || lower.endsWith(".js") || lower.endsWith(".mjs") || lower.endsWith(".cjs")) {
      return null;
    }
    String what = "'" + arg + "' is neither a Java source file (.java) nor a JavaScript worker (.js, .mjs)";
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return what + "; a configuration file goes after --config: --config " + arg;
    }
    if (!lower.contains(".") && !lower.contains("/") && dev.bulwark.config.ConfigValues.close("check", lower)) {
      return what + "; did you mean the subcommand 'check'?";
    }
    return what;
  }

  /** Reads, overrides and validates the configuration; fails with {@link ConfigException}. */
  Future<RuntimeConfig> load(Vertx vertx) {
    if (handlerFile != null && configFile != null) {
      return Future.failedFuture(new ConfigException(
          "give either HANDLER_FILE or --config FILE, not both (" + handlerFile + ", " + configFile + ")"));
    }
    if (configFile != null && configFile.toString().isEmpty()) { // "--config=" or --config "": not the directory ""
      return Future.failedFuture(new ConfigException("--config: no file name given, e.g. --config conf/runtime.yaml"));
    }
    Future<JsonObject> tree;
    if (handlerFile != null && notAHandler(handlerFile.toString()) != null) {
      return Future.failedFuture(new ConfigException(notAHandler(handlerFile.toString())));
    }
    if (handlerFile != null) {
      try {
        tree = Future.succeededFuture(ConfigLoader.singleHandler(handlerFile));
      } catch (ConfigException e) {
        return Future.failedFuture(e);
      }
    } else if (configFile != null) {
      tree = ConfigLoader.readYaml(vertx, configFile);
    } else if (ConfigLoader.defaultFilePresent()) {
      tree = ConfigLoader.readYaml(vertx, ConfigLoader.DEFAULT_FILE);
    } else {
      tree = Future.succeededFuture(ConfigLoader.embeddedDefault());
    }
    String origin = origin();
    return tree.compose(t -> ConfigLoader.applyOverrides(vertx, t))
        .map(o -> {
          Map<String, String> setBy = new java.util.HashMap<>(o.setBy());
          return ConfigParser.parse(applyCommandLine(o.tree(), setBy), origin, System.getenv(), setBy);
        });
  }

  /**
   * Command-line options win over the file, the environment and system properties; {@code setBy} (key path to the
   * source of its value, see {@code Overrides}) is updated for every key they set.
   */
  private JsonObject applyCommandLine(JsonObject tree, Map<String, String> setBy) {
    List<String> problems = new ArrayList<>();
    if (!listen.isEmpty()) {
      JsonArray old = tree.getValue("sockets") instanceof JsonArray a ? a : new JsonArray();
      JsonObject template = old.size() > 0 && old.getValue(0) instanceof JsonObject o ? o.copy() : new JsonObject();
      JsonArray sockets = new JsonArray();
      for (int i = 0; i < listen.size(); i++) {
        try {
          ListenAddress.parse(listen.get(i));
        } catch (IllegalArgumentException e) {
          problems.add("--listen " + listen.get(i) + ": " + e.getMessage());
        }
        sockets.add(template.copy().put("name", i == 0 && template.containsKey("name")
            ? template.getString("name") : "listen" + i).put("address", listen.get(i)));
      }
      tree.put("sockets", sockets);
      setBy.keySet().removeIf(k -> k.startsWith("sockets"));
      for (int i = 0; i < listen.size(); i++) {
        setBy.put("sockets[" + i + "].address", "--listen");
      }
    }
    if (admin != null) {
      JsonObject a = tree.getValue("admin") instanceof JsonObject o ? o : new JsonObject();
      tree.put("admin", a.put("address", admin));
      setBy.put("admin.address", "--admin");
    }
    for (String v : vars) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        problems.add("--var " + v + ": expected NAME=VALUE");
        continue;
      }
      String name = v.substring(0, eq);
      String value = v.substring(eq + 1);
      if (!ConfigParser.isBindingName(name)) {
        // Said once, of the option: not once per service, of a key in a file that does not have it.
        problems.add("--var " + v + ": binding names must be identifiers (letters, digits, _ and $, not starting with"
            + " a digit)");
        continue;
      }
      if (tree.getValue("services") instanceof JsonArray services) {
        for (int i = 0; i < services.size(); i++) {
          // A service whose bindings are not a map keeps them, so that the parser reports them.
          if (services.getValue(i) instanceof JsonObject service && (service.getValue("bindings") == null
              || service.getValue("bindings") instanceof JsonObject)) {
            JsonObject bindings = service.getValue("bindings") instanceof JsonObject b ? b : new JsonObject();
            // Replacing a text binding is what --var is for; a secret or a service binding turned into text is
            // more likely a clash of names, so it is said (without either value).
            if (bindings.getValue(name) instanceof JsonObject old && old.size() == 1 && !old.containsKey("text")) {
              LOG.warning("--var " + name + " replaces service '" + service.getValue("name") + "''s "
                  + old.fieldNames().iterator().next() + " binding " + name + " with text");
            }
            service.put("bindings", bindings.put(name, new JsonObject(Map.of("text", value))));
            setBy.put("services[" + i + "].bindings." + name + ".text", "--var");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return tree;
  }
}
