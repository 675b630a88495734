package dev.bulwark.dispatch;

import dev.bulwark.api.Request;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** Carries a {@link Batch}: the object itself locally (it is immutable), its fields and requests across a cluster. */
public final class BatchCodec extends ImmutableCodec<Batch> {
  public static final String NAME = "bulwark.batch";
  private static final RequestCodec REQUESTS = new RequestCodec();

  public BatchCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Batch b) {
    WireFormat.writeFramed(buffer, body -> {
      WireFormat.writeString(body, b.replyTo());
      body.appendLong(b.deadlineMillis()).appendInt(b.items().size());
      for (Batch.Item item : b.items()) {
        body.appendLong(item.id()).appendInt(item.bodyFollows() ? 1 : 0);
        REQUESTS.encodeToWire(body, item.request()); // framed itself, so decoding can skip past it
      }
    });
  }

  @Override
  public Batch decodeFromWire(int pos, Buffer buffer) {
    WireFormat.Reader in = WireFormat.readFramed(buffer, pos);
    String replyTo = in.readString();
    long deadline = in.readLong();
    int n = in.readCount();
    List<Batch.Item> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long id = in.readLong();
      boolean bodyFollows = in.readInt() != 0;
      Request request = REQUESTS.decodeFromWire(in.position(), buffer);
      in.skipLengthPrefixed();
      items.add(new Batch.Item(id, request, bodyFollows));
    }
    return new Batch(replyTo, deadline, items);
  }
}
