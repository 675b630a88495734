package dev.bulwark.dispatch;

import dev.bulwark.api.BodyStream;
import dev.bulwark.api.Response;
import io.vertx.core.buffer.Buffer;

/** Carries a {@link Response} back on the event bus: the object itself locally, length-prefixed fields remotely. */
public final class ResponseCodec extends ImmutableCodec<Response> {
  public static final String NAME = "bulwark.response";
  /**
   * The body of a streamed response that arrived from another process: its {@link Chunk}s follow on the event bus;
   * the stream itself stays with the worker that made it.
   */
  private static final BodyStream ELSEWHERE = sink -> {
    throw new IllegalStateException("this streamed body is made by the worker that sent it; its chunks follow");
  };

  public ResponseCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Response r) {
    WireFormat.writeFramed(buffer, body -> {
      body.appendInt(r.status());
      WireFormat.writeHeaders(body, r.headers());
      WireFormat.writeBytes(body, r.bodyBytes());
      WireFormat.writeString(body, r.reason().orElse(""));
      body.appendByte((byte) (r.streamed() ? 1 : 0));
    });
  }

  @Override
  public Response decodeFromWire(int pos, Buffer buffer) {
    WireFormat.Reader in = WireFormat.readFramed(buffer, pos);
    int status = in.readInt();
    var headers = in.readHeaders();
    byte[] body = in.readBytes();
    String reason = in.readString();
    boolean streamed = buffer.getByte(in.position()) == 1;
    return (streamed ? Response.stream(status, headers, ELSEWHERE) : Response.of(status, headers, body))
        .withReason(reason);
  }
}
