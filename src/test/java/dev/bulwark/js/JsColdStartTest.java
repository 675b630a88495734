package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.LogCapture;
import dev.bulwark.TestRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A freshly started runtime at the default CPU budget (50 ms), over HTTP on loopback: the first requests that run
 * cold code (the first fetch(), multipart formData() and service-binding call of each isolate) answer 200, and an
 * endless loop is still stopped with 503, also once its isolate's cold-start allowance is spent. Before, the first
 * requests of every isolate that fetched got 503 ("exceeded its CPU budget of 50 ms").
 */
class JsColdStartTest {
  @TempDir
  Path dir;

  @Test
  void firstSubrequestsAndFormsAnswer200AtTheDefaultBudgetAndALoopStillGets503() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer upstream = vertx.createHttpServer()
          .requestHandler(r -> r.response().putHeader("content-type", "text/plain").end("echo " + r.path()))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      int port = upstream.actualPort();
      Files.writeString(dir.resolve("a.js"), """
          export default { async fetch(request, env) {
            const path = new URL(request.url).pathname;
            if (path === '/a/fetch') return fetch('http://127.0.0.1:PORT/echo');
            if (path === '/a/bind') {
              const r = await env.FORMS.fetch('http://forms/b/bound', { method: 'POST', body: 'x=1',
                headers: { 'content-type': 'application/x-www-form-urlencoded' } });
              return new Response('bound ' + await r.text());
            }
            if (path === '/a/loop') { for (;;) {} }
            return new Response('a');
          } };
          """.replace("PORT", String.valueOf(port)));
      Files.writeString(dir.resolve("b.js"), """
          export default { async fetch(request) {
            const form = await request.formData();
            const file = form.get('f');
            return new Response(form.get('a') + ' ' + (file ? await file.text() : form.get('x')));
          } };
          """);
      JsonObject a = new JsonObject().put("name", "a").put("source", dir.resolve("a.js").toString())
          .put("instances", 2)
          .put("fetch", new JsonObject().put("allow", new JsonArray().add("127.0.0.1:" + port)))
          .put("bindings", new JsonObject().put("FORMS", new JsonObject().put("service", "b")));
      JsonObject b = new JsonObject().put("name", "b").put("source", dir.resolve("b.js").toString())
          .put("instances", 2);
      JsonObject config = TestRuntime.config(a, b);
      config.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
          .add(new JsonObject().put("path", "/b").put("service", "b"))
          .add(new JsonObject().put("service", "a")));
      try (TestRuntime rt = TestRuntime.start(config); LogCapture log = LogCapture.of("dev.bulwark")) {
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> r = rt.get("/a/fetch");
          assertEquals(200, r.statusCode(), "fetch request " + i + ": " + r.body() + "\n" + String.join("\n", log.messages()));
          assertEquals("echo /echo", r.body());
        }
        String multipart = "--XyZ\r\ncontent-disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n"
            + "--XyZ\r\ncontent-disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n"
            + "content-type: text/plain\r\n\r\nfile text\r\n--XyZ--\r\n";
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.uri("/b/form"))
              .header("content-type", "multipart/form-data; boundary=XyZ")
              .POST(HttpRequest.BodyPublishers.ofString(multipart)).build());
          assertEquals(200, r.statusCode(), "formData request " + i + ": " + r.body() + "\n" + String.join("\n", log.messages()));
          assertEquals("value file text", r.body());
        }
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> r = rt.get("/a/bind");
          assertEquals(200, r.statusCode(), "service-binding request " + i + ": " + r.body() + "\n" + String.join("\n", log.messages()));
          assertEquals("bound null 1", r.body());
        }
        // The budget still stops a runaway: in a fresh isolate after its allowance, then at the budget itself.
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> r = rt.get("/a/loop");
          assertEquals(503, r.statusCode(), "loop " + i + ": " + r.body());
        }
        assertTrue(String.join("\n", log.messages()).contains("exceeded its CPU budget of 50 ms"), String.join("\n", log.messages()));
        assertEquals(200, rt.get("/a/fetch").statusCode(), "the isolates serve on after the loops");
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
