package dev.bulwark.dispatch;

import dev.bulwark.api.Headers;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Length-prefixed encoding shared by the codecs, for when messages cross the wire in a cluster. */
final class WireFormat {
  private WireFormat() {
  }

  /**
   * Writes a message as one field with a 4-byte length prefix, so a reader can skip it whole
   * ({@link Reader#skipLengthPrefixed()}) when it is nested in another message.
   */
  static void writeFramed(Buffer buffer, Consumer<Buffer> fields) {
    Buffer body = Buffer.buffer();
    fields.accept(body);
    buffer.appendInt(body.length()).appendBuffer(body);
  }

  /** A reader of the fields of a message written with {@link #writeFramed} at {@code pos}. */
  static Reader readFramed(Buffer buffer, int pos) {
    return new Reader(buffer, pos + 4);
  }

  static void writeString(Buffer buffer, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  static void writeBytes(Buffer buffer, byte[] bytes) {
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  static void writeHeaders(Buffer buffer, Headers headers) {
    buffer.appendInt(headers.size());
    for (Map.Entry<String, String> f : headers.entries()) {
      writeString(buffer, f.getKey());
      writeString(buffer, f.getValue());
    }
  }

  /** Reads sequentially from a buffer, starting at an offset. */
  static final class Reader {
    private final Buffer buffer;
    private int pos;

    Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    int readInt() {
      int v = buffer.getInt(pos);
      pos += 4;
      return v;
    }

    long readLong() {
      long v = buffer.getLong(pos);
      pos += 8;
      return v;
    }

    /** A count of items that follow, each at least 4 bytes long: checked so a corrupt count cannot over-allocate. */
    int readCount() {
      int n = readInt();
      if (n < 0 || n > (buffer.length() - pos) / 4) {
        throw new IllegalStateException("corrupt message: count " + n + " at " + (pos - 4));
      }
      return n;
    }

    /** Skips a field written with a 4-byte length prefix (a nested message). */
    void skipLengthPrefixed() {
      int len = checkedLength(); // read first: "pos += checkedLength()" would add to pos as it was before the read
      pos += len;
    }

    byte[] readBytes() {
      int len = checkedLength();
      byte[] bytes = buffer.getBytes(pos, pos + len);
      pos += len;
      return bytes;
    }

    private int checkedLength() {
      int len = readInt();
      if (len < 0 || len > buffer.length() - pos) {
        throw new IllegalStateException("corrupt message: length " + len + " at " + pos);
      }
      return len;
    }

    String readString() {
      return new String(readBytes(), StandardCharsets.UTF_8);
    }

    Headers readHeaders() {
      int n = readInt();
      List<Map.Entry<String, String>> fields = new ArrayList<>(Math.max(0, Math.min(n, 1024)));
      for (int i = 0; i < n; i++) {
        fields.add(Map.entry(readString(), readString()));
      }
      return Headers.of(fields);
    }

    int position() {
      return pos;
    }
  }
}
