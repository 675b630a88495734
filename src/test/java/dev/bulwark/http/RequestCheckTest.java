package dev.bulwark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.LogCapture;
import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Counts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests that break HTTP/1.1's rules for the request line and Host are answered by the runtime, alike on a socket
 * with one route and on one routed by vertx-web's Router, without reaching a handler or filling the log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestCheckTest {
  static TestRuntime rt;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = TestRuntime.config(TestRuntime.service("counts", Counts.class));
    config.getJsonArray("sockets").add(new JsonObject().put("name", "routed").put("address", "127.0.0.1:0")
        .put("routes", new JsonArray()
            .add(new JsonObject().put("path", "/a").put("service", "counts"))
            .add(new JsonObject().put("host", "api.test").put("service", "counts"))
            .add(new JsonObject().put("service", "counts"))));
    config.getJsonArray("sockets").getJsonObject(0).put("service", "counts");
    config.getJsonArray("services")
        .add(TestRuntime.service("api", dev.bulwark.testhandlers.Target.class)
            .put("bindings", new JsonObject().put("NAME", new JsonObject().put("text", "api"))))
        .add(TestRuntime.service("other", dev.bulwark.testhandlers.Target.class)
            .put("bindings", new JsonObject().put("NAME", new JsonObject().put("text", "other"))));
    config.getJsonArray("sockets").add(new JsonObject().put("name", "hosts").put("address", "127.0.0.1:0")
        .put("routes", new JsonArray()
            .add(new JsonObject().put("host", "api.test").put("service", "api"))
            .add(new JsonObject().put("service", "other"))));
    rt = TestRuntime.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    rt.close();
  }

  private static List<Integer> ports() {
    return List.of(rt.port(), rt.bulwark.port("routed"));
  }

  @Test
  void requestLinesAndHostsThatBreakTheRulesAreAnsweredBeforeAnyHandler() throws Exception {
    Map<String, String> refused = Map.ofEntries(
        Map.entry("GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|a control character"),
        Map.entry("GET /a?b=\u0001 HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|a control character"),
        Map.entry("GET http://user@x/ HTTP/1.1\r\nHost: x\r\n\r\n",
            "400 Bad Request|may not have user information"),
        Map.entry("GET http:///a HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|authority is not a valid"),
        Map.entry("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "501 Not Implemented|only transfer coding this server decodes is chunked"),
        Map.entry("GET / HTTP/1.1\r\n\r\n", "400 Bad Request|needs a Host header"),
        Map.entry("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400 Bad Request|only one Host"),
        Map.entry("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "400 Bad Request|not a valid host"),
        Map.entry("GET foo HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|must be a path"),
        Map.entry("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|two hex digits"),
        Map.entry("GET /a%4 HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|two hex digits"),
        Map.entry("GET * HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request|only for OPTIONS"),
        Map.entry("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", "204 No Content|"),
        Map.entry("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
            "501 Not Implemented|not a proxy"));
    try (LogCapture log = LogCapture.of("")) {
      int before = Counts.CALLS.get();
      for (int port : ports()) {
        for (Map.Entry<String, String> c : refused.entrySet()) {
          String answer = TestRuntime.raw("127.0.0.1", port, c.getKey());
          String[] expected = c.getValue().split("\\|", -1);
          String what = "port " + port + ", " + c.getKey().replace("\r\n", "\\r\\n") + " got " + answer;
          assertTrue(answer.startsWith("HTTP/1.1 " + expected[0] + "\r\n"), what);
          assertTrue(answer.contains(expected[1]), what);
          assertTrue(answer.toLowerCase(java.util.Locale.ROOT)
              .matches("(?s).*\r\nx-request-id: [0-9a-f]{16}\r\n.*"), what);
        }
      }
      assertEquals(before, Counts.CALLS.get(), "no handler ran");
      assertEquals(List.of(), log.problems(), "nothing was logged as a problem");
    }
    HttpResponse<String> metrics = rt.send(HttpRequest.newBuilder(rt.adminUri("/metrics")).build());
    assertTrue(metrics.body().contains("bulwark_requests_total{service=\"none\",status=\"400\"} 22.0"),
        metrics.body());
  }

  @Test
  void requestsWithinTheRulesReachTheHandler() throws Exception {
    List<String> accepted = List.of(
        "GET / HTTP/1.0\r\n\r\n", // HTTP/1.0 needs no Host
        "GET / HTTP/1.1\r\nHost:\r\n\r\n", // an empty Host is allowed when the target has no authority
        "GET /a?q=100%&r=%zz HTTP/1.1\r\nHost: x\r\n\r\n", // the query is the handler's to read
        "GET http://x/a HTTP/1.1\r\nHost: x\r\n\r\n", // absolute-form
        "GET /a%20b?q=%C3%A9 HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: api.test\r\nContent-Length: 2\r\n\r\nhi");
    for (int port : ports()) {
      for (String request : accepted) {
        int before = Counts.CALLS.get();
        String answer = TestRuntime.raw("127.0.0.1", port, request);
        assertTrue(answer.matches("HTTP/1\\.[01] 200 OK\r\n(?s).*counted\n"), port + ": " + request + " got " + answer);
        assertEquals(before + 1, Counts.CALLS.get(), request);
      }
    }
  }

  @Test
  void aHandlerSeesTheTargetInOriginFormWithRawBytesPercentEncoded() throws Exception {
    int port = rt.bulwark.port("hosts");
    // The wire bytes of "/café?q=é" sent raw, as curl does: ISO-8859-1 puts one byte in each char.
    String cafe = new String("GET /café?q=é HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8),
        StandardCharsets.ISO_8859_1);
    Map<String, String> seen = new java.util.LinkedHashMap<>();
    seen.put(cafe, "other url=/caf%C3%A9?q=%C3%A9 host=x q=é");
    seen.put("GET /a%20b?q=%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n", "other url=/a%20b?q=%C3%A9 host=x q=é");
    // Absolute-form: the target's authority is the host, whatever Host says (RFC 9112, 3.2.2).
    seen.put("GET http://api.test/p?q=1 HTTP/1.1\r\nHost: elsewhere\r\n\r\n", "api url=/p?q=1 host=api.test q=1");
    seen.put("GET http://x HTTP/1.1\r\nHost: x\r\n\r\n", "other url=/ host=x q=");
    seen.put("GET HTTP://X:81?q=2 HTTP/1.1\r\nHost: x\r\n\r\n", "other url=/?q=2 host=X:81 q=2");
    seen.put("GET http://api.test/ HTTP/1.0\r\n\r\n", "api url=/ host=api.test q=");
    // The path routing matched: dot segments removed, unreserved characters decoded, as vertx-web's Router does
    // before matching; the query as sent.
    seen.put("GET /public/../admin/./x?p=/../y HTTP/1.1\r\nHost: x\r\n\r\n", "other url=/admin/x?p=/../y host=x q=");
    seen.put("GET /%61dmin//x/ HTTP/1.1\r\nHost: x\r\n\r\n", "other url=/admin/x/ host=x q=");
    seen.put("GET /a%2Fb/.. HTTP/1.1\r\nHost: x\r\n\r\n", "other url=/ host=x q=");
    seen.put("GET http://api.test/a/../../b HTTP/1.1\r\nHost: x\r\n\r\n", "api url=/b host=api.test q=");
    for (Map.Entry<String, String> c : seen.entrySet()) {
      String answer = TestRuntime.raw("127.0.0.1", port, c.getKey());
      String body = new String(answer.substring(answer.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1),
          StandardCharsets.UTF_8);
      assertEquals(c.getValue() + "\n", body, c.getKey().replace("\r\n", "\\r\\n") + " got " + answer);
    }
  }

  @Test
  void anExpectationOtherThan100ContinueGets417AndNoHandlerRuns() throws Exception {
    List<String> refused = List.of(
        "GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue, x-fast\r\nContent-Length: 2\r\n\r\nhi",
        "GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nExpect: gzip\r\n\r\n");
    int before = Counts.CALLS.get();
    for (int port : ports()) {
      for (String request : refused) {
        String answer = TestRuntime.raw("127.0.0.1", port, request);
        String what = "port " + port + ", " + request.replace("\r\n", "\\r\\n") + " got " + answer;
        assertTrue(answer.startsWith("HTTP/1.1 417 Expectation Failed\r\n"), what);
        assertTrue(answer.contains("The only expectation this server meets is 100-continue"), what);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nx-request-id: "), what);
      }
    }
    assertEquals(before, Counts.CALLS.get(), "no handler ran");
    // HTTP/1.0 has no expectations: the field is ignored there (RFC 9110, 10.1.1).
    String old = TestRuntime.raw("127.0.0.1", rt.port(), "GET / HTTP/1.0\r\nExpect: 200-ok\r\n\r\n");
    assertTrue(old.matches("HTTP/1\\.[01] 200 OK\r\n(?s).*counted\n"), old);
    // The JDK client sends "Expect: 100-Continue": the case of the token does not matter.
    HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.uri("/")).expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofString("hi")).build());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(before + 2, Counts.CALLS.get());
  }

  @Test
  void aBodyWithAMalformedChunkGets400AndTheConnectionCloses() throws Exception {
    try (LogCapture log = LogCapture.of("")) {
      for (int port : ports()) {
        String answer = TestRuntime.raw("127.0.0.1", port,
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.contains("The request body could not be read"), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
      }
      // The close that follows the answer is reported to the request too; it must not try to answer again.
      Thread.sleep(200);
      assertEquals(List.of(), log.problems(), "nothing was logged as a problem");
    }
    assertEquals(200, rt.get("/").statusCode());
  }
}
