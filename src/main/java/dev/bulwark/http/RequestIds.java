package dev.bulwark.http;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: a client's {@code x-request-id} is kept when it is sane, otherwise a random one is made. */
final class RequestIds {
  static final String HEADER = "x-request-id";
  /** The same name with its hash computed once, for the per-request header look-up and write. */
  static final CharSequence HEADER_NAME = io.vertx.core.http.HttpHeaders.createOptimized(HEADER);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {
  }

  static String keepOrCreate(String fromClient) {
    if (fromClient != null && isSane(fromClient)) {
      return fromClient;
    }
    long bits = ThreadLocalRandom.current().nextLong();
    char[] id = new char[16];
    for (int i = 15; i >= 0; i--) {
      id[i] = HEX[(int) (bits & 0xf)];
      bits >>>= 4;
    }
    return new String(id);
  }

  /** Up to 128 visible ASCII characters, so an id can go into logs and headers unchanged. */
  private static boolean isSane(String id) {
    if (id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c <= ' ' || c >= 127) {
        return false;
      }
    }
    return true;
  }
}
