package dev.bulwark.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertEquals(java.util.Optional.empty(), back.reason());
    assertSame(r, codec.transform(r));
    Buffer withReason = Buffer.buffer();
    codec.encodeToWire(withReason, r.withReason("Made It \u00e9"));
    assertEquals("Made It \u00e9", codec.decodeFromWire(0, withReason).reason().orElseThrow());
  }

  @Test
  void aStreamedResponseAndItsChunksAndCreditsRoundTripOverTheWire() {
    ResponseCodec responses = new ResponseCodec();
    Buffer wire = Buffer.buffer();
    responses.encodeToWire(wire, Response.stream(200, Headers.of("content-type", "text/event-stream"),
        sink -> sink.end()));
    Response back = responses.decodeFromWire(0, wire);
    assertTrue(back.streamed(), "the far side knows chunks follow");
    assertEquals("text/event-stream", back.headers().get("content-type").orElseThrow());
    assertEquals(0, back.bodyLength());
    Buffer plain = Buffer.buffer();
    responses.encodeToWire(plain, Response.text("whole"));
    assertEquals(false, responses.decodeFromWire(0, plain).streamed());

    ChunkCodec chunks = new ChunkCodec();
    Buffer c = Buffer.buffer().appendString("skip");
    chunks.encodeToWire(c, Chunk.data("bulwark.worker.svc.0", 7, "data: 1\n\n".getBytes(StandardCharsets.UTF_8)));
    Chunk chunk = chunks.decodeFromWire(4, c);
    assertEquals("bulwark.worker.svc.0", chunk.from());
    assertEquals(7, chunk.id());
    assertEquals(Chunk.DATA, chunk.kind());
    assertEquals("data: 1\n\n", new String(chunk.bytes(), StandardCharsets.UTF_8));
    Buffer e = Buffer.buffer();
    chunks.encodeToWire(e, Chunk.end("x", 8));
    assertEquals(Chunk.END, chunks.decodeFromWire(0, e).kind());
    Buffer f = Buffer.buffer();
    chunks.encodeToWire(f, Chunk.fail("bulwark.http.y.svc", 9, "the client left: ç"));
    Chunk failed = chunks.decodeFromWire(0, f);
    assertEquals(Chunk.FAIL, failed.kind());
    assertEquals("bulwark.http.y.svc", failed.from());
    assertEquals("the client left: ç", failed.reason());

    CreditCodec credits = new CreditCodec();
    Buffer k = Buffer.buffer();
    credits.encodeToWire(k, new Credit("bulwark.http.x.svc", 9, 16384, true));
    assertEquals(new Credit("bulwark.http.x.svc", 9, 16384, true), credits.decodeFromWire(0, k));
  }

  @Test
  void batchRoundTripsOverTheWire() {
    Request a = Request.of("GET", "/a", Headers.of("x", "1"), null, "127.0.0.1:1", "id-a");
    Request b = Request.of("PUT", "/b", Headers.empty(), "ç".getBytes(StandardCharsets.UTF_8), "[::1]:2", "id-b");
    OutcomeSink sink = o -> { };
    Batch batch = new Batch("bulwark.http.x", 1234567890123L, java.util.List.of(new Batch.Item(41, a),
        new Batch.Item(42, b, true)), sink);
    BatchCodec codec = new BatchCodec();
    Buffer wire = Buffer.buffer().appendString("pre");
    codec.encodeToWire(wire, batch);
    wire.appendString("after");
    Batch back = codec.decodeFromWire(3, wire);
    assertEquals("bulwark.http.x", back.replyTo());
    assertEquals(1234567890123L, back.deadlineMillis());
    assertEquals(2, back.items().size());
    assertEquals(41, back.items().get(0).id());
    assertEquals("/a", back.items().get(0).request().url());
    assertEquals("id-a", back.items().get(0).request().requestId());
    assertEquals(false, back.items().get(0).bodyFollows());
    assertEquals(42, back.items().get(1).id());
    assertEquals(true, back.items().get(1).bodyFollows(), "the far side knows the body follows as chunks");
    assertEquals("PUT", back.items().get(1).request().method());
    assertArrayEquals(b.bodyBytes(), back.items().get(1).request().bodyBytes());
    assertEquals("[::1]:2", back.items().get(1).request().clientAddress());
    assertEquals(null, back.local(), "the in-process way back does not cross the wire: outcomes take the event bus");
    assertSame(batch, codec.transform(batch));
    assertSame(sink, codec.transform(batch).local(), "locally the batch is passed as it is, its way back with it");
  }

  @Test
  void aCorruptBatchCountIsRefusedNotAllocated() {
    Buffer wire = Buffer.buffer();
    new BatchCodec().encodeToWire(wire, new Batch("r", 1, java.util.List.of()));
    int countAt = 4 + 4 + 1 + 8;
    wire.setInt(countAt, Integer.MAX_VALUE);
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> new BatchCodec().decodeFromWire(0, wire));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void outcomesRoundTripOverTheWire() {
    OutcomeCodec codec = new OutcomeCodec();
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, Outcome.answered(9, Response.text(202, "ok"), 3, 12_345));
    int second = wire.length();
    codec.encodeToWire(wire, Outcome.failed(10, 503, 1, -1));
    Outcome answered = codec.decodeFromWire(0, wire);
    assertEquals(9, answered.id());
    assertEquals(202, answered.response().status());
    assertEquals("ok", answered.response().text());
    assertEquals(3, answered.instance());
    assertEquals(12_345, answered.runNanos());
    Outcome failed = codec.decodeFromWire(second, wire);
    assertEquals(10, failed.id());
    assertEquals(503, failed.failure());
    assertEquals(null, failed.response());
    assertEquals(1, failed.instance());
    assertEquals(-1, failed.runNanos());
  }
}
