package dev.bulwark.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bindings of a service, as configured under {@code services[].bindings} and with {@code --var NAME=VALUE}.
 * A text or secret binding is a {@link String}; a JSON binding is a {@link JsonObject}, {@link JsonArray},
 * String, Number or Boolean.
 */
public final class Env {
  private static final Env EMPTY = new Env(Map.of());

  private final Map<String, Object> bindings;

  private Env(Map<String, Object> bindings) {
    this.bindings = bindings;
  }

  public static Env empty() {
    return EMPTY;
  }

  /** Bindings by name; JSON values are copied so the handler cannot change what other instances see. */
  public static Env of(Map<String, ?> bindings) {
    Map<String, Object> copy = new LinkedHashMap<>();
    bindings.forEach((k, v) -> copy.put(k, immutableCopy(v)));
    return new Env(Collections.unmodifiableMap(copy));
  }

  public Optional<Object> get(String name) {
    Object v = bindings.get(name);
    return Optional.ofNullable(v instanceof JsonObject || v instanceof JsonArray ? copy(v) : v);
  }

  /** The text value of a binding; fails with the names that do exist when it is missing. */
  public String text(String name) {
    Object v = require(name);
    if (v instanceof String s) {
      return s;
    }
    return v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : String.valueOf(v);
  }

  /** The JSON object value of a binding. */
  public JsonObject json(String name) {
    Object v = require(name);
    if (v instanceof JsonObject o) {
      return o.copy();
    }
    throw new IllegalArgumentException("binding '" + name + "' is not a JSON object but " + kind(v)
        + (v instanceof JsonArray ? "; read it with jsonArray(name)" : "; read it with get(name) or text(name)"));
  }

  /** The JSON array value of a binding ({@code json: [1, 2]}). */
  public JsonArray jsonArray(String name) {
    Object v = require(name);
    if (v instanceof JsonArray a) {
      return a.copy();
    }
    throw new IllegalArgumentException("binding '" + name + "' is not a JSON array but " + kind(v)
        + (v instanceof JsonObject ? "; read it with json(name)" : "; read it with get(name) or text(name)"));
  }

  private static String kind(Object v) {
    return v instanceof JsonObject ? "an object" : v instanceof JsonArray ? "an array" : v instanceof String ? "text" : v instanceof Number ? "a number"
        : v instanceof Boolean ? "a boolean" : v.getClass().getSimpleName();
  }

  public Set<String> names() {
    return bindings.keySet();
  }

  public Map<String, Object> asMap() {
    Map<String, Object> copy = new LinkedHashMap<>();
    bindings.forEach((k, v) -> copy.put(k, copy(v)));
    return copy;
  }

  private Object require(String name) {
    Object v = bindings.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no binding named '" + name + "'; this service has " + bindings.keySet());
    }
    return v;
  }

  private static Object immutableCopy(Object v) {
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return new JsonObject(map).copy();
    }
    if (v instanceof java.util.List<?> l) {
      return new JsonArray(l).copy();
    }
    return copy(v);
  }

  private static Object copy(Object v) {
    if (v instanceof JsonObject o) {
      return o.copy();
    }
    if (v instanceof JsonArray a) {
      return a.copy();
    }
    return v;
  }

  @Override
  public String toString() {
    return "Env" + bindings.keySet();
  }
}
