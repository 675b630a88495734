package dev.bulwark.dispatch;

import io.vertx.core.buffer.Buffer;

/** Carries a {@link Chunk}: the object itself locally; across a cluster its id, kind and bytes. */
public final class ChunkCodec extends ImmutableCodec<Chunk> {
  public static final String NAME = "bulwark.chunk";

  public ChunkCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Chunk c) {
    buffer.appendLong(c.id()).appendInt(c.kind());
    WireFormat.writeBytes(buffer, c.bytes());
  }

  @Override
  public Chunk decodeFromWire(int pos, Buffer buffer) {
    return new Chunk(buffer.getLong(pos), buffer.getInt(pos + 8), new WireFormat.Reader(buffer, pos + 12).readBytes());
  }
}
