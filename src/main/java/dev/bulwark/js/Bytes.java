package dev.bulwark.js;

import org.graalvm.polyglot.Value;

/** Copies between JavaScript ArrayBuffers and Java byte arrays in bulk, never byte by byte through interop. */
final class Bytes {
  private Bytes() {
  }

  static byte[] read(Value arrayBuffer, int offset, int length) {
    if (arrayBuffer == null || !arrayBuffer.hasBufferElements()) {
      throw new IllegalArgumentException("expected an ArrayBuffer");
    }
    byte[] bytes = new byte[length];
    if (length > 0) {
      arrayBuffer.readBuffer(offset, bytes, 0, length);
    }
    return bytes;
  }

  /** A JS body value as bytes: a string (UTF-8) or an ArrayBuffer; null and undefined are empty. */
  static byte[] of(Value body) {
    if (body == null || body.isNull()) {
      return new byte[0];
    }
    if (body.isString()) {
      return TextHost.utf8(body.asString());
    }
    return read(body, 0, (int) body.getBufferSize());
  }
}
