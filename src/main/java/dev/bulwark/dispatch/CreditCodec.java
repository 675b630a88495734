package dev.bulwark.dispatch;

import io.vertx.core.buffer.Buffer;

/** Carries a {@link Credit}: the object itself locally; across a cluster its fields. */
public final class CreditCodec extends ImmutableCodec<Credit> {
  public static final String NAME = "bulwark.credit";

  public CreditCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Credit c) {
    buffer.appendLong(c.id()).appendInt(c.bytes()).appendByte((byte) (c.cancel() ? 1 : 0));
    WireFormat.writeString(buffer, c.replyTo());
  }

  @Override
  public Credit decodeFromWire(int pos, Buffer buffer) {
    WireFormat.Reader in = new WireFormat.Reader(buffer, pos + 13);
    return new Credit(in.readString(), buffer.getLong(pos), buffer.getInt(pos + 8), buffer.getByte(pos + 12) == 1);
  }
}
