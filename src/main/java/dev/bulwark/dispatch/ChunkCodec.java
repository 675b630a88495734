package dev.bulwark.dispatch;

import io.vertx.core.buffer.Buffer;

/** Carries a {@link Chunk}: the object itself locally; across a cluster its sender, id, kind and bytes. */
public final class ChunkCodec extends ImmutableCodec<Chunk> {
  public static final String NAME = "bulwark.chunk";

  public ChunkCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Chunk c) {
    WireFormat.writeString(buffer, c.from());
    buffer.appendLong(c.id()).appendInt(c.kind());
    WireFormat.writeBytes(buffer, c.bytes());
  }

  @Override
  public Chunk decodeFromWire(int pos, Buffer buffer) {
    WireFormat.Reader in = new WireFormat.Reader(buffer, pos);
    String from = in.readString();
    long id = in.readLong();
    return new Chunk(from, id, in.readInt(), in.readBytes());
  }
}
