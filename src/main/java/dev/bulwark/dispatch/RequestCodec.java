package dev.bulwark.dispatch;

import dev.bulwark.api.Request;
import io.vertx.core.buffer.Buffer;

/**
 * Carries a {@link Request} on the event bus. Locally the object itself is passed (it is immutable, so no copy);
 * across a cluster it is written as length-prefixed fields.
 */
public final class RequestCodec extends ImmutableCodec<Request> {
  public static final String NAME = "bulwark.request";

  public RequestCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Request r) {
    WireFormat.writeFramed(buffer, body -> {
      WireFormat.writeString(body, r.method());
      WireFormat.writeString(body, r.url());
      WireFormat.writeHeaders(body, r.headers());
      WireFormat.writeBytes(body, r.bodyBytes());
      WireFormat.writeString(body, r.clientAddress());
      WireFormat.writeString(body, r.requestId());
    });
  }

  @Override
  public Request decodeFromWire(int pos, Buffer buffer) {
    WireFormat.Reader in = WireFormat.readFramed(buffer, pos);
    String method = in.readString();
    String url = in.readString();
    var headers = in.readHeaders();
    byte[] body = in.readBytes();
    String client = in.readString();
    String id = in.readString();
    return Request.of(method, url, headers, body, client, id);
  }
}
