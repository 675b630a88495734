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
