package dev.bulwark.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Locally the codecs pass the object itself; across the wire (clustering) every field survives the round trip. */
class CodecsTest {
  @Test
  void requestRoundTripsOverTheWire() {
    Request r = Request.of("POST", "/a?b=ç", Headers.of("X-A", "1", "x-a", "2", "Content-Type", "text/plain"),
        "body ✓".getBytes(StandardCharsets.UTF_8), "[::1]:5000", "id-1");
    RequestCodec codec = new RequestCodec();
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, r);
    Request back = codec.decodeFromWire(6, wire);
    assertEquals(r.method(), back.method());
    assertEquals(r.url(), back.url());
    assertEquals(r.headers(), back.headers());
    assertArrayEquals(r.bodyBytes(), back.bodyBytes());
    assertEquals(r.clientAddress(), back.clientAddress());
    assertEquals(r.requestId(), back.requestId());
    assertSame(r, codec.transform(r), "no copy on the local bus");
  }

  @Test
  void responseRoundTripsOverTheWire() {
    Response r = Response.text(201, "made").addHeader("set-cookie", "a").addHeader("set-cookie", "b");
    ResponseCodec codec = new ResponseCodec();
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, r);
    Response back = codec.decodeFromWire(0, wire);
    assertEquals(201, back.status());
    assertEquals(r.headers(), back.headers());
    assertEquals("made", back.text());
    assertSame(r, codec.transform(r));
  }
}
