package dev.bulwark.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTest {
  @Test
  void headersAreCaseInsensitiveOrderedAndImmutable() {
    Headers h = Headers.of("Content-Type", "text/plain", "X-A", "1", "x-a", "2");
    assertEquals(Optional.of("text/plain"), h.get("content-type"));
    assertEquals(List.of("1", "2"), h.getAll("X-a"));
    assertEquals(Set.of("content-type", "x-a"), h.names());
    Headers set = h.set("x-a", "3");
    assertEquals(List.of("3"), set.getAll("x-a"));
    assertEquals(List.of("1", "2"), h.getAll("x-a"), "the original is unchanged");
    assertThrows(IllegalArgumentException.class, () -> Headers.of("bad name", "v"));
    assertThrows(IllegalArgumentException.class, () -> Headers.of("x", "a\r\nInjected: yes"));
    assertThrows(UnsupportedOperationException.class, () -> h.entries().clear());
  }

  @Test
  void aReasonPhraseIsKeptByHeaderChangesDroppedByAStatusChangeAndCannotBreakTheStatusLine() {
    Response r = Response.text(404, "gone").withReason("Nope\tNope \u00ff");
    assertEquals(Optional.of("Nope\tNope \u00ff"), r.reason());
    assertEquals(Optional.of("Nope\tNope \u00ff"), r.withHeader("x", "1").addHeader("y", "2").reason());
    assertEquals(Optional.empty(), r.withStatus(410).reason(), "another status, its own standard phrase");
    assertEquals(Optional.empty(), r.withReason("").reason());
    assertEquals(Optional.empty(), r.withReason(null).reason());
    for (String bad : new String[] {"a\r\nInjected: yes", "a\nb", "nul\0", "del\u007f", "euro \u20ac"}) {
      assertThrows(IllegalArgumentException.class, () -> r.withReason(bad), bad);
    }
    assertEquals("404 Nope\tNope \u00ff (4 bytes)", r.toString());
  }

  @Test
  void aStreamedResponseKeepsItsStreamThroughEveryCopy() {
    BodyStream body = sink -> sink.end();
    Response r = Response.stream(200, Headers.of("content-type", "text/event-stream"), body);
    assertTrue(r.streamed());
    assertEquals(0, r.bodyLength());
    for (Response copy : List.of(r.withStatus(201), r.withHeader("x-a", "1"), r.addHeader("x-b", "2"),
        r.withReason("Streaming"), r.withHeaders(Headers.empty()))) {
      assertEquals(Optional.of(body), copy.bodyStream(), copy.toString());
    }
    assertEquals("200 (streamed)", r.toString());
    assertEquals(Optional.empty(), Response.text("x").bodyStream());
    assertThrows(NullPointerException.class, () -> Response.stream(200, Headers.empty(), null));
  }

  @Test
  void aFieldNameIsAnRfc9110TokenAndNothingElse() {
    String delimiters = "\"(),/:;<=>?@[\\]{}";
    for (char c = 0; c < 300; c++) {
      char ch = c;
      boolean token = c > ' ' && c < 127 && delimiters.indexOf(c) < 0;
      if (token) {
        assertEquals(1, Headers.of("x" + ch, "v").size(), "accepted: U+" + Integer.toHexString(c));
      } else {
        assertThrows(IllegalArgumentException.class, () -> Headers.of("x" + ch, "v"), "refused: U+"
            + Integer.toHexString(ch));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Headers.of("", "v"));
  }

  @Test
  void aFieldValueIsVisibleTextSpaceTabOrObsTextAndNothingElse() {
    for (char c = 0; c < 0x120; c++) {
      char ch = c;
      boolean allowed = c == '\t' || (c >= ' ' && c != 0x7f && c <= 0xff);
      if (allowed) {
        assertEquals(1, Headers.of("x", "a" + ch + "b").size(), "accepted: U+" + Integer.toHexString(c));
      } else {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Headers.of("x", "a" + ch),
            "refused: U+" + Integer.toHexString(c));
        assertTrue(e.getMessage().startsWith("header 'x' value "), e.getMessage());
      }
    }
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> Response.text("x").withHeader("x-name", "\u4e2d\u6587"));
    assertTrue(wide.getMessage().contains("U+4E2D") && wide.getMessage().contains("ISO-8859-1"), wide.getMessage());
  }

  @Test
  void headersFromAnIterableKeepOrderRepeatsAndValidation() {
    MultiMap received = MultiMap.caseInsensitiveMultiMap().add("Host", "h").add("Accept", "a").add("accept", "b");
    Headers h = Headers.of(received, 1); // a size hint below the real count only costs a resize
    assertEquals(List.of(Map.entry("Host", "h"), Map.entry("Accept", "a"), Map.entry("accept", "b")), h.entries());
    assertEquals(List.of("a", "b"), h.getAll("ACCEPT"));
    assertTrue(Headers.of(MultiMap.caseInsensitiveMultiMap(), 8).isEmpty());
    assertEquals(1, Headers.of(MultiMap.caseInsensitiveMultiMap().add("x", "ok"), 0).size());
    List<Map.Entry<String, String>> withBadValue = List.of(Map.entry("x", "a\nb"));
    assertThrows(IllegalArgumentException.class, () -> Headers.of(withBadValue, 1));
  }

  @Test
  void requestHelpers() {
    Request r = Request.of("GET", "/p/a%20b?x=1&x=2&y=%C3%A9&flag", Headers.of("Host", "h"), null, "", "id");
    assertEquals("/p/a%20b", r.path());
    assertEquals(Map.of("x", List.of("1", "2"), "y", List.of("é"), "flag", List.of("")), r.queryParams());
    assertEquals(Optional.of("1"), r.queryParam("x"));
    assertEquals("", r.text());
    Request json = Request.of("POST", "/", Headers.empty(), "{\"a\":1}".getBytes(), "", "");
    assertEquals(1, json.json().getInteger("a"));
    byte[] copy = json.bodyBytes();
    copy[0] = 'X';
    assertEquals('{', json.bodyBytes()[0], "body is not shared with callers");
  }

  @Test
  void responseFactories() {
    assertEquals("text/plain; charset=utf-8", Response.text("x").headers().get("content-type").orElseThrow());
    Response json = Response.json(new JsonObject().put("a", 1));
    assertEquals("{\"a\":1}", json.text());
    assertEquals("application/json", json.headers().get("content-type").orElseThrow());
    assertEquals("[1,2]", Response.json(List.of(1, 2)).text());
    Response redirect = Response.redirect("/x", 308);
    assertEquals(308, redirect.status());
    assertEquals("/x", redirect.headers().get("location").orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> Response.redirect("/x", 200));
    // A Location field is bytes: text outside printable ASCII goes as UTF-8, percent-encoded, as a browser's URL
    // parser writes it. Before: é went as the raw Latin-1 byte 0xE9 and 日 was refused as "not a byte".
    assertEquals("/caf%C3%A9?q=%C3%BC%20x#%E6%97%A5",
        Response.redirect("/café?q=ü x#日").headers().get("location").orElseThrow());
    assertEquals("https://example.com/a%0D%0Ab?%25ok",
        Response.redirect("https://example.com/a\r\nb?%25ok").headers().get("location").orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> Response.redirect("/\ud800"));
    // U+1D800, outside the BMP, whose low 16 bits look like a surrogate: before, refused as "unpaired".
    assertEquals("/%F0%9D%A0%80", Response.redirect("/\ud836\udc00").headers().get("location").orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> Response.status(600));
    for (int interim : new int[] {100, 101, 103, 199}) { // interim answers, never a final one
      assertThrows(IllegalArgumentException.class, () -> Response.status(interim), String.valueOf(interim));
      assertThrows(IllegalArgumentException.class, () -> Response.text("x").withStatus(interim));
    }
    assertEquals(404, Response.status(404).status());
    assertEquals(0, Response.status(204).bodyLength());
  }

  @Test
  void envBindings() {
    Env env = Env.of(Map.of("T", "text", "J", new JsonObject().put("k", "v")));
    assertEquals("text", env.text("T"));
    assertEquals("v", env.json("J").getString("k"));
    env.json("J").put("k", "changed");
    assertEquals("v", env.json("J").getString("k"), "handlers get copies of JSON bindings");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.text("MISSING"));
    assertTrue(e.getMessage().contains("no binding named 'MISSING'"), e.getMessage());
    Env arrays = Env.of(Map.of("A", new io.vertx.core.json.JsonArray().add(1).add(2), "N", 3));
    assertEquals(2, arrays.jsonArray("A").size());
    arrays.jsonArray("A").add(3);
    assertEquals(2, arrays.jsonArray("A").size(), "a copy");
    assertEquals("binding 'A' is not a JSON object but an array; read it with jsonArray(name)",
        assertThrows(IllegalArgumentException.class, () -> arrays.json("A")).getMessage());
    assertEquals("binding 'N' is not a JSON array but a number; read it with get(name) or text(name)",
        assertThrows(IllegalArgumentException.class, () -> arrays.jsonArray("N")).getMessage());
  }
}
