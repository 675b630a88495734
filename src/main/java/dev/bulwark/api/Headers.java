package dev.bulwark.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Immutable HTTP header fields: names compare case-insensitively, a name may repeat, and the order in which
 * fields were received or added is kept. "Modifying" methods return a new instance.
 */
public final class Headers {
  private static final Headers EMPTY = new Headers(List.of());
  /** The characters a field name may hold: RFC 9110 tchar (visible ASCII except delimiters). */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (char c = '!'; c < 127; c++) {
      TOKEN[c] = "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
  }

  private final List<Map.Entry<String, String>> fields;

  private Headers(List<Map.Entry<String, String>> fields) {
    this.fields = fields;
  }

  public static Headers empty() {
    return EMPTY;
  }

  /** Headers from name/value pairs: {@code Headers.of("content-type", "text/plain", "x-a", "1")}. */
  public static Headers of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Headers.of takes name/value pairs, got an odd number of arguments");
    }
    List<Map.Entry<String, String>> list = new ArrayList<>(namesAndValues.length / 2);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      list.add(field(namesAndValues[i], namesAndValues[i + 1]));
    }
    return new Headers(Collections.unmodifiableList(list));
  }

  /** Headers from fields in order; names and values are validated. */
  public static Headers of(List<Map.Entry<String, String>> fields) {
    return of(fields, fields.size());
  }

  /**
   * Headers from fields in order, such as a Vert.x {@code MultiMap} (iterated once, no intermediate list);
   * names and values are validated. {@code sizeHint} is how many fields there probably are.
   */
  public static Headers of(Iterable<Map.Entry<String, String>> fields, int sizeHint) {
    List<Map.Entry<String, String>> list = new ArrayList<>(Math.max(sizeHint, 0));
    for (Map.Entry<String, String> f : fields) {
      list.add(field(f.getKey(), f.getValue()));
    }
    return list.isEmpty() ? EMPTY : new Headers(Collections.unmodifiableList(list));
  }

  /** The first value of the field, if present. */
  public Optional<String> get(String name) {
    for (Map.Entry<String, String> f : fields) {
      if (f.getKey().equalsIgnoreCase(name)) {
        return Optional.of(f.getValue());
      }
    }
    return Optional.empty();
  }

  /** Every value of the field, in order. */
  public List<String> getAll(String name) {
    List<String> values = new ArrayList<>(1);
    for (Map.Entry<String, String> f : fields) {
      if (f.getKey().equalsIgnoreCase(name)) {
        values.add(f.getValue());
      }
    }
    return Collections.unmodifiableList(values);
  }

  public boolean contains(String name) {
    return get(name).isPresent();
  }

  /** Distinct names, lower-cased, in first-seen order. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, String> f : fields) {
      names.add(f.getKey().toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(names);
  }

  /** All fields in order, names as received. */
  public List<Map.Entry<String, String>> entries() {
    return fields;
  }

  public void forEach(BiConsumer<String, String> action) {
    for (Map.Entry<String, String> f : fields) {
      action.accept(f.getKey(), f.getValue());
    }
  }

  public int size() {
    return fields.size();
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  /** A copy with one more field, after the existing ones (repeats allowed). */
  public Headers with(String name, String value) {
    List<Map.Entry<String, String>> list = new ArrayList<>(fields.size() + 1);
    list.addAll(fields);
    list.add(field(name, value));
    return new Headers(Collections.unmodifiableList(list));
  }

  /** A copy where {@code name} has exactly this one value. */
  public Headers set(String name, String value) {
    return without(name).with(name, value);
  }

  /** A copy without any field of this name. */
  public Headers without(String name) {
    List<Map.Entry<String, String>> list = new ArrayList<>(fields.size());
    for (Map.Entry<String, String> f : fields) {
      if (!f.getKey().equalsIgnoreCase(name)) {
        list.add(f);
      }
    }
    return new Headers(Collections.unmodifiableList(list));
  }

  private static Map.Entry<String, String> field(String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "header value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 128 || !TOKEN[c]) {
        throw new IllegalArgumentException("invalid character in header name '" + name + "'");
      }
    }
    // RFC 9110, 5.5: visible characters, space and tab, and bytes 0x80-0xFF (obs-text, sent as ISO-8859-1).
    // Anything else would be refused by Netty's encoder while the response is written, long after the handler
    // returned, leaving the client without an answer; refused here, it is the handler's error, with its request id.
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < ' ' && c != '\t') || c == 0x7f) {
        throw new IllegalArgumentException("header '" + name + "' value contains control character U+"
            + String.format("%04X", (int) c) + (c == '\r' || c == '\n' ? " (CR or LF)" : ""));
      }
      if (c > 0xff) {
        throw new IllegalArgumentException("header '" + name + "' value has U+" + String.format("%04X", (int) c)
            + ", which is not a byte: field values are ISO-8859-1; percent-encode other text (or use RFC 8187)");
      }
    }
    return Map.entry(name, value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h && h.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
