package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.api.Request;
import org.junit.jupiter.api.Test;

class JsHarnessTest {
  @Test
  void evalReturnsJson() throws Exception {
    assertEquals("b", JsHarness.eval("return new URL('http://x/a?q=b').searchParams.get('q');"));
  }

  @Test
  void workerdHelloRuns() throws Exception {
    try (JsHarness js = JsHarness.module(
        "export default { async fetch(req, env) { return new Response('Hello World\\n'); } };")) {
      assertEquals("Hello World\n", js.fetch(Request.get("/")).text());
    }
  }
}
