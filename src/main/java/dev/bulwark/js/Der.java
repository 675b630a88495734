package dev.bulwark.js;

/**
 * The little of DER (X.690) the Web Crypto hosts read themselves: element headers, to check what the JDK's key
 * factories do not (an spki or pkcs8 that is exactly one structure, as the standard's "exactData" parse requires, and
 * the algorithm identifier it names). The structures themselves are the JDK's to parse.
 */
final class Der {
  static final int SEQUENCE = 0x30;

  private Der() {
  }

  /** {contents offset, contents length} of the element at {@code at} if it has {@code tag} and fits, else null. */
  static int[] element(byte[] der, int at, int tag) {
    if (at + 2 > der.length || (der[at] & 0xff) != tag) {
      return null;
    }
    int first = der[at + 1] & 0xff;
    int offset = at + 2;
    long length = first;
    if (first > 0x80 && first <= 0x84) {
      length = 0;
      for (int i = 0; i < first - 0x80; i++) {
        if (offset >= der.length) {
          return null;
        }
        length = (length << 8) | (der[offset++] & 0xff);
      }
    } else if (first >= 0x80) {
      return null;
    }
    return offset + length <= der.length ? new int[] {offset, (int) length} : null;
  }

  /** Whether the bytes are one SEQUENCE with nothing after it. */
  static boolean isOneSequence(byte[] der) {
    int[] outer = element(der, 0, SEQUENCE);
    return outer != null && outer[0] + outer[1] == der.length;
  }
}
