package dev.bulwark.js;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Decodes a gzip or deflate body chunk by chunk, as it arrives (a fetched body that streams): Netty's zlib decoder in
 * an embedded channel, the one its HTTP client uses. Deflate is zlib data, or bare deflate data as some servers send.
 * A corrupt body throws {@link io.netty.handler.codec.compression.DecompressionException}.
 */
final class StreamDecoder {
  private final JdkZlibDecoder decoder;
  private final EmbeddedChannel channel;

  private StreamDecoder(ZlibWrapper wrapper) {
    decoder = new JdkZlibDecoder(wrapper, 0);
    channel = new EmbeddedChannel(decoder);
  }

  /**
   * Whether a body in {@code codings} ({@link ContentCoding#parse} of its Content-Encoding, null for one that cannot
   * be decoded) can be read as it comes: in no coding, or in gzip or deflate alone.
   */
  static boolean streamable(List<String> codings) {
    return codings != null && (codings.isEmpty()
        || codings.size() == 1 && (codings.get(0).equals("gzip") || codings.get(0).equals("deflate")));
  }

  /** The decoder for {@code codings} ({@link #streamable}), or null when they are none. */
  static StreamDecoder of(List<String> codings) {
    return codings.isEmpty() ? null
        : new StreamDecoder(codings.get(0).equals("gzip") ? ZlibWrapper.GZIP : ZlibWrapper.ZLIB_OR_NONE);
  }

  /** What {@code chunk} decodes to so far (possibly nothing). */
  byte[] decode(byte[] chunk) {
    channel.writeInbound(Unpooled.wrappedBuffer(chunk));
    return drain();
  }

  /** The rest at the body's end; throws if the body ended before its coded data did (truncated). */
  byte[] finish() {
    channel.finish();
    byte[] rest = drain();
    if (!decoder.isClosed()) {
      throw new io.netty.handler.codec.compression.DecompressionException("the body ended before its compressed data");
    }
    return rest;
  }

  /** Frees the decoder (the body was cut, or is complete); what it failed on before was reported then. */
  void discard() {
    try {
      channel.finishAndReleaseAll();
    } catch (RuntimeException e) {
      // the channel rethrows the decoder's last failure, already handled by whoever called decode or finish
    }
  }

  private byte[] drain() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b = channel.readInbound(); b != null; b = channel.readInbound()) {
      try {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        out.writeBytes(bytes);
      } finally {
        b.release();
      }
    }
    return out.toByteArray();
  }
}
