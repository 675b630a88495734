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
            "java.version", "17"));
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
    JsonObject t = Overrides.apply(tree(), Map.of("BULWARK_SERVICES_0_TIMEOUT", "5s"), Map.of());
    assertEquals("5s", t.getJsonArray("services").getJsonObject(0).getString("timeout"));
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
