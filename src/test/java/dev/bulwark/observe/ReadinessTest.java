package dev.bulwark.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.Bulwark;
import dev.bulwark.TestRuntime;
import dev.bulwark.config.ConfigParser;
import dev.bulwark.testhandlers.SlowStart;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /health/ready says 503 while a service is still deploying and 200 once everything is up. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadinessTest {
  @Test
  void notReadyUntilEveryServiceIsDeployed() throws Exception {
    int adminPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      adminPort = s.getLocalPort();
    }
    JsonObject config = TestRuntime.config(TestRuntime.service("slow", SlowStart.class).put("instances", 1));
    config.getJsonObject("admin").put("address", "127.0.0.1:" + adminPort);
    Future<Bulwark> starting = Bulwark.start(ConfigParser.parse(config, "test"));
    HttpClient client = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + adminPort + "/health/ready");
    URI live = URI.create("http://127.0.0.1:" + adminPort + "/health/live");
    int status = -1;
    for (int i = 0; i < 200 && status < 0; i++) {
      try {
        status = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (java.io.IOException notYetListening) {
        Thread.sleep(50);
      }
    }
    assertEquals(503, status, "deploying: not ready");
    assertEquals(200, client.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode(), "but alive");
    SlowStart.RELEASE.countDown();
    Bulwark bulwark = starting.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      assertEquals(200, client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode());
    } finally {
      bulwark.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
