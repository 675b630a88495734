package dev.bulwark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
  private static JsonObject minimal() {
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("name", "http").put("address", "localhost:8080")))
        .put("services", new JsonArray().add(new JsonObject().put("name", "hello").put("source", "verticles/Hello.java")));
  }

  private static List<String> problems(JsonObject tree) {
    return assertThrows(ConfigException.class, () -> ConfigParser.parse(tree, "f.yaml", Map.of())).problems();
  }

  @Test
  void minimalConfigGetsDefaults() {
    RuntimeConfig c = ConfigParser.parse(minimal(), "f.yaml", Map.of());
    assertEquals(1, c.sockets().size());
    assertEquals(List.of("127.0.0.1", "::1"), c.sockets().get(0).address().hosts());
    assertEquals(List.of(new RouteConfig(null, "/", "hello")), c.sockets().get(0).routes());
    ServiceConfig s = c.services().get(0);
    assertEquals(new HandlerSource.SourceFile(java.nio.file.Path.of("verticles/Hello.java")), s.handler());
    assertEquals(Limits.DEFAULT, s.limits());
    assertEquals("bulwark.worker.hello", s.address());
    assertEquals("127.0.0.1:9090", c.admin().orElseThrow().text());
    assertEquals(HttpConfig.DEFAULT, c.http());
  }

  @Test
  void unitsForSizesAndDurations() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("maxBodyBytes", "64KiB").put("timeout", "2s")
        .put("maxInFlight", "7").put("instances", 3);
    t.put("http", new JsonObject().put("maxHeaderBytes", 16384).put("idleTimeout", "2m"));
    RuntimeConfig c = ConfigParser.parse(t, "f.yaml", Map.of());
    assertEquals(new Limits(65536, 7, Duration.ofSeconds(2)), c.services().get(0).limits());
    assertEquals(3, c.services().get(0).instances());
    assertEquals(16384, c.http().maxHeaderBytes());
    assertEquals(Duration.ofMinutes(2), c.http().idleTimeout());
  }

  @Test
  void deferredAcceptIsWholeSecondsOrOff() {
    assertEquals(Duration.ofSeconds(1), HttpConfig.DEFAULT.deferAccept());
    JsonObject t = minimal();
    t.put("http", new JsonObject().put("deferAccept", "0"));
    assertEquals(Duration.ZERO, ConfigParser.parse(t, "f.yaml", Map.of()).http().deferAccept());
    t.put("http", new JsonObject().put("deferAccept", "5s"));
    assertEquals(Duration.ofSeconds(5), ConfigParser.parse(t, "f.yaml", Map.of()).http().deferAccept());
    t.put("http", new JsonObject().put("deferAccept", "1500ms"));
    assertEquals(List.of("f.yaml: http.deferAccept: must be whole seconds from 0 (off) to 10m, like 1s, got '1500ms'"),
        problems(t));
    t.put("http", new JsonObject().put("deferAccept", "1h"));
    assertEquals(1, problems(t).size());
  }

  @Test
  void everyProblemIsReportedWithFileAndKey() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("instances", 0).put("timeot", "1s").put("maxBodyBytes", "lots");
    t.getJsonArray("sockets").getJsonObject(0).put("address", "localhost");
    List<String> p = problems(t);
    assertTrue(p.contains("f.yaml: services[0].instances: must be 1-1024, got 0"), p.toString());
    assertTrue(p.contains("f.yaml: services[0].timeot: unknown key (did you mean 'timeout'?)"), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("f.yaml: services[0].maxBodyBytes: must be a size")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("f.yaml: sockets[0].address: 'localhost' has no port")),
        p.toString());
    assertEquals(4, p.size(), p.toString());
  }

  @Test
  void routesMustNameExistingServices() {
    JsonObject t = minimal();
    t.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
        .add(new JsonObject().put("path", "api").put("service", "nope")));
    List<String> p = problems(t);
    assertTrue(p.contains("f.yaml: sockets[0].routes[0].service: no service is named 'nope'; services are [hello]"),
        p.toString());
    assertTrue(p.contains("f.yaml: sockets[0].routes[0].path: must be a path prefix starting with /"), p.toString());
  }

  @Test
  void aRouteToAServiceWithProblemsOfItsOwnIsNotASecondProblem() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).remove("source"); // 'hello' is named, but has no handler
    t.getJsonArray("sockets").getJsonObject(0).put("service", "hello");
    assertEquals(List.of("f.yaml: services[0]: needs 'source: verticles/Name.java', 'source: verticles/worker.js' or "
        + "'class: com.example.Name'"), problems(t));
  }

  @Test
  void serviceNeedsExactlyOneHandler() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("class", "a.B");
    assertTrue(problems(t).get(0).contains("give either 'source'"));
    t.getJsonArray("services").getJsonObject(0).remove("class");
    t.getJsonArray("services").getJsonObject(0).remove("source");
    assertTrue(problems(t).get(0).contains("needs 'source: verticles/Name.java', 'source: verticles/worker.js' or 'class: com.example.Name'"));
  }

  @Test
  void duplicateNamesAndMissingSections() {
    JsonObject t = minimal();
    t.getJsonArray("services").add(t.getJsonArray("services").getJsonObject(0).copy());
    assertTrue(problems(t).contains("f.yaml: services: two services are named 'hello'"));
    assertEquals(List.of("f.yaml: services: at least one service is required",
        "f.yaml: sockets: at least one socket is required"), problems(new JsonObject()));
  }

  @Test
  void socketsAndTheAdminListenerCannotShareAPortOrAName() {
    JsonObject t = minimal();
    JsonArray sockets = t.getJsonArray("sockets");
    sockets.add(new JsonObject().put("name", "http").put("address", "127.0.0.1:9000"));
    sockets.add(new JsonObject().put("name", "second").put("address", "*:8080"));
    sockets.add(new JsonObject().put("name", "zero").put("address", "127.0.0.1:0"));
    sockets.add(new JsonObject().put("name", "zero2").put("address", "127.0.0.1:0"));
    t.put("admin", new JsonObject().put("address", "[::1]:8080"));
    List<String> p = problems(t);
    assertTrue(p.contains("f.yaml: sockets: two sockets are named 'http'"), p.toString());
    assertTrue(p.contains("f.yaml: sockets: sockets 'http' (localhost:8080) and 'second' (*:8080) would share a port:"
        + " each would get some of the other's connections"), p.toString());
    assertTrue(p.contains("f.yaml: admin.address: '[::1]:8080' would share a port with socket 'http'"
        + " (localhost:8080): the admin listener needs a port of its own, apart from user traffic"), p.toString());
    assertEquals(4, p.size(), "port 0 is a free port each time, never shared: " + p);
    // Other ports, or other hosts of the same port, are fine.
    JsonObject ok = minimal();
    ok.getJsonArray("sockets").add(new JsonObject().put("name", "b").put("address", "127.0.0.2:8080"));
    ok.put("admin", new JsonObject().put("address", "127.0.0.1:8081"));
    assertEquals(2, ConfigParser.parse(ok, "f.yaml", Map.of()).sockets().size());
  }

  @Test
  void routesThatCanNeverMatchAreErrors() {
    JsonObject t = minimal();
    t.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
        .add(new JsonObject().put("path", "/a").put("service", "hello"))
        .add(new JsonObject().put("path", "/a").put("service", "hello"))
        .add(new JsonObject().put("path", "/a b").put("service", "hello"))
        .add(new JsonObject().put("path", "/%zz").put("service", "hello"))
        .add(new JsonObject().put("service", "hello"))
        .add(new JsonObject().put("service", "hello")));
    List<String> p = problems(t);
    assertEquals(List.of(
        "f.yaml: sockets[0].routes[2].path: '/a b' can never match a request: a path prefix has only the characters"
            + " of a URL path (letters, digits, / and -._~!$&'()*+,;=:@), a '%' only before two hex digits",
        "f.yaml: sockets[0].routes[3].path: '/%zz' can never match a request: a path prefix has only the characters"
            + " of a URL path (letters, digits, / and -._~!$&'()*+,;=:@), a '%' only before two hex digits",
        "f.yaml: sockets[0].routes[1]: matches the same requests as routes[0] (host any, path /a), which would always"
            + " win",
        "f.yaml: sockets[0].routes[5]: matches the same requests as routes[4] (host any, path /), which would always"
            + " win"), p);
  }

  @Test
  void pathPrefixesAreNormalizedAsRequestPathsAre() {
    JsonObject t = minimal();
    t.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
        .add(new JsonObject().put("path", "/b%7e").put("service", "hello"))
        .add(new JsonObject().put("path", "/caf%c3%a9").put("service", "hello"))
        .add(new JsonObject().put("path", "/日本/").put("service", "hello"))
        .add(new JsonObject().put("path", "/a%2fb").put("service", "hello"))
        .add(new JsonObject().put("path", "/\ud836\udc00").put("service", "hello")) // U+1D800, outside the BMP
        .add(new JsonObject().put("service", "hello")));
    // Before: /b%7e could match nothing (a request's %7E arrives as ~), and /日本/ was refused as "can never match".
    assertEquals(List.of("/b~", "/caf%C3%A9", "/%E6%97%A5%E6%9C%AC/", "/a%2Fb", "/%F0%9D%A0%80", "/"),
        ConfigParser.parse(t, "f.yaml", Map.of()).sockets().get(0).routes().stream().map(RouteConfig::pathPrefix)
            .toList());
    JsonObject same = minimal();
    same.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
        .add(new JsonObject().put("path", "/x~").put("service", "hello"))
        .add(new JsonObject().put("path", "/x%7E").put("service", "hello"))
        .add(new JsonObject().put("path", "/é").put("service", "hello"))
        .add(new JsonObject().put("path", "/%c3%a9").put("service", "hello")));
    assertEquals(List.of(
        "f.yaml: sockets[0].routes[1]: matches the same requests as routes[0] (host any, path /x~), which would always"
            + " win",
        "f.yaml: sockets[0].routes[3]: matches the same requests as routes[2] (host any, path /%C3%A9), which would"
            + " always win"), problems(same));
  }

  @Test
  void httpTimeoutsCannotBeZero() {
    JsonObject t = minimal().put("http", new JsonObject().put("bodyTimeout", "0").put("idleTimeout", "0ms"));
    assertEquals(List.of(
        "f.yaml: http.idleTimeout: must be at least 1ms (it is what closes idle and slowloris connections), got '0ms'",
        "f.yaml: http.bodyTimeout: must be at least 1ms (a request body must arrive within some time), got '0'"),
        problems(t), "before: accepted, and every request with a body hung");
  }

  @Test
  void everyDurationIsAtMostIntMaxMilliseconds() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("source", "w.mjs").put("timeout", "999999999999h")
        .put("cpuBudget", "597h").put("wallBudget", 2147483648L)
        .put("fetch", new JsonObject().put("timeout", "2147484s"));
    t.put("http", new JsonObject().put("idleTimeout", "999999999999h").put("shutdownGrace", "35792m")
        .put("bodyTimeout", "99999999999999999999999h"));
    String most = "must be at most 2147483647ms (about 24 days), got ";
    // Before: accepted, then 'long overflow' naming no key, an ArithmeticException per connection, or 500s.
    assertEquals(List.of(
        "f.yaml: services[0].timeout: " + most + "'999999999999h'",
        "f.yaml: services[0].cpuBudget: " + most + "'597h'",
        "f.yaml: services[0].wallBudget: " + most + "'2147483648'",
        "f.yaml: services[0].fetch.timeout: " + most + "'2147484s'",
        "f.yaml: http.idleTimeout: " + most + "'999999999999h'",
        "f.yaml: http.shutdownGrace: " + most + "'35792m'",
        "f.yaml: http.bodyTimeout: " + most + "'99999999999999999999999h'"), problems(t));
    t.getJsonArray("services").getJsonObject(0).put("timeout", "2147483647").put("cpuBudget", "596h")
        .put("wallBudget", "2147483s").remove("fetch");
    t.put("http", new JsonObject().put("idleTimeout", "35791m"));
    RuntimeConfig c = ConfigParser.parse(t, "f.yaml", Map.of());
    assertEquals(Duration.ofMillis(Integer.MAX_VALUE), c.services().get(0).limits().timeout());
    assertEquals(Duration.ofHours(596), c.services().get(0).limits().cpuBudget());
    assertEquals(Duration.ofMinutes(35791), c.http().idleTimeout());
  }

  @Test
  void aSizeTooLargeForALongIsReportedAsWritten() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("maxBodyBytes", "999999999999999GiB");
    t.put("http", new JsonObject().put("maxHeaderBytes", "90000000000000000KB")
        .put("maxInitialLineBytes", "99999999999999999999999"));
    assertEquals(List.of(
        "f.yaml: services[0].maxBodyBytes: must be between 0 and 2147482623 bytes, got 999999999999999GiB",
        "f.yaml: http.maxHeaderBytes: must be between 256 and 1048576 bytes, got 90000000000000000KB",
        "f.yaml: http.maxInitialLineBytes: must be between 64 and 1048576 bytes, got 99999999999999999999999"),
        problems(t), "before: the product overflowed, e.g. got -6255042486654205952");
  }

  @Test
  void bindingsOfEveryKind() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("bindings", new JsonObject()
        .put("A", new JsonObject().put("text", "x"))
        .put("B", new JsonObject().put("json", new JsonObject().put("k", 1)))
        .put("C", new JsonObject().put("secret", "MY_SECRET")));
    RuntimeConfig c = ConfigParser.parse(t, "f.yaml", Map.of("MY_SECRET", "s3cr3t"));
    Map<String, Object> b = c.services().get(0).bindings();
    assertEquals("x", b.get("A"));
    assertEquals(new JsonObject().put("k", 1), b.get("B"));
    assertEquals("s3cr3t", b.get("C"));
    List<String> p = problems(t);
    assertTrue(p.contains("f.yaml: services[0].bindings.C.secret: environment variable 'MY_SECRET' is not set"),
        p.toString());
  }

  @Test
  void anEmptyJsonBindingIsAProblemNamingItsKey() {
    JsonObject t = minimal();
    // YAML "G: { json: null }", or a bare "json:" under G.
    t.getJsonArray("services").getJsonObject(0).put("bindings", new JsonObject()
        .put("G", new JsonObject().putNull("json")));
    assertEquals(List.of("f.yaml: services[0].bindings.G.json: must be a value (an object, a list, a string, a number"
        + " or a boolean), got nothing"), problems(t), "before: accepted, then 'could not start: null'");
  }

  @Test
  void adminCanBeTurnedOff() {
    JsonObject t = minimal().put("admin", new JsonObject().put("address", "off"));
    assertTrue(ConfigParser.parse(t, "f.yaml", Map.of()).admin().isEmpty());
    for (String off : new String[] {"OFF", "Off", " off ", "false"}) { // before: "'OFF' has no port"
      assertTrue(ConfigParser.parse(minimal().put("admin", new JsonObject().put("address", off)), "f.yaml", Map.of())
          .admin().isEmpty(), off);
    }
  }

  @Test
  void adminOffAtTheTopLevelTurnsItOff() {
    // YAML reads an unquoted off as false; before: "admin: must be a map of keys, got 'false'".
    for (Object off : new Object[] {false, "off", "OFF"}) {
      assertTrue(ConfigParser.parse(minimal().put("admin", off), "f.yaml", Map.of()).admin().isEmpty(), "" + off);
    }
    assertEquals(List.of("f.yaml: admin: must be a map of keys, got 'true'"), problems(minimal().put("admin", true)));
  }

  @Test
  void aNameThatYamlReadsAsANumberSaysSo() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("name", 123);
    t.getJsonArray("sockets").getJsonObject(0).put("name", true).put("service", "hello");
    // Before: "is required", of a name that is there.
    assertEquals(List.of(
        "f.yaml: services[0].name: must be text starting with a letter, got 123 (YAML reads that as a number)",
        "f.yaml: sockets[0].name: must be text starting with a letter, got true (YAML reads that as a boolean)"),
        problems(t).subList(0, 2));
  }

  @Test
  void durationUnitsAreCaseInsensitiveAsSizeUnitsAre() {
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("timeout", "30S").put("maxBodyBytes", "1MIB");
    t.put("http", new JsonObject().put("idleTimeout", "2M").put("bodyTimeout", "1500 MS").put("shutdownGrace", "1H"));
    RuntimeConfig c = ConfigParser.parse(t, "f.yaml", Map.of()); // before: "must be a duration like ..., got '30S'"
    assertEquals(Duration.ofSeconds(30), c.services().get(0).limits().timeout());
    assertEquals(Duration.ofMinutes(2), c.http().idleTimeout());
    assertEquals(Duration.ofMillis(1500), c.http().bodyTimeout());
    assertEquals(Duration.ofHours(1), c.http().shutdownGrace());
  }

  @Test
  void anAddressThatIsNotOfThisMachineIsAConfigurationError() throws Exception {
    // Before, check passed these and the runtime failed to bind, exit 1, after the admin listener was up.
    JsonObject t = minimal();
    t.getJsonArray("sockets").getJsonObject(0).put("address", "nonexistent.invalid:8080");
    t.put("admin", new JsonObject().put("address", "192.0.2.1:9090"));
    assertEquals(List.of(
        "f.yaml: sockets[0].address: host 'nonexistent.invalid' does not resolve; use localhost, * or an address of"
            + " this machine",
        "f.yaml: admin.address: '192.0.2.1' is not an address of this machine; use localhost, * or one of its"
            + " interfaces' addresses"), problems(t));
    t.getJsonArray("sockets").getJsonObject(0).put("address", "[2001:db8::1]:8080");
    assertTrue(problems(t).get(0).contains("sockets[0].address: '2001:db8::1' is not an address of this machine"),
        problems(t).toString());
    for (String linkLocal : new String[] {"[fe80::1%lo]:8080", "[fe80::1]:8080"}) { // before: check passed, bind failed
      t.getJsonArray("sockets").getJsonObject(0).put("address", linkLocal);
      assertTrue(problems(t).get(0).contains("is an IPv6 link-local address, which Vert.x cannot listen on"),
          problems(t).toString());
    }
    // What this machine has: loopback (all of 127/8), the wildcards, and its interfaces' own addresses.
    String own = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElseThrow().getHostAddress();
    for (String ok : new String[] {"127.0.0.2:8080", "0.0.0.0:8080", "[::]:8080", own + ":8080"}) {
      t.getJsonArray("sockets").getJsonObject(0).put("address", ok);
      t.put("admin", new JsonObject().put("address", "127.0.0.1:9090"));
      assertEquals(ok, ConfigParser.parse(t, "f.yaml", Map.of()).sockets().get(0).address().text());
    }
  }

  @Test
  void aRouteHostWithAPortOrNotInAsciiIsRefusedSinceItCouldNeverMatch() {
    JsonObject t = minimal();
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("host", "api.example.com:8080").put("service", "hello"))
        .add(new JsonObject().put("host", "caf\u00e9.com").put("service", "hello"))
        .add(new JsonObject().put("host", "[::1]").put("path", "/a").put("service", "hello"))
        .add(new JsonObject().put("host", "*.Example.com").put("path", "/b").put("service", "hello"));
    t.getJsonArray("sockets").getJsonObject(0).put("routes", routes);
    assertEquals(List.of(
        "f.yaml: sockets[0].routes[0].host: 'api.example.com:8080' has a port; a route's host matches whatever the"
            + " port, so write 'api.example.com'",
        "f.yaml: sockets[0].routes[1].host: 'caf\u00e9.com' must be ASCII; write an internationalized name in its xn--"
            + " form, as clients send it"), problems(t));
    routes.remove(1);
    routes.remove(0);
    RuntimeConfig c = ConfigParser.parse(t, "f.yaml", Map.of());
    assertEquals("::1", c.sockets().get(0).routes().get(0).host(), "brackets off, as routing compares it");
    assertEquals("*.example.com", c.sockets().get(0).routes().get(1).host());
  }

  @Test
  void aNameTooLongIsSaidToBeTooLong() {
    String long64 = "a".repeat(64);
    JsonObject t = minimal();
    t.getJsonArray("services").getJsonObject(0).put("name", long64);
    t.getJsonArray("sockets").getJsonObject(0).put("name", "1st");
    assertEquals(List.of("f.yaml: services[0].name: '" + long64 + "' is 64 characters long; a name has at most 63",
        "f.yaml: sockets[0].name: '1st' must start with a letter and hold only letters, digits, - and _"),
        problems(t), "before: a name too long was said to hold characters it does not");
    t.getJsonArray("services").getJsonObject(0).put("name", "a".repeat(63));
    t.getJsonArray("sockets").getJsonObject(0).put("name", "first");
    assertEquals("a".repeat(63), ConfigParser.parse(t, "f.yaml", Map.of()).services().get(0).name());
  }

  @Test
  void severalServicesNeedExplicitRouting() {
    JsonObject t = minimal();
    t.getJsonArray("services").add(new JsonObject().put("name", "b").put("class", "x.B"));
    assertTrue(problems(t).get(0).contains("needs 'service: NAME' or 'routes: [...]'"));
  }
}
