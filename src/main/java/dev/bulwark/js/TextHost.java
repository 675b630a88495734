package dev.bulwark.js;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * UTF-8 for the prelude (TextEncoder, TextDecoder, bodies): Java's codec, whose U+FFFD substitution follows the
 * Unicode "maximal subpart" practice that the WHATWG Encoding standard asks for.
 */
public final class TextHost {
  /** The bytes of {@code text} as UTF-8 (lone surrogates become U+FFFD, as USVString conversion does). */
  @HostAccess.Export
  public ByteBuffer encode(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes {@code length} bytes at {@code offset} of an ArrayBuffer. With {@code fatal}, malformed input throws
   * (the prelude turns it into a TypeError); otherwise each malformed sequence becomes U+FFFD.
   */
  @HostAccess.Export
  public String decode(Value arrayBuffer, int offset, int length, boolean fatal) {
    return decodeBytes(Bytes.read(arrayBuffer, offset, length), fatal);
  }

  static String decodeBytes(byte[] bytes, boolean fatal) {
    if (!fatal) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("The encoded data was not valid UTF-8");
    }
  }
}
