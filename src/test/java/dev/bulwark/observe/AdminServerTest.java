package dev.bulwark.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Hello;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin listener follows the same address rules as sockets: localhost means both loopbacks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminServerTest {
  @Test
  void localhostAdminAnswersOnBothLoopbacks() throws Exception {
    JsonObject config = TestRuntime.config(TestRuntime.service("hello", Hello.class));
    config.getJsonObject("admin").put("address", "localhost:0");
    try (TestRuntime rt = TestRuntime.start(config)) {
      int port = rt.bulwark.adminPort().orElseThrow();
      for (String host : List.of("127.0.0.1", "[::1]")) {
        for (String path : List.of("/health/live", "/health/ready")) {
          HttpResponse<String> r = rt.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
              .build());
          assertEquals(200, r.statusCode(), host + path);
        }
      }
      HttpResponse<String> metrics = rt.send(HttpRequest.newBuilder(rt.adminUri("/metrics")).build());
      assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
      assertTrue(metrics.body().contains("bulwark_accept_paused_seconds_total 0.0"), metrics.body());
      for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
        HttpResponse<String> head = rt.send(HttpRequest.newBuilder(rt.adminUri(path))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode(), "HEAD " + path + " (before: 405)");
        assertEquals("", head.body());
      }
      // Every answer has a Date (RFC 9110, 6.6.1), vertx-web's own 404 and 405 included.
      for (String method : List.of("GET /metrics", "HEAD /health/ready", "GET /nothing", "POST /metrics")) {
        String[] m = method.split(" ");
        HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.adminUri(m[1]))
            .method(m[0], HttpRequest.BodyPublishers.noBody()).build());
        String date = r.headers().firstValue("date").orElse("");
        assertTrue(date.matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
            method + " -> " + r.statusCode() + " date: '" + date + "'");
      }
    }
  }

  @Test
  void vertxMetricsOffBasicAndFull() throws Exception {
    for (String level : List.of("off", "basic", "full")) {
      JsonObject config = TestRuntime.config(TestRuntime.service("hello", Hello.class));
      config.getJsonObject("admin").put("vertxMetrics", level);
      try (TestRuntime rt = TestRuntime.start(config)) {
        assertEquals(200, rt.get("/").statusCode());
        String body = rt.send(HttpRequest.newBuilder(rt.adminUri("/metrics")).build()).body();
        assertTrue(body.contains("bulwark_requests_total{service=\"hello\",status=\"200\"} 1.0"), level + ": " + body);
        boolean pools = body.contains("\nvertx_pool_");
        boolean http = body.contains("\nvertx_http_server_");
        assertEquals(level.equals("off") ? List.of(false, false) : level.equals("basic") ? List.of(true, false)
            : List.of(true, true), List.of(pools, http), level + " (before, off gave full): " + body.length());
        assertTrue(level.equals("off") ? !body.contains("\nvertx_") : true, body);
      }
    }
  }
}
