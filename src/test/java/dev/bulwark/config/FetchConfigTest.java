package dev.bulwark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service key {@code fetch} (outbound fetch() of JavaScript workers). */
class FetchConfigTest {
  private static JsonObject withFetch(String source, Object fetch) {
    JsonObject service = new JsonObject().put("name", "w").put("source", source);
    if (fetch != null) {
      service.put("fetch", fetch);
    }
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("address", "localhost:8080")))
        .put("services", new JsonArray().add(service));
  }

  private static List<String> problems(JsonObject tree) {
    return assertThrows(ConfigException.class, () -> ConfigParser.parse(tree, "f.yaml", Map.of())).problems();
  }

  @Test
  void defaultsWhenAbsent() {
    FetchConfig f = ConfigParser.parse(withFetch("w.js", null), "f.yaml", Map.of()).services().get(0).fetch();
    assertEquals(FetchConfig.DEFAULT, f);
    assertNull(f.allow());
    assertEquals(50, f.maxSubrequests());
    assertEquals(16L * 1024 * 1024, f.maxResponseBytes());
    assertEquals(Duration.ofSeconds(30), f.timeout());
    assertEquals(Duration.ofSeconds(10), f.connectTimeout());
  }

  @Test
  void everyKeyParsed() {
    JsonObject fetch = new JsonObject()
        .put("allow", new JsonArray().add("API.example.com").add("*.example.org").add("127.0.0.1:8080").add("[::1]:8080"))
        .put("maxSubrequests", 10).put("maxResponseBytes", "1MiB").put("timeout", "5s").put("connectTimeout", 500);
    FetchConfig f = ConfigParser.parse(withFetch("w.mjs", fetch), "f.yaml", Map.of()).services().get(0).fetch();
    assertEquals(new FetchConfig(List.of("api.example.com", "*.example.org", "127.0.0.1:8080", "[::1]:8080"), 10,
        1024 * 1024, Duration.ofMillis(500), Duration.ofSeconds(5)), f);
  }

  @Test
  void emptyAllowListAllowsNothing() {
    FetchConfig f = ConfigParser.parse(withFetch("w.js", new JsonObject().put("allow", new JsonArray())), "f.yaml",
        Map.of()).services().get(0).fetch();
    assertEquals(List.of(), f.allow());
  }

  @Test
  void problemsNameTheKey() {
    JsonObject fetch = new JsonObject()
        .put("allow", new JsonArray().add("http://x.com").add(7).add("a.com:70000"))
        .put("maxSubrequest", 3).put("maxResponseBytes", "big").put("timeout", 0);
    List<String> p = problems(withFetch("w.js", fetch));
    assertTrue(p.contains("f.yaml: services[0].fetch.allow[0]: 'http://x.com' is not a host pattern; expected e.g. "
        + "api.example.com, *.example.org, 127.0.0.1:8080, [::1]:8080 or *"), p.toString());
    assertTrue(p.contains("f.yaml: services[0].fetch.allow[1]: must be a string"), p.toString());
    assertTrue(p.contains("f.yaml: services[0].fetch.allow[2]: 'a.com:70000': port must be 1-65535"), p.toString());
    assertTrue(p.contains("f.yaml: services[0].fetch.maxSubrequest: unknown key (did you mean 'maxSubrequests'?)"),
        p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("f.yaml: services[0].fetch.maxResponseBytes: must be a size")),
        p.toString());
    assertTrue(p.contains("f.yaml: services[0].fetch.timeout: must be more than 0"), p.toString());
    assertEquals(6, p.size(), p.toString());
  }

  @Test
  void javaHandlersHaveNoFetchSettings() {
    List<String> p = problems(withFetch("verticles/Hello.java", new JsonObject().put("maxSubrequests", 3)));
    assertEquals(List.of("f.yaml: services[0].fetch: applies to JavaScript workers only (a Java handler makes its own "
        + "HTTP calls)"), p);
  }

  @Test
  void fetchMustBeAMap() {
    List<String> p = problems(withFetch("w.js", "yes"));
    assertEquals(List.of("f.yaml: services[0].fetch: must be a map of keys, got 'yes'"), p);
  }

  /** The Cache API's settings sit beside fetch's, with the same kind of checks. */
  @Test
  void cacheMaxBytesIsASizeForJavaScriptWorkersOnly() {
    JsonObject t = withFetch("w.js", null);
    assertEquals(CacheConfig.DEFAULT, ConfigParser.parse(t, "f.yaml", Map.of()).services().get(0).cache());
    assertEquals(32L * 1024 * 1024, CacheConfig.DEFAULT.maxBytes());
    t.getJsonArray("services").getJsonObject(0).put("cache", new JsonObject().put("maxBytes", "1MiB"));
    assertEquals(new CacheConfig(1 << 20), ConfigParser.parse(t, "f.yaml", Map.of()).services().get(0).cache());
    t.getJsonArray("services").getJsonObject(0).put("cache", new JsonObject().put("maxBytes", "lots").put("size", 1));
    List<String> p = problems(t);
    assertTrue(p.stream().anyMatch(x -> x.startsWith("f.yaml: services[0].cache.maxBytes: must be a size")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("f.yaml: services[0].cache.size: unknown key")), p.toString());
    assertEquals(2, p.size(), p.toString());
    JsonObject java = withFetch("verticles/Hello.java", null);
    java.getJsonArray("services").getJsonObject(0).put("cache", new JsonObject().put("maxBytes", 0));
    assertEquals(List.of("f.yaml: services[0].cache: applies to JavaScript workers only (the Cache API, caches.default)"),
        problems(java));
  }
}
