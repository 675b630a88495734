package dev.bulwark.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads numbers, sizes and durations from config values, written as numbers or with units, reporting problems. */
public final class ConfigValues {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

  /** The longest duration any key takes: {@link Integer#MAX_VALUE} milliseconds, 24 days 20:31:23.647. */
  static final Duration MAX_DURATION = Duration.ofMillis(Integer.MAX_VALUE);

  private final BiConsumer<String, String> problem;

  ConfigValues(BiConsumer<String, String> problem) {
    this.problem = problem;
  }

  int integer(JsonObject o, String key, String path, int min, int max, int fallback) {
    Object v = o.getValue(key);
    if (v == null) {
      return fallback;
    }
    long n;
    if (isWhole(v)) {
      n = ((Number) v).longValue();
    } else if (v instanceof String str && str.trim().matches("-?\\d{1,18}")) {
      n = Long.parseLong(str.trim());
    } else {
      problem.accept(path + "." + key, "must be a whole number, got '" + v + "'");
      return fallback;
    }
    if (n < min || n > max) {
      problem.accept(path + "." + key, "must be " + min + "-" + max + ", got " + n);
      return fallback;
    }
    return (int) n;
  }

  long size(JsonObject o, String key, String path, long min, long max, long fallback) {
    Object v = o.getValue(key);
    if (v == null) {
      return fallback;
    }
    long n;
    if (isWhole(v)) {
      n = ((Number) v).longValue();
    } else {
      Matcher m = v instanceof String str ? SIZE.matcher(str.trim().toLowerCase(Locale.ROOT)) : null;
      if (m == null || !m.matches()) {
        problem.accept(path + "." + key, "must be a size like 65536, 64KiB or 1MiB, got '" + v + "'");
        return fallback;
      }
      long unit = switch (m.group(2) == null ? "b" : m.group(2)) {
        case "kb" -> 1000L;
        case "kib" -> 1024L;
        case "mb" -> 1000_000L;
        case "mib" -> 1024L * 1024;
        case "gb" -> 1000_000_000L;
        case "gib" -> 1024L * 1024 * 1024;
        default -> 1L;
      };
      n = timesUnit(m.group(1), unit);
    }
    if (n < min || n > max) {
      problem.accept(path + "." + key, "must be between " + min + " and " + max + " bytes, got "
          + (n == Long.MAX_VALUE ? v : n));
      return fallback;
    }
    return n;
  }

  /**
   * A duration of at most {@link #MAX_DURATION}: Vert.x and Netty take many timeouts as an int of milliseconds, and
   * longer ones overflowed where they were used (a deadline, a timer per connection) instead of here, with the key.
   */
  Duration duration(JsonObject o, String key, String path, Duration fallback) {
    Object v = o.getValue(key);
    if (v == null) {
      return fallback;
    }
    long millis;
    if (isWhole(v) && ((Number) v).longValue() >= 0) {
      millis = ((Number) v).longValue();
    } else {
      Matcher m = v instanceof String str ? DURATION.matcher(str.trim().toLowerCase(Locale.ROOT)) : null;
      if (m == null || !m.matches()) {
        problem.accept(path + "." + key, "must be a duration like 500ms, 30s or 2m (a bare number is milliseconds),"
            + " got '" + v + "'");
        return fallback;
      }
      long unit = switch (m.group(2) == null ? "ms" : m.group(2)) {
        case "s" -> 1000L;
        case "m" -> 60_000L;
        case "h" -> 3600_000L;
        default -> 1L;
      };
      millis = timesUnit(m.group(1), unit);
    }
    if (millis > MAX_DURATION.toMillis()) {
      problem.accept(path + "." + key, "must be at most " + MAX_DURATION.toMillis() + "ms (about 24 days), got '" + v
          + "'");
      return fallback;
    }
    return Duration.ofMillis(millis);
  }

  /** {@code digits} times {@code unit}, or {@link Long#MAX_VALUE} when that is more than a long holds. */
  private static long timesUnit(String digits, long unit) {
    try {
      return Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** A likely typo: a prefix of the other, or at most two edits away. */
  public static boolean close(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    if (x.startsWith(y) || y.startsWith(x)) {
      return true;
    }
    int[] prev = new int[y.length() + 1];
    int[] cur = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length()] <= 2;
  }

  /** A number with no fractional part, as YAML gives for {@code 4} or {@code 4.0}. */
  private static boolean isWhole(Object v) {
    return v instanceof Number num && num.doubleValue() == num.longValue();
  }
}
