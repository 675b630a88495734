package dev.bulwark.js;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.netty.handler.codec.DateFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Cache API's store for one service ({@code caches.default} and every {@code caches.open(name)}), shared by all
 * of its isolates: responses kept in memory under (cache name, URL), at most {@code maxBytes} in all, the least
 * valuable evicted first (Caffeine's size bound), each until its freshness lifetime ends. What is stored and for how
 * long follows the response's HTTP caching headers as a shared cache reads them (RFC 9111), with Cloudflare's rules
 * where its Cache API has its own: no {@code Set-Cookie} unless {@code private=Set-Cookie} names it, and its
 * default lifetimes by status when the response gives none. A lookup answers conditional and range requests from
 * the stored response as Cloudflare's cache does ({@code 304}, {@code 206}, {@code 416}).
 *
 * <p>Every method takes and gives plain values (flat header lists, byte arrays), so nothing of an isolate is kept:
 * an entry is immutable and any isolate of the service may read it.
 */
final class CacheStore {
  /** Cloudflare's default edge lifetimes for a response without freshness information of its own, in seconds. */
  private static final Map<Integer, Long> DEFAULT_TTL =
      Map.of(200, 7200L, 206, 7200L, 301, 7200L, 302, 1200L, 303, 1200L, 404, 180L, 410, 180L);
  /** Sent by a 304 from the stored response (RFC 9110, 15.4.5), with the cache's own two. */
  private static final Set<String> NOT_MODIFIED_FIELDS =
      Set.of("cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified");
  /** Rough per-entry cost beyond its bytes: the key, the entry and the header list. */
  private static final int OVERHEAD = 256;

  private final long maxBytes;
  private final Cache<Key, Entry> entries;
  /** Puts that stored their response, and puts whose headers said not to (Caffeine counts no puts itself). */
  private final java.util.concurrent.atomic.LongAdder stored = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder notStored = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();

  private record Key(String cache, String url) {
  }

  /**
   * A stored response: its header list already cleared of what may not be stored, the request header values its
   * {@code Vary} names, when it was stored and its age then (both for {@code Age}), and its lifetime.
   */
  private record Entry(int status, String statusText, List<String> headers, byte[] body, boolean manual,
                       Map<String, String> vary, long storedMillis, long initialAgeSeconds, long ttlNanos) {
    int weight() {
      long w = OVERHEAD + body.length;
      for (String h : headers) {
        w += 2L * h.length();
      }
      return (int) Math.min(Integer.MAX_VALUE, w);
    }

    String header(String name) {
      return CacheStore.header(headers, name);
    }
  }

  /** What a lookup found: the answer to give the request, from the stored response. */
  record Hit(int status, String statusText, List<String> headers, byte[] body, boolean manual) {
  }

  /** A store of at most {@code maxBytes}; 0 makes one that keeps nothing (every lookup misses). */
  CacheStore(long maxBytes) {
    this.maxBytes = maxBytes;
    this.entries = maxBytes == 0 ? null : Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, Entry e) -> e.weight())
        .expireAfter(new Expiry<Key, Entry>() {
          @Override
          public long expireAfterCreate(Key key, Entry e, long now) {
            return e.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(Key key, Entry e, long now, long currentDuration) {
            return e.ttlNanos();
          }

          @Override
          public long expireAfterRead(Key key, Entry e, long now, long currentDuration) {
            return currentDuration;
          }
        })
        // Upkeep on the calling thread: an isolate's own worker thread, never the common pool.
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /** The Caffeine cache, for its meters; null when the store keeps nothing. */
  Cache<?, ?> caffeine() {
    return entries;
  }

  long maxBytes() {
    return maxBytes;
  }

  /**
   * Stores the response to a GET of {@code url} (the caller has checked the method, the status and {@code Vary: *}),
   * or not, as its headers say. Returns null, or why it cannot be stored at all (too large for the store).
   */
  String put(String cache, String url, List<String> requestHeaders, int status, String statusText,
             List<String> headers, byte[] body, boolean manual) {
    if (entries == null) {
      return null;
    }
    Entry e = storable(requestHeaders, status, statusText, headers, body, manual);
    if (e == null) {
      notStored.increment();
      return null;
    }
    if (e.weight() > maxBytes) {
      notStored.increment();
      return "the response (" + body.length + " bytes of body) is larger than this service's whole cache ("
          + maxBytes + " bytes, the service's cache.maxBytes)";
    }
    entries.put(new Key(cache, url), e);
    stored.increment();
    return null;
  }

  /** Lookups ({@link #match}) that found a response fitting the request. */
  long hits() {
    return hits.sum();
  }

  /** Lookups that found none: nothing stored, expired, or stored for other values of its Vary fields. */
  long misses() {
    return misses.sum();
  }

  /** Puts that stored their response so far. */
  long stored() {
    return stored.sum();
  }

  /** Puts whose response was not stored (its headers said so, or it was larger than the whole store). */
  long notStored() {
    return notStored.sum();
  }

  /** The entry to keep for this response, or null when its headers say it may not be stored. */
  private static Entry storable(List<String> requestHeaders, int status, String statusText, List<String> headers,
                                byte[] body, boolean manual) {
    if (status == 304) {
      return null; // 304: Cloudflare discards it, so that it never answers a request that was not conditional
    }
    long now = System.currentTimeMillis();
    Map<String, String> cc = directives(all(headers, "cache-control"));
    if (cc.containsKey("no-store") || (cc.containsKey("private") && cc.get("private") == null)
        || (cc.containsKey("no-cache") && cc.get("no-cache") == null)) {
      return null;
    }
    // private="field" and no-cache="field": those fields may not be stored (or sent unvalidated) by a shared cache.
    List<String> dropped = new ArrayList<>();
    for (String d : new String[] {"private", "no-cache"}) {
      if (cc.get(d) != null) {
        for (String f : cc.get(d).split(",")) {
          dropped.add(f.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    List<String> kept = new ArrayList<>(headers.size());
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String name = headers.get(i).toLowerCase(Locale.ROOT);
      if (!dropped.contains(name)) {
        kept.add(name);
        kept.add(headers.get(i + 1));
      }
    }
    if (header(kept, "set-cookie") != null) {
      return null; // may hold one user's data; Cloudflare never caches it
    }
    long age = Math.max(0, deltaSeconds(header(kept, "age"), 0));
    long ttl = freshness(cc, kept, status, now) - age;
    if (ttl <= 0) {
      return null;
    }
    Map<String, String> vary = new LinkedHashMap<>();
    for (String field : all(kept, "vary").split(",")) {
      String f = field.trim().toLowerCase(Locale.ROOT);
      if (!f.isEmpty()) {
        vary.put(f, all(requestHeaders, f));
      }
    }
    return new Entry(status, statusText, List.copyOf(kept), body, manual, Map.copyOf(vary), now, age,
        TimeUnit.SECONDS.toNanos(Math.min(ttl, TimeUnit.NANOSECONDS.toSeconds(Long.MAX_VALUE / 2))));
  }

  /** The answer to a GET of {@code url} from the stored response, or null when there is none that fits. */
  Hit match(String cache, String url, List<String> requestHeaders) {
    Entry e = entries == null ? null : entries.getIfPresent(new Key(cache, url));
    if (e == null) {
      misses.increment();
      return null;
    }
    for (Map.Entry<String, String> v : e.vary().entrySet()) {
      if (!v.getValue().equals(all(requestHeaders, v.getKey()))) {
        misses.increment(); // stored for other values of a Vary field: not this request's answer
        return null;
      }
    }
    hits.increment();
    long age = e.initialAgeSeconds() + Math.max(0, (System.currentTimeMillis() - e.storedMillis()) / 1000);
    List<String> headers = new ArrayList<>(e.headers().size() + 4);
    for (int i = 0; i + 1 < e.headers().size(); i += 2) {
      String name = e.headers().get(i);
      if (!name.equals("age") && !name.equals("cf-cache-status")) {
        headers.add(name);
        headers.add(e.headers().get(i + 1));
      }
    }
    headers.addAll(List.of("cf-cache-status", "HIT", "age", Long.toString(age)));
    if (e.status() == 200 && notModified(e, requestHeaders)) {
      List<String> short304 = new ArrayList<>();
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        if (NOT_MODIFIED_FIELDS.contains(headers.get(i)) || headers.get(i).equals("cf-cache-status")
            || headers.get(i).equals("age")) {
          short304.add(headers.get(i));
          short304.add(headers.get(i + 1));
        }
      }
      return new Hit(304, "", short304, new byte[0], false);
    }
    String range = header(requestHeaders, "range");
    if (e.status() == 200 && range != null && ifRange(e, header(requestHeaders, "if-range"))) {
      long[] r = range(range, e.body().length);
      if (r != null && r.length == 0) {
        List<String> unsatisfiable = withoutLength(headers, true);
        unsatisfiable.addAll(List.of("content-range", "bytes */" + e.body().length));
        return new Hit(416, "", unsatisfiable, new byte[0], false);
      }
      if (r != null) {
        List<String> partial = withoutLength(headers, false);
        partial.addAll(List.of("content-range", "bytes " + r[0] + "-" + r[1] + "/" + e.body().length));
        return new Hit(206, "", partial, Arrays.copyOfRange(e.body(), (int) r[0], (int) r[1] + 1), e.manual());
      }
    }
    return new Hit(e.status(), e.statusText(), headers, e.body(), e.manual());
  }

  /** Removes the stored response to a GET of {@code url}; whether there was one. */
  boolean delete(String cache, String url) {
    return entries != null && entries.asMap().remove(new Key(cache, url)) != null;
  }

  /** RFC 9110, 13.1.2 and 13.1.3, as a cache evaluates them: If-None-Match first, else If-Modified-Since. */
  private static boolean notModified(Entry e, List<String> requestHeaders) {
    String inm = all(requestHeaders, "if-none-match");
    if (!inm.isEmpty()) {
      String etag = e.header("etag");
      if (inm.trim().equals("*")) {
        return true;
      }
      if (etag == null) {
        return false;
      }
      for (String tag : entityTags(inm)) {
        if (opaque(tag).equals(opaque(etag.trim()))) { // weak comparison
          return true;
        }
      }
      return false;
    }
    String ims = header(requestHeaders, "if-modified-since");
    String lm = e.header("last-modified");
    if (ims == null || lm == null) {
      return false;
    }
    Date since = DateFormatter.parseHttpDate(ims);
    Date modified = DateFormatter.parseHttpDate(lm);
    return since != null && modified != null && !modified.after(since);
  }

  /** If-Range (RFC 9110, 13.1.5): the range applies only if the validator is the stored one (strong comparison). */
  private static boolean ifRange(Entry e, String value) {
    if (value == null) {
      return true;
    }
    String v = value.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      String etag = e.header("etag");
      return etag != null && !v.startsWith("W/") && !etag.trim().startsWith("W/") && v.equals(etag.trim());
    }
    String lm = e.header("last-modified");
    Date date = DateFormatter.parseHttpDate(v);
    Date modified = lm == null ? null : DateFormatter.parseHttpDate(lm);
    return date != null && date.equals(modified);
  }

  /**
   * One byte range of {@code length} bytes: {first, last} when it can be served, an empty array when it cannot be
   * satisfied (416), null when the header is not one range of bytes (then the whole response is the answer, as
   * RFC 9110, 14.2 allows).
   */
  static long[] range(String header, long length) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    if (!a.chars().allMatch(Character::isDigit) || !b.chars().allMatch(Character::isDigit) || (a.isEmpty() && b.isEmpty())
        || a.length() > 18 || b.length() > 18) {
      return null;
    }
    if (a.isEmpty()) { // the last b bytes
      long n = Long.parseLong(b);
      return n == 0 || length == 0 ? new long[0] : new long[] {Math.max(0, length - n), length - 1};
    }
    long first = Long.parseLong(a);
    long last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
    if (!b.isEmpty() && Long.parseLong(b) < first) {
      return null; // not a valid range: ignored
    }
    return first >= length ? new long[0] : new long[] {first, last};
  }

  /** The headers without those that describe the whole body (and its type too, when no body is sent). */
  private static List<String> withoutLength(List<String> headers, boolean noBody) {
    List<String> out = new ArrayList<>(headers.size());
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String n = headers.get(i);
      if (!n.equals("content-length") && !n.equals("content-range") && !(noBody && n.equals("content-type"))) {
        out.add(n);
        out.add(headers.get(i + 1));
      }
    }
    return out;
  }

  /** The freshness lifetime in seconds (RFC 9111, 4.2.1, shared cache), else Cloudflare's default for the status. */
  private static long freshness(Map<String, String> cc, List<String> headers, int status, long nowMillis) {
    if (cc.containsKey("s-maxage")) {
      return deltaSeconds(cc.get("s-maxage"), 0);
    }
    if (cc.containsKey("max-age")) {
      return deltaSeconds(cc.get("max-age"), 0);
    }
    String expires = header(headers, "expires");
    if (expires != null) {
      Date at = DateFormatter.parseHttpDate(expires);
      if (at == null) {
        return 0; // an invalid date means already expired (RFC 9111, 5.3)
      }
      String dateHeader = header(headers, "date");
      Date date = dateHeader == null ? null : DateFormatter.parseHttpDate(dateHeader);
      return (at.getTime() - (date == null ? nowMillis : date.getTime())) / 1000;
    }
    return DEFAULT_TTL.getOrDefault(status, 0L);
  }

  /** A delta-seconds value; {@code fallback} when it is not one. Very large values saturate. */
  private static long deltaSeconds(String v, long fallback) {
    if (v == null || v.isEmpty() || !v.chars().allMatch(Character::isDigit)) {
      return fallback;
    }
    return v.length() > 12 ? 999_999_999_999L : Long.parseLong(v);
  }

  /** Cache-Control directives by lowercase name, each with its value unquoted, or null when it has none. */
  static Map<String, String> directives(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : splitOutsideQuotes(value)) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? null : p.substring(eq + 1).trim();
      if (v != null && v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        v = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
      }
      out.putIfAbsent(name, v);
    }
    return out;
  }

  /** The entity tags of an If-None-Match list ({@code W/"a", "b"}); commas inside quotes do not split. */
  private static List<String> entityTags(String list) {
    List<String> tags = new ArrayList<>();
    for (String t : splitOutsideQuotes(list)) {
      if (!t.isBlank()) {
        tags.add(t.trim());
      }
    }
    return tags;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  private static List<String> splitOutsideQuotes(String value) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == ',' && !quoted) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    return parts;
  }

  /** The first value of {@code name} (lowercase) in a flat list, or null. */
  static String header(List<String> flat, String name) {
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (flat.get(i).equalsIgnoreCase(name)) {
        return flat.get(i + 1);
      }
    }
    return null;
  }

  /** Every value of {@code name} in a flat list, joined with ", " as one field; "" when there is none. */
  static String all(List<String> flat, String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (flat.get(i).equalsIgnoreCase(name)) {
        if (b.length() > 0) {
          b.append(", ");
        }
        b.append(flat.get(i + 1));
      }
    }
    return b.toString();
  }
}
