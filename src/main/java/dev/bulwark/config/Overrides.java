package dev.bulwark.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Applies {@code BULWARK_*} environment variables and {@code -Dbulwark.*} system properties to the configuration
 * tree, in that order (so a system property wins over a variable, which wins over the file).
 *
 * <p>The rest of the name is a key path: {@code BULWARK_ADMIN_ADDRESS} and {@code -Dbulwark.admin.address} set
 * {@code admin.address}. Keys match case-insensitively and a multi-word key may be written with separators
 * ({@code BULWARK_HTTP_MAX_HEADER_BYTES} sets {@code http.maxHeaderBytes}); list entries are picked by their
 * {@code name} ({@code BULWARK_SERVICES_HELLO_INSTANCES}) or index. A name that matches no key is a config error.
 */
public final class Overrides {
  private static final Map<String, Set<String>> KEYS = Map.of(
      "", ConfigParser.ROOT_KEYS,
      "socket", ConfigParser.SOCKET_KEYS,
      "route", ConfigParser.ROUTE_KEYS,
      "service", ConfigParser.SERVICE_KEYS,
      "fetch", ConfigParser.FETCH_KEYS,
      "cache", ConfigParser.CACHE_KEYS,
      "binding", ConfigParser.BINDING_KINDS,
      "http", ConfigParser.HTTP_KEYS,
      "admin", ConfigParser.ADMIN_KEYS);

  private Overrides() {
  }

  /**
   * The tree with the overrides applied, and which variable or property set each key path it changed (as the parser
   * names keys, e.g. {@code services[1].instances} set by {@code BULWARK_SERVICES_ECHO_INSTANCES}), so that a
   * problem with such a value points at where it came from rather than at a file that does not contain it.
   */
  public record Applied(JsonObject tree, Map<String, String> setBy) {
  }

  /**
   * Applies every override found in the environment and in the system properties. Problems name the variable or
   * property.
   */
  public static Applied apply(JsonObject tree, Map<String, String> env, Map<String, String> sysProps) {
    List<String> problems = new ArrayList<>();
    Map<String, String> setBy = new LinkedHashMap<>();
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith("BULWARK_") && e.getKey().length() > 8)
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> set(tree, e.getKey(), e.getKey().substring(8).split("_"), e.getValue(), problems, setBy));
    sysProps.entrySet().stream()
        .filter(e -> e.getKey().startsWith("bulwark.") && e.getKey().length() > 8)
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> set(tree, "-D" + e.getKey(), e.getKey().substring(8).split("[._]"), e.getValue(), problems,
            setBy));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Applied(tree, Map.copyOf(setBy));
  }

  private static void set(JsonObject tree, String origin, String[] segments, String value, List<String> problems,
                          Map<String, String> setBy) {
    List<String> segs = Arrays.stream(segments).filter(s -> !s.isEmpty()).toList();
    Object node = tree;
    String kind = "";
    StringBuilder path = new StringBuilder();
    int i = 0;
    while (i < segs.size()) {
      if (node instanceof JsonObject obj) {
        // A service's bindings are named by the user: the names here are the ones the file gives.
        Set<String> known = kind.equals("bindings") ? obj.fieldNames() : KEYS.getOrDefault(kind, Set.of());
        String matched = null;
        int used = 0;
        StringBuilder joined = new StringBuilder();
        for (int j = i; j < segs.size(); j++) {
          joined.append(normalize(segs.get(j))); // -Dbulwark.http.idle-timeout as -Dbulwark.http.idleTimeout
          for (String key : known) {
            if (normalize(key).equals(joined.toString())) {
              matched = key;
              used = j - i + 1;
            }
          }
          if (matched != null) {
            break;
          }
        }
        if (matched == null) {
          problems.add(origin + ": no configuration key matches '" + String.join(".", segs.subList(i, segs.size()))
              + "'" + (known.isEmpty() ? "" : "; keys here are " + new java.util.TreeSet<>(known)));
          return;
        }
        i += used;
        path.append(path.length() == 0 ? "" : ".").append(matched);
        if (i == segs.size()) {
          Object set = value;
          if (kind.equals("binding")) {
            obj.clear(); // a binding is one kind: {text: x} replaces {json: ...}
            if (matched.equals("json")) {
              // ..._BINDINGS_SETTINGS_JSON='{"retries":7}' is the parsed value, as `json:` in the file is.
              try {
                set = io.vertx.core.json.Json.decodeValue(value);
              } catch (io.vertx.core.json.DecodeException e) {
                problems.add(origin + ": not valid JSON for the json binding " + path + ": " + e.getMessage());
                return;
              }
            }
          }
          // BULWARK_SERVICES_ECHO_BINDINGS_GREETING=Hi sets the binding's text.
          obj.put(matched, kind.equals("bindings") ? new JsonObject().put("text", value) : set);
          setBy.put(path.toString() + (kind.equals("bindings") ? ".text" : ""), origin);
          return;
        }
        Object child = obj.getValue(matched);
        if (child == null) {
          child = matched.equals("sockets") || matched.equals("services") || matched.equals("routes") ? new JsonArray()
              : new JsonObject();
          obj.put(matched, child);
        }
        kind = kind.equals("bindings") ? "binding" : switch (matched) {
          case "sockets" -> "socket";
          case "services" -> "service";
          case "routes" -> "route";
          default -> matched;
        };
        node = child;
      } else if (node instanceof JsonArray arr) {
        String seg = segs.get(i);
        Object entry = null;
        int index = -1;
        if (seg.matches("\\d+") && Integer.parseInt(seg) < arr.size()) {
          index = Integer.parseInt(seg);
          entry = arr.getValue(index);
        } else {
          // Entry names may themselves contain '_' or '-': try the longest run of segments first.
          for (int j = segs.size() - 1; j >= i && entry == null; j--) {
            String candidate = normalize(String.join("", segs.subList(i, j + 1)));
            for (int k = 0; k < arr.size(); k++) {
              if (arr.getValue(k) instanceof JsonObject o && o.getValue("name") instanceof String n
                  && normalize(n).equals(candidate)) {
                entry = o;
                index = k;
                i = j;
                break;
              }
            }
          }
        }
        if (entry == null) {
          problems.add(origin + ": no entry named or numbered '" + seg + "' in the list");
          return;
        }
        path.append('[').append(index).append(']');
        node = entry;
        i++;
      } else {
        problems.add(origin + ": '" + segs.get(i - 1) + "' is a value, not a section");
        return;
      }
    }
    problems.add(origin + ": names a section, not a value");
  }

  private static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }
}
