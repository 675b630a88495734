package dev.bulwark.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outbound {@code fetch()} of a JavaScript worker (service key {@code fetch}).
 *
 * @param allow host patterns a worker may fetch from ({@code api.example.com}, {@code *.example.org},
 *     {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code *}); null when not configured. Without a list, any host whose
 *     addresses are all public may be fetched; loopback, private, link-local and other non-public addresses only
 *     when a list names the host (or the address) exactly. See docs/fetch.md.
 * @param maxSubrequests fetches (each redirect hop counts) one incoming request may make; workerd's default is 50
 * @param maxResponseBytes largest response body a fetch may read; past it the fetch fails and the connection closes
 * @param connectTimeout how long one connection attempt (DNS answer to TCP, plus TLS) may take
 * @param timeout how long one fetch may take from its start to the end of the response body; for a body streamed
 *                  as it arrives (no length, no coding), how long it may go without progress
 */
public record FetchConfig(List<String> allow, int maxSubrequests, long maxResponseBytes, Duration connectTimeout,
                          Duration timeout) {
  public static final FetchConfig DEFAULT =
      new FetchConfig(null, 50, 16L * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30));

  private static final Pattern ENTRY =
      Pattern.compile("(\\*|(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?|\\[[0-9a-f:.]+])"
          + "(:(\\d{1,5}))?");

  public FetchConfig {
    allow = allow == null ? null : List.copyOf(allow);
  }

  /** Why {@code entry} is not an allow-list pattern, or null when it is one. */
  static String checkPattern(String entry) {
    Matcher m = ENTRY.matcher(entry.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return "'" + entry + "' is not a host pattern; expected e.g. api.example.com, *.example.org, 127.0.0.1:8080, "
          + "[::1]:8080 or *";
    }
    if (m.group(7) != null) {
      int port = Integer.parseInt(m.group(7));
      if (port < 1 || port > 65535) {
        return "'" + entry + "': port must be 1-65535";
      }
    }
    return null;
  }
}
