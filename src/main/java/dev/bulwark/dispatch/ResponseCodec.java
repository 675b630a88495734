package dev.bulwark.dispatch;

import dev.bulwark.api.Response;
import io.vertx.core.buffer.Buffer;

/** Carries a {@link Response} back on the event bus: the object itself locally, length-prefixed fields remotely. */
public final class ResponseCodec extends ImmutableCodec<Response> {
  public static final String NAME = "bulwark.response";

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
    });
  }

  @Override
  public Response decodeFromWire(int pos, Buffer buffer) {
    WireFormat.Reader in = WireFormat.readFramed(buffer, pos);
    int status = in.readInt();
    var headers = in.readHeaders();
    byte[] body = in.readBytes();
    return Response.of(status, headers, body).withReason(in.readString());
  }
}
