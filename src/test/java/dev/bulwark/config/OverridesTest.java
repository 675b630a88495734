package dev.bulwark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverridesTest {
  private static JsonObject tree() {
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("name", "http").put("address", "localhost:8080")
            .put("service", "hello")))
        .put("services", new JsonArray()
            .add(new JsonObject().put("name", "hello").put("source", "verticles/Hello.java"))
            .add(new JsonObject().put("name", "json-echo").put("class", "x.Echo")));
  }

  @Test
  void environmentThenSystemProperties() {
    JsonObject t = Overrides.apply(tree(),
        Map.of("BULWARK_ADMIN_ADDRESS", "127.0.0.1:1", "BULWARK_HTTP_MAX_HEADER_BYTES", "16384",
            "BULWARK_SERVICES_JSON_ECHO_INSTANCES", "3", "PATH", "/bin"),
        Map.of("bulwark.admin.address", "127.0.0.1:2", "bulwark.sockets.http.address", "*:9000",
            "java.version", "17")).tree();
    assertEquals("127.0.0.1:2", t.getJsonObject("admin").getString("address"), "a property wins over a variable");
    assertEquals("16384", t.getJsonObject("http").getString("maxHeaderBytes"));
    assertEquals("3", t.getJsonArray("services").getJsonObject(1).getString("instances"));
    assertEquals("*:9000", t.getJsonArray("sockets").getJsonObject(0).getString("address"));
    RuntimeConfig c = ConfigParser.parse(t, "test", Map.of());
    assertEquals(16384, c.http().maxHeaderBytes());
    assertEquals(3, c.service("json-echo").instances());
    // A multi-word key with hyphens between its words, as -D properties are often written (before: no key matched).
    JsonObject kebab = Overrides.apply(tree(), Map.of(), Map.of("bulwark.http.idle-timeout", "5s",
        "bulwark.services.json-echo.max-in-flight", "7")).tree();
    assertEquals("5s", kebab.getJsonObject("http").getString("idleTimeout"));
    assertEquals("7", kebab.getJsonArray("services").getJsonObject(1).getString("maxInFlight"));
  }

  @Test
  void routesBindingsAndFetchAreReachableToo() {
    JsonObject base = tree();
    base.getJsonArray("services").getJsonObject(0).put("source", "verticles/hello.js"); // fetch is for scripts
    JsonObject echo = base.getJsonArray("services").getJsonObject(1);
    echo.put("bindings", new JsonObject().put("GREETING", new JsonObject().put("text", "Hello"))
        .put("LIMITS", new JsonObject().put("json", new JsonObject().put("a", 1))));
    base.getJsonArray("sockets").getJsonObject(0).remove("service");
    base.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
        .add(new JsonObject().put("path", "/echo").put("service", "json-echo"))
        .add(new JsonObject().put("service", "hello")));
    Overrides.Applied applied = Overrides.apply(base,
        Map.of("BULWARK_SOCKETS_HTTP_ROUTES_0_PATH", "/x", "BULWARK_SERVICES_JSON_ECHO_BINDINGS_GREETING", "Hi"),
        Map.of("bulwark.services.json-echo.bindings.LIMITS.text", "none",
            "bulwark.services.hello.fetch.maxSubrequests", "5", "bulwark.services.hello.cache.max_bytes", "1KiB"));
    JsonObject t = applied.tree();
    assertEquals("/x", t.getJsonArray("sockets").getJsonObject(0).getJsonArray("routes").getJsonObject(0)
        .getString("path"), "before: no configuration key matches 'path'");
    JsonObject bindings = t.getJsonArray("services").getJsonObject(1).getJsonObject("bindings");
    assertEquals(new JsonObject().put("text", "Hi"), bindings.getJsonObject("GREETING"));
    assertEquals(new JsonObject().put("text", "none"), bindings.getJsonObject("LIMITS"), "one kind replaces another");
    assertEquals("5", t.getJsonArray("services").getJsonObject(0).getJsonObject("fetch").getString("maxSubrequests"));
    assertEquals("1KiB", t.getJsonArray("services").getJsonObject(0).getJsonObject("cache").getString("maxBytes"));
    assertEquals("BULWARK_SOCKETS_HTTP_ROUTES_0_PATH", applied.setBy().get("sockets[0].routes[0].path"));
    assertEquals("BULWARK_SERVICES_JSON_ECHO_BINDINGS_GREETING", applied.setBy().get("services[1].bindings.GREETING.text"));
    RuntimeConfig c = ConfigParser.parse(t, "test", Map.of());
    assertEquals("/x", c.sockets().get(0).routes().get(0).pathPrefix());
    assertEquals("Hi", c.service("json-echo").bindings().get("GREETING"));
    // A binding the file does not have cannot be made by a typo.
    ConfigException e = assertThrows(ConfigException.class, () -> Overrides.apply(tree(),
        Map.of("BULWARK_SERVICES_HELLO_BINDINGS_GRETING_TEXT", "x"), Map.of()));
    assertTrue(e.getMessage().contains("no configuration key matches 'GRETING.TEXT'"), e.getMessage());
  }

  @Test
  void aJsonBindingSetByAnOverrideIsTheParsedValue() {
    JsonObject base = tree();
    base.getJsonArray("services").getJsonObject(1).put("bindings", new JsonObject()
        .put("SETTINGS", new JsonObject().put("json", new JsonObject().put("retries", 1))));
    JsonObject t = Overrides.apply(base, Map.of("BULWARK_SERVICES_JSON_ECHO_BINDINGS_SETTINGS_JSON", "{\"retries\":7}"),
        Map.of()).tree();
    // Before: the text {"retries":7}, so env.json("SETTINGS") threw "not a JSON object but text".
    assertEquals(new JsonObject().put("retries", 7), ConfigParser.parse(t, "test", Map.of()).service("json-echo")
        .bindings().get("SETTINGS"));
    ConfigException bad = assertThrows(ConfigException.class, () -> Overrides.apply(base,
        Map.of("BULWARK_SERVICES_JSON_ECHO_BINDINGS_SETTINGS_JSON", "{retries"), Map.of()));
    assertTrue(bad.getMessage().contains("BULWARK_SERVICES_JSON_ECHO_BINDINGS_SETTINGS_JSON: not valid JSON for the json"
        + " binding services[1].bindings.SETTINGS.json"), bad.getMessage());
  }

  @Test
  void listEntriesByIndex() {
    JsonObject t = Overrides.apply(tree(), Map.of("BULWARK_SERVICES_0_TIMEOUT", "5s"), Map.of()).tree();
    assertEquals("5s", t.getJsonArray("services").getJsonObject(0).getString("timeout"));
  }

  @Test
  void aBadValueFromAnOverrideNamesTheVariableOrProperty() {
    Overrides.Applied a = Overrides.apply(tree(),
        Map.of("BULWARK_SERVICES_JSON_ECHO_INSTANCES", "lots", "BULWARK_HTTP_DEFER_ACCEPT", "1500ms"),
        Map.of("bulwark.sockets.0.backlog", "-1"));
    assertEquals(Map.of("services[1].instances", "BULWARK_SERVICES_JSON_ECHO_INSTANCES",
        "http.deferAccept", "BULWARK_HTTP_DEFER_ACCEPT", "sockets[0].backlog", "-Dbulwark.sockets.0.backlog"),
        a.setBy());
    java.util.List<String> problems = assertThrows(ConfigException.class,
        () -> ConfigParser.parse(a.tree(), "conf/runtime.yaml", Map.of(), a.setBy())).problems();
    assertTrue(problems.contains("conf/runtime.yaml: services[1].instances"
        + " (set by BULWARK_SERVICES_JSON_ECHO_INSTANCES): must be a whole number, got 'lots'"), problems.toString());
    assertTrue(problems.contains("conf/runtime.yaml: http.deferAccept (set by BULWARK_HTTP_DEFER_ACCEPT): must be whole"
        + " seconds from 0 (off) to 10m, like 1s, got '1500ms'"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(
        "conf/runtime.yaml: sockets[0].backlog (set by -Dbulwark.sockets.0.backlog): ")), problems.toString());
  }

  @Test
  void unknownNamesAreErrorsNamingTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Overrides.apply(tree(), Map.of("BULWARK_HTTP_MAXHEADER", "1"), Map.of("bulwark.services.nope.x", "1")));
    assertTrue(e.problems().get(0).startsWith("BULWARK_HTTP_MAXHEADER: no configuration key matches 'MAXHEADER'"),
        e.problems().toString());
    assertTrue(e.problems().get(1).startsWith("-Dbulwark.services.nope.x: no entry named or numbered 'nope'"),
        e.problems().toString());
  }
}
