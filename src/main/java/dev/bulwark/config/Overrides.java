package dev.bulwark.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
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
      "service", ConfigParser.SERVICE_KEYS,
      "http", ConfigParser.HTTP_KEYS,
      "admin", ConfigParser.ADMIN_KEYS);

  private Overrides() {
  }

  /**
   * Applies every override found in the environment and in the system properties. Problems name the variable or
   * property.
   */
  public static JsonObject apply(JsonObject tree, Map<String, String> env, Map<String, String> sysProps) {
    List<String> problems = new ArrayList<>();
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith("BULWARK_") && e.getKey().length() > 8)
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> set(tree, e.getKey(), e.getKey().substring(8).split("_"), e.getValue(), problems));
    sysProps.entrySet().stream()
        .filter(e -> e.getKey().startsWith("bulwark.") && e.getKey().length() > 8)
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> set(tree, "-D" + e.getKey(), e.getKey().substring(8).split("[._]"), e.getValue(), problems));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return tree;
  }

  private static void set(JsonObject tree, String origin, String[] segments, String value, List<String> problems) {
    List<String> segs = Arrays.stream(segments).filter(s -> !s.isEmpty()).toList();
    Object node = tree;
    String kind = "";
    int i = 0;
    while (i < segs.size()) {
      if (node instanceof JsonObject obj) {
        Set<String> known = KEYS.getOrDefault(kind, Set.of());
        String matched = null;
        int used = 0;
        StringBuilder joined = new StringBuilder();
        for (int j = i; j < segs.size(); j++) {
          joined.append(segs.get(j).toLowerCase(Locale.ROOT));
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
        if (i == segs.size()) {
          obj.put(matched, value);
          return;
        }
        Object child = obj.getValue(matched);
        if (child == null) {
          child = matched.equals("sockets") || matched.equals("services") ? new JsonArray() : new JsonObject();
          obj.put(matched, child);
        }
        kind = switch (matched) {
          case "sockets" -> "socket";
          case "services" -> "service";
          default -> matched;
        };
        node = child;
      } else if (node instanceof JsonArray arr) {
        String seg = segs.get(i);
        Object entry = null;
        if (seg.matches("\\d+") && Integer.parseInt(seg) < arr.size()) {
          entry = arr.getValue(Integer.parseInt(seg));
        } else {
          // Entry names may themselves contain '_' or '-': try the longest run of segments first.
          for (int j = segs.size() - 1; j >= i && entry == null; j--) {
            String candidate = normalize(String.join("", segs.subList(i, j + 1)));
            for (Object e : arr) {
              if (e instanceof JsonObject o && o.getValue("name") instanceof String n
                  && normalize(n).equals(candidate)) {
                entry = o;
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
