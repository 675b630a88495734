package dev.bulwark.http;

import io.netty.handler.codec.DateFormatter;
import io.vertx.core.http.HttpHeaders;
import java.util.Date;

/**
 * The {@code Date} field every answer carries (RFC 9110, 6.6.1: an origin server with a clock sends it in 2xx, 3xx
 * and 4xx responses; caches and browsers take a response's age from it), formatted as IMF-fixdate by Netty once a
 * second rather than once a response.
 */
public final class HttpDate {
  private record Stamp(long second, CharSequence value) {}

  private static volatile Stamp stamp = new Stamp(-1, "");

  private HttpDate() {}

  /** Now, as a {@code Date} field value; the admin listener's answers carry it too. */
  public static CharSequence now() {
    long second = System.currentTimeMillis() / 1000;
    Stamp s = stamp;
    if (s.second() != second) {
      s = new Stamp(second, HttpHeaders.createOptimized(DateFormatter.format(new Date(second * 1000))));
      stamp = s; // a race only formats the same second twice
    }
    return s.value();
  }
}
