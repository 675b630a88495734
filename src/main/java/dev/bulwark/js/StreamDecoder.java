package dev.bulwark.js;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import java.io.ByteArrayOutputStream;
import java.util.Locale;

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

  /** A decoder for {@code coding} (a Content-Encoding value), or null when it is not one this decodes as it comes. */
  static StreamDecoder forCoding(String coding) {
    String c = coding.strip().toLowerCase(Locale.ROOT);
    return c.equals("gzip") || c.equals("x-gzip") ? new StreamDecoder(ZlibWrapper.GZIP)
        : c.equals("deflate") ? new StreamDecoder(ZlibWrapper.ZLIB_OR_NONE) : null;
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
