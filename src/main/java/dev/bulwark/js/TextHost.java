package dev.bulwark.js;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * UTF-8 for the prelude (TextEncoder, TextDecoder, bodies): encoding by Java's codec (with U+FFFD for lone
 * surrogates), decoding by the WHATWG Encoding standard's own algorithm.
 */
public final class TextHost {
  /** U+FFFD as UTF-8: what a lone surrogate becomes when a JavaScript string is converted to a USVString. */
  private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};

  /** The bytes of {@code text} as UTF-8 (lone surrogates become U+FFFD, as USVString conversion does). */
  @HostAccess.Export
  public ByteBuffer encode(String text) {
    return ByteBuffer.wrap(utf8(text));
  }

  /**
   * UTF-8 of a JavaScript string. {@link String#getBytes} would turn a lone surrogate into '?', so strings that hold
   * one go through an encoder that substitutes U+FFFD instead.
   */
  static byte[] utf8(String text) {
    if (!hasLoneSurrogate(text)) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
        .replaceWith(REPLACEMENT);
    try {
      ByteBuffer out = encoder.encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing encoder reported an error", e);
    }
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes {@code length} bytes at {@code offset} of an ArrayBuffer. With {@code fatal}, malformed input throws
   * (the prelude turns it into a TypeError); otherwise each malformed sequence becomes U+FFFD.
   */
  @HostAccess.Export
  public String decode(Value arrayBuffer, int offset, int length, boolean fatal) {
    return decodeBytes(Bytes.read(arrayBuffer, offset, length), fatal);
  }

  /**
   * The Encoding standard's UTF-8 decoder, step for step. The JDK's decoder is close but not the same: it turns an
   * encoded surrogate (ED A0 80) into one U+FFFD where the standard's maximal-subpart rule gives three.
   */
  static String decodeBytes(byte[] bytes, boolean fatal) {
    StringBuilder out = new StringBuilder(bytes.length);
    int codePoint = 0;
    int needed = 0;
    int seen = 0;
    int lower = 0x80;
    int upper = 0xbf;
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (needed == 0) {
        if (b <= 0x7f) {
          out.append((char) b);
        } else if (b >= 0xc2 && b <= 0xdf) {
          needed = 1;
          codePoint = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
          lower = b == 0xe0 ? 0xa0 : 0x80;
          upper = b == 0xed ? 0x9f : 0xbf;
          needed = 2;
          codePoint = b & 0xf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          lower = b == 0xf0 ? 0x90 : 0x80;
          upper = b == 0xf4 ? 0x8f : 0xbf;
          needed = 3;
          codePoint = b & 0x7;
        } else {
          error(out, fatal);
        }
        continue;
      }
      if (b < lower || b > upper) {
        // The byte ends the sequence without being part of it: it is read again as the start of the next one.
        codePoint = needed = seen = 0;
        lower = 0x80;
        upper = 0xbf;
        error(out, fatal);
        i--;
        continue;
      }
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (b & 0x3f);
      if (++seen == needed) {
        out.appendCodePoint(codePoint);
        codePoint = needed = seen = 0;
      }
    }
    if (needed != 0) {
      error(out, fatal);
    }
    return out.toString();
  }

  /** Decodes UTF-16LE or UTF-16BE bytes of an ArrayBuffer; see {@link #decodeUtf16Bytes}. */
  @HostAccess.Export
  public String decodeUtf16(Value arrayBuffer, int offset, int length, boolean bigEndian, boolean fatal) {
    return decodeUtf16Bytes(Bytes.read(arrayBuffer, offset, length), bigEndian, fatal);
  }

  /**
   * The Encoding standard's shared UTF-16 decoder over a whole input: an unpaired surrogate is an error (the unit
   * after a lone lead surrogate is read again on its own), and so is an odd byte or a lead surrogate at the end.
   */
  static String decodeUtf16Bytes(byte[] bytes, boolean bigEndian, boolean fatal) {
    StringBuilder out = new StringBuilder(bytes.length / 2 + 1);
    int lead = -1;
    int i = 0;
    for (; i + 1 < bytes.length; i += 2) {
      int a = bytes[i] & 0xff;
      int b = bytes[i + 1] & 0xff;
      char unit = (char) (bigEndian ? (a << 8) | b : (b << 8) | a);
      if (lead >= 0) {
        if (Character.isLowSurrogate(unit)) {
          out.append((char) lead).append(unit);
          lead = -1;
          continue;
        }
        lead = -1;
        error(out, fatal);
      }
      if (Character.isHighSurrogate(unit)) {
        lead = unit;
      } else if (Character.isLowSurrogate(unit)) {
        error(out, fatal);
      } else {
        out.append(unit);
      }
    }
    if (lead >= 0 || i < bytes.length) {
      error(out, fatal);
    }
    return out.toString();
  }

  private static void error(StringBuilder out, boolean fatal) {
    if (fatal) {
      throw new IllegalArgumentException("The encoded data was not valid");
    }
    out.append('\ufffd');
  }
}
