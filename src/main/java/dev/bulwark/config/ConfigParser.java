package dev.bulwark.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one validating factory of {@link RuntimeConfig}: turns the configuration tree (YAML as JSON) into records,
 * collecting every problem with its key path rather than stopping at the first.
 */
public final class ConfigParser {
  static final Set<String> ROOT_KEYS = Set.of("sockets", "services", "http", "admin");
  static final Set<String> SOCKET_KEYS = Set.of("name", "address", "service", "routes", "backlog");
  static final Set<String> ROUTE_KEYS = Set.of("host", "path", "service");
  static final Set<String> SERVICE_KEYS =
      Set.of("name", "source", "class", "instances", "bindings", "maxBodyBytes", "maxInFlight", "timeout", "cpuBudget",
          "wallBudget", "fetch", "cache");
  static final Set<String> FETCH_KEYS = Set.of("allow", "maxSubrequests", "maxResponseBytes", "connectTimeout", "timeout");
  static final Set<String> CACHE_KEYS = Set.of("maxBytes");
  static final Set<String> HTTP_KEYS =
      Set.of("maxHeaderBytes", "maxInitialLineBytes", "idleTimeout", "eventLoops", "shutdownGrace", "bodyTimeout",
          "deferAccept");
  static final Set<String> ADMIN_KEYS = Set.of("address", "vertxMetrics");
  static final Set<String> BINDING_KINDS = Set.of("text", "json", "secret", "service");

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final int NAME_MAX_LENGTH = 63;
  /** A path a request can have: RFC 3986 pchars and '/', with '%' only as an escape. */
  private static final Pattern PATH_PREFIX = Pattern.compile("(/|[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+");
  private static final Pattern BINDING_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  private final String origin;
  private final Map<String, String> setBy;
  private final Map<String, String> environment;
  private final List<String> problems = new ArrayList<>();
  private final ConfigValues values = new ConfigValues(this::problem);
  /** Service bindings seen so far (key path, target service), checked once every service is known. */
  private final List<Map.Entry<String, String>> serviceBindings = new ArrayList<>();

  private ConfigParser(String origin, Map<String, String> environment, Map<String, String> setBy) {
    this.origin = origin;
    this.setBy = setBy;
    this.environment = environment;
  }

  /** Parses and validates; throws {@link ConfigException} listing every problem. */
  public static RuntimeConfig parse(JsonObject tree, String origin) {
    return parse(tree, origin, System.getenv());
  }

  /** As {@link #parse(JsonObject, String)}, reading secret bindings from {@code environment}. */
  public static RuntimeConfig parse(JsonObject tree, String origin, Map<String, String> environment) {
    return parse(tree, origin, environment, Map.of());
  }

  /**
   * As {@link #parse(JsonObject, String, Map)}; a problem with a key in {@code setBy} (key path to the variable or
   * property that set it, see {@link Overrides}) also names where its value came from.
   */
  public static RuntimeConfig parse(JsonObject tree, String origin, Map<String, String> environment,
                                    Map<String, String> setBy) {
    ConfigParser p = new ConfigParser(origin, environment, setBy);
    RuntimeConfig config = p.root(tree);
    if (!p.problems.isEmpty()) {
      throw new ConfigException(p.problems);
    }
    return config;
  }

  private RuntimeConfig root(JsonObject tree) {
    unknownKeys(tree, ROOT_KEYS, "");
    List<ServiceConfig> services = new ArrayList<>();
    // Every service the file names, valid or not: a route or binding to one with problems of its own is not a
    // second problem ("no service is named 'api'" beside what is wrong with service 'api' would mislead).
    Set<String> named = new java.util.TreeSet<>();
    JsonArray servicesJson = array(tree, "services", "");
    if (servicesJson == null || servicesJson.isEmpty()) {
      problem("services", "at least one service is required");
    } else {
      for (int i = 0; i < servicesJson.size(); i++) {
        JsonObject s = object(servicesJson.getValue(i), "services[" + i + "]");
        if (s != null) {
          service(s, "services[" + i + "]").ifPresent(services::add);
          if (s.getValue("name") instanceof String n) {
            named.add(n);
          }
        }
      }
    }
    Set<String> serviceNames = new HashSet<>();
    for (ServiceConfig s : services) {
      if (!serviceNames.add(s.name())) {
        problem("services", "two services are named '" + s.name() + "'");
      }
    }
    for (Map.Entry<String, String> b : serviceBindings) {
      if (!named.contains(b.getValue())) {
        problem(b.getKey(), "no service is named '" + b.getValue() + "'; services are " + named);
      }
    }
    for (ServiceConfig s : services) {
      if (!(s.handler() instanceof HandlerSource.Script)
          && s.bindings().values().stream().anyMatch(ServiceBinding.class::isInstance)) {
        problem("services", "service '" + s.name() + "': service bindings are for JavaScript workers; a Java handler "
            + "can call another service with vertx.eventBus().request(\"bulwark.worker.<name>\", request)");
      }
    }
    List<SocketConfig> sockets = new ArrayList<>();
    JsonArray socketsJson = array(tree, "sockets", "");
    if (socketsJson == null || socketsJson.isEmpty()) {
      problem("sockets", "at least one socket is required");
    } else {
      for (int i = 0; i < socketsJson.size(); i++) {
        JsonObject s = object(socketsJson.getValue(i), "sockets[" + i + "]");
        if (s != null) {
          socket(s, "sockets[" + i + "]", named, i).ifPresent(sockets::add);
        }
      }
    }
    for (int i = 0; i < sockets.size(); i++) {
      SocketConfig s = sockets.get(i);
      for (int j = 0; j < i; j++) {
        SocketConfig earlier = sockets.get(j);
        if (earlier.name().equals(s.name())) {
          problem("sockets", "two sockets are named '" + s.name() + "'");
        } else if (earlier.address().overlaps(s.address())) {
          problem("sockets", "sockets '" + earlier.name() + "' (" + earlier.address() + ") and '" + s.name() + "' ("
              + s.address() + ") would share a port: each would get some of the other's connections");
        }
      }
    }
    HttpConfig http = http(tree);
    Optional<ListenAddress> admin = admin(tree);
    admin.ifPresent(a -> sockets.stream().filter(s -> s.address().overlaps(a)).forEach(s ->
        problem("admin.address", "'" + a + "' would share a port with socket '" + s.name() + "' (" + s.address()
            + "): the admin listener needs a port of its own, apart from user traffic")));
    return new RuntimeConfig(origin, sockets, services, http, admin, vertxMetrics(tree));
  }

  private Optional<ServiceConfig> service(JsonObject s, String path) {
    unknownKeys(s, SERVICE_KEYS, path + ".");
    String name = name(s, path);
    Object source = s.getValue("source");
    Object className = s.getValue("class");
    HandlerSource handler = null;
    if (source != null && className != null) {
      problem(path, "give either 'source' (a .java, .js or .mjs file) or 'class' (a class name), not both");
    } else if (source instanceof String file && !file.isBlank()) {
      if (file.endsWith(".java")) {
        handler = new HandlerSource.SourceFile(Path.of(file));
      } else if (file.endsWith(".js") || file.endsWith(".mjs") || file.endsWith(".cjs")) {
        handler = new HandlerSource.Script(Path.of(file));
      } else {
        problem(path + ".source", "'" + file + "' is neither a Java source file (.java) nor a JavaScript worker (.js, .mjs)");
      }
    } else if (className instanceof String cls && !cls.isBlank()) {
      if (!cls.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.$]*")) {
        problem(path + ".class", "'" + cls + "' is not a Java class name");
      }
      handler = new HandlerSource.ClassName(cls);
    } else if (source != null || className != null) {
      problem(path + "." + (source != null ? "source" : "class"), "must be a non-empty string");
    } else {
      problem(path, "needs 'source: verticles/Name.java', 'source: verticles/worker.js' or 'class: com.example.Name'");
    }
    int defaultInstances = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    int instances = values.integer(s, "instances", path, 1, 1024, defaultInstances);
    long maxBody = values.size(s, "maxBodyBytes", path, 0, Integer.MAX_VALUE - 1024, Limits.DEFAULT.maxBodyBytes());
    int maxInFlight = values.integer(s, "maxInFlight", path, 1, 1_000_000, Limits.DEFAULT.maxInFlight());
    Duration timeout = values.duration(s, "timeout", path, Limits.DEFAULT.timeout());
    if (timeout.isZero()) {
      problem(path + ".timeout", "must be more than 0");
    }
    Duration cpuBudget = values.duration(s, "cpuBudget", path, Limits.DEFAULT.cpuBudget());
    Duration wallBudget = values.duration(s, "wallBudget", path, Limits.DEFAULT.wallBudget());
    for (String key : List.of("cpuBudget", "wallBudget")) {
      if (s.containsKey(key) && handler != null && !(handler instanceof HandlerSource.Script)) {
        problem(path + "." + key, "applies to JavaScript workers only (a Java handler may block; use 'timeout')");
      }
    }
    if (cpuBudget.isZero()) {
      problem(path + ".cpuBudget", "must be more than 0");
    }
    if (wallBudget.isZero()) {
      problem(path + ".wallBudget", "must be more than 0");
    }
    Map<String, Object> bindings = bindings(s.getValue("bindings"), path + ".bindings");
    FetchConfig fetch = FetchConfig.DEFAULT;
    if (s.containsKey("fetch")) {
      if (handler != null && !(handler instanceof HandlerSource.Script)) {
        problem(path + ".fetch", "applies to JavaScript workers only (a Java handler makes its own HTTP calls)");
      }
      fetch = fetch(s.getValue("fetch"), path + ".fetch");
    }
    CacheConfig cache = CacheConfig.DEFAULT;
    if (s.containsKey("cache")) {
      if (handler != null && !(handler instanceof HandlerSource.Script)) {
        problem(path + ".cache", "applies to JavaScript workers only (the Cache API, caches.default)");
      }
      JsonObject c = object(s.getValue("cache"), path + ".cache");
      if (c != null) {
        unknownKeys(c, CACHE_KEYS, path + ".cache.");
        cache = new CacheConfig(values.size(c, "maxBytes", path + ".cache", 0, 1L << 40, cache.maxBytes()));
      }
    }
    if (name == null || handler == null) {
      return Optional.empty();
    }
    return Optional.of(new ServiceConfig(name, handler, instances, bindings,
        new Limits(maxBody, maxInFlight, timeout, cpuBudget, wallBudget), fetch, cache));
  }

  private FetchConfig fetch(Object value, String path) {
    JsonObject f = object(value, path);
    if (f == null) {
      return FetchConfig.DEFAULT;
    }
    unknownKeys(f, FETCH_KEYS, path + ".");
    FetchConfig d = FetchConfig.DEFAULT;
    List<String> allow = null;
    if (f.containsKey("allow")) {
      JsonArray list = array(f, "allow", path + ".");
      allow = new ArrayList<>();
      for (int i = 0; list != null && i < list.size(); i++) {
        Object entry = list.getValue(i);
        String problem = entry instanceof String text ? FetchConfig.checkPattern(text) : "must be a string";
        if (problem != null) {
          problem(path + ".allow[" + i + "]", problem);
        } else {
          allow.add(((String) entry).trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    int maxSubrequests = values.integer(f, "maxSubrequests", path, 0, 100_000, d.maxSubrequests());
    long maxResponseBytes = values.size(f, "maxResponseBytes", path, 0, Integer.MAX_VALUE - 8, d.maxResponseBytes());
    Duration connectTimeout = values.duration(f, "connectTimeout", path, d.connectTimeout());
    Duration timeout = values.duration(f, "timeout", path, d.timeout());
    if (connectTimeout.isZero()) {
      problem(path + ".connectTimeout", "must be more than 0");
    }
    if (timeout.isZero()) {
      problem(path + ".timeout", "must be more than 0");
    }
    return new FetchConfig(allow, maxSubrequests, maxResponseBytes, connectTimeout, timeout);
  }

  private Map<String, Object> bindings(Object value, String path) {
    Map<String, Object> bindings = new LinkedHashMap<>();
    if (value == null) {
      return bindings;
    }
    if (!(value instanceof JsonObject obj)) {
      problem(path, "must be a map of NAME: {text|json|secret: ...}");
      return bindings;
    }
    for (String name : obj.fieldNames()) {
      String p = path + "." + name;
      if (!isBindingName(name)) {
        problem(p, "binding names must be identifiers (letters, digits, _ and $)");
        continue;
      }
      Object b = obj.getValue(name);
      if (!(b instanceof JsonObject kind) || kind.size() != 1) {
        problem(p, "must have exactly one of text, json, secret or service, e.g. {text: \"hello\"}");
        continue;
      }
      String k = kind.fieldNames().iterator().next();
      Object v = kind.getValue(k);
      switch (k) {
        case "text" -> {
          if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            bindings.put(name, String.valueOf(v));
          } else {
            problem(p + ".text", "must be a string");
          }
        }
        case "json" -> {
          if (v == null) {
            problem(p + ".json", "must be a value (an object, a list, a string, a number or a boolean), got nothing");
          } else {
            bindings.put(name, v);
          }
        }
        case "secret" -> {
          if (!(v instanceof String var) || var.isBlank()) {
            problem(p + ".secret", "must name an environment variable");
          } else if (environment.get(var) == null) {
            problem(p + ".secret", "environment variable '" + var + "' is not set");
          } else {
            bindings.put(name, environment.get(var));
          }
        }
        case "service" -> {
          if (!(v instanceof String target) || target.isBlank()) {
            problem(p + ".service", "must name another service of this config");
          } else {
            bindings.put(name, new ServiceBinding(target));
            serviceBindings.add(Map.entry(p + ".service", target));
          }
        }
        default -> problem(p, "unknown binding kind '" + k + "'; expected one of " + BINDING_KINDS);
      }
    }
    return bindings;
  }

  private Optional<SocketConfig> socket(JsonObject s, String path, Set<String> services, int index) {
    unknownKeys(s, SOCKET_KEYS, path + ".");
    String name = s.containsKey("name") ? name(s, path) : "socket" + index;
    ListenAddress address = null;
    Object a = s.getValue("address");
    if (!(a instanceof String text)) {
      problem(path + ".address", a == null ? "is required, e.g. localhost:8080" : "must be a string like localhost:8080");
    } else {
      address = listenAddress(text, path + ".address");
    }
    List<RouteConfig> routes = new ArrayList<>();
    Object service = s.getValue("service");
    JsonArray routesJson = s.getValue("routes") instanceof JsonArray r ? r : null;
    if (service != null && s.containsKey("routes")) {
      problem(path, "give either 'service' or 'routes', not both");
    } else if (service != null) {
      routes.add(route(new JsonObject().put("service", service), path, services));
    } else if (routesJson != null && !routesJson.isEmpty()) {
      for (int i = 0; i < routesJson.size(); i++) {
        JsonObject r = object(routesJson.getValue(i), path + ".routes[" + i + "]");
        if (r != null) {
          unknownKeys(r, ROUTE_KEYS, path + ".routes[" + i + "].");
          routes.add(route(r, path + ".routes[" + i + "]", services));
        }
      }
    } else if (services.size() == 1) {
      routes.add(new RouteConfig(null, "/", services.iterator().next()));
    } else if (services.isEmpty()) {
      return Optional.empty(); // no valid service to route to: the services' own problems say why
    } else {
      problem(path, "needs 'service: NAME' or 'routes: [...]' when there is more than one service");
    }
    for (int i = 0; i < routes.size(); i++) {
      for (int j = 0; j < i; j++) {
        RouteConfig r = routes.get(i);
        RouteConfig earlier = routes.get(j);
        if (java.util.Objects.equals(r.host(), earlier.host()) && r.pathPrefix().equals(earlier.pathPrefix())) {
          problem(path + ".routes[" + i + "]", "matches the same requests as routes[" + j + "] (host "
              + (r.host() == null ? "any" : r.host()) + ", path " + r.pathPrefix() + "), which would always win");
        }
      }
    }
    int backlog = values.integer(s, "backlog", path, 1, 1 << 20, SocketConfig.DEFAULT_BACKLOG);
    if (name == null || address == null) {
      return Optional.empty();
    }
    return Optional.of(new SocketConfig(name, address, routes, backlog));
  }

  private RouteConfig route(JsonObject r, String path, Set<String> services) {
    String service = r.getValue("service") instanceof String s ? s : null;
    if (service == null) {
      problem(path + ".service", "is required and must name a service");
    } else if (!services.contains(service)) {
      problem(path + ".service", "no service is named '" + service + "'; services are " + services);
    }
    String host = null;
    if (r.containsKey("host")) {
      if (r.getValue("host") instanceof String h && !h.isBlank() && !h.contains("/")) {
        String t = h.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("[") && t.endsWith("]")) {
          t = t.substring(1, t.length() - 1); // routing compares the Host field's host without its brackets
        }
        host = t; // also when refused below: the route is not taken for a catch-all that others would repeat
        if (t.contains(":") && !io.netty.util.NetUtil.isValidIpV6Address(t)) {
          // Before: accepted, and never matched, since a Host field's port is not part of what routes compare.
          problem(path + ".host", "'" + h + "' has a port; a route's host matches whatever the port, so write '"
              + t.substring(0, t.lastIndexOf(':')) + "'");
        } else if (!t.chars().allMatch(c -> c > ' ' && c < 0x7F)) {
          problem(path + ".host", "'" + h + "' must be ASCII; write an internationalized name in its xn-- form, as"
              + " clients send it");
        } else if (t.equals("*")) {
          host = null;
        }
      } else {
        problem(path + ".host", "must be a host name like api.example.com");
      }
    }
    String prefix = "/";
    if (r.containsKey("path")) {
      if (r.getValue("path") instanceof String p && p.startsWith("/")) {
        prefix = normalizedPrefix(p);
        if (!PATH_PREFIX.matcher(prefix).matches()) {
          problem(path + ".path", "'" + p + "' can never match a request: a path prefix has only the characters of"
              + " a URL path (letters, digits, / and -._~!$&'()*+,;=:@), a '%' only before two hex digits");
        }
      } else {
        problem(path + ".path", "must be a path prefix starting with /");
      }
    }
    return new RouteConfig(host, prefix, service);
  }

  /**
   * A path prefix in the form a request path is matched in (vertx-web's normalized path, RFC 3986, 6.2.2): an
   * unreserved character percent-encoded ({@code %7E}) as itself ({@code ~}), any other encoding with upper-case hex
   * digits, and a non-ASCII character as its percent-encoded UTF-8, which is how a browser sends it. Anything else is
   * left for the check that follows, so that the problem quotes what was written.
   */
  static String normalizedPrefix(String p) {
    StringBuilder out = new StringBuilder(p.length() + 8);
    for (int i = 0; i < p.length(); ) {
      int c = p.codePointAt(i);
      if (c == '%' && i + 2 < p.length() && isHex(p.charAt(i + 1)) && isHex(p.charAt(i + 2))) {
        int b = Character.digit(p.charAt(i + 1), 16) * 16 + Character.digit(p.charAt(i + 2), 16);
        if (b < 0x80 && (Character.isLetterOrDigit(b) || b == '-' || b == '.' || b == '_' || b == '~')) {
          out.append((char) b);
        } else {
          out.append('%').append(p.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
        }
        i += 3;
        continue;
      }
      if (c >= 0x80 && Character.getType(c) != Character.SURROGATE && !Character.isISOControl(c)
          && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
      } else if (c >= 0x80) {
        return p; // a space, control or broken character: refused as written
      } else {
        out.append((char) c);
      }
      i += Character.charCount(c);
    }
    return out.toString();
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private HttpConfig http(JsonObject tree) {
    JsonObject h = tree.containsKey("http") ? object(tree.getValue("http"), "http") : new JsonObject();
    if (h == null) {
      return HttpConfig.DEFAULT;
    }
    unknownKeys(h, HTTP_KEYS, "http.");
    HttpConfig d = HttpConfig.DEFAULT;
    return new HttpConfig(
        (int) values.size(h, "maxHeaderBytes", "http", 256, 1024 * 1024, d.maxHeaderBytes()),
        (int) values.size(h, "maxInitialLineBytes", "http", 64, 1024 * 1024, d.maxInitialLineBytes()),
        positive(h, "idleTimeout", d.idleTimeout(), "it is what closes idle and slowloris connections"),
        values.integer(h, "eventLoops", "http", 0, 1024, d.eventLoopInstances()),
        values.duration(h, "shutdownGrace", "http", d.shutdownGrace()),
        positive(h, "bodyTimeout", d.bodyTimeout(), "a request body must arrive within some time"),
        deferAccept(h, d.deferAccept()));
  }

  /** A timeout of the http section that cannot be off: 0 would mean no timer at all (before: a hang, or none). */
  private Duration positive(JsonObject h, String key, Duration fallback, String why) {
    Duration d = values.duration(h, key, "http", fallback);
    if (d.toMillis() < 1) {
      problem("http." + key, "must be at least 1ms (" + why + "), got '" + h.getValue(key) + "'");
      return fallback;
    }
    return d;
  }

  /** The kernel counts TCP_DEFER_ACCEPT in whole seconds. */
  private Duration deferAccept(JsonObject h, Duration fallback) {
    Duration d = values.duration(h, "deferAccept", "http", fallback);
    if (d.toMillis() % 1000 != 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
      problem("http.deferAccept", "must be whole seconds from 0 (off) to 10m, like 1s, got '"
          + h.getValue("deferAccept") + "'");
      return fallback;
    }
    return d;
  }

  private Optional<ListenAddress> admin(JsonObject tree) {
    if (isOff(tree.getValue("admin"))) {
      return Optional.empty(); // "admin: off", as the README's "address: ... # or off" reads one level up
    }
    JsonObject a = tree.containsKey("admin") ? object(tree.getValue("admin"), "admin") : new JsonObject();
    if (a == null) {
      return Optional.empty();
    }
    unknownKeys(a, ADMIN_KEYS, "admin.");
    Object address = a.getValue("address", "127.0.0.1:9090");
    if (isOff(address)) {
      return Optional.empty();
    }
    if (!(address instanceof String text)) {
      problem("admin.address", "must be an address like 127.0.0.1:9090, or off");
      return Optional.empty();
    }
    return Optional.ofNullable(listenAddress(text, "admin.address"));
  }

  /** {@code text} as the address of {@code key}, or null with its problem reported. */
  private ListenAddress listenAddress(String text, String key) {
    try {
      ListenAddress address = ListenAddress.parse(text);
      String hostProblem = address.hostProblem();
      if (hostProblem == null) {
        return address;
      }
      problem(key, hostProblem);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
    }
    return null;
  }

  /** YAML's false (an unquoted off, no or false) or the text off or false. */
  private static boolean isOff(Object v) {
    return v instanceof Boolean b && !b
        || v instanceof String t && (t.trim().equalsIgnoreCase("off") || t.trim().equalsIgnoreCase("false"));
  }

  private RuntimeConfig.VertxMetrics vertxMetrics(JsonObject tree) {
    Object v = tree.getValue("admin") instanceof JsonObject a ? a.getValue("vertxMetrics") : null;
    if (v == null) {
      return RuntimeConfig.VertxMetrics.BASIC;
    }
    if (v instanceof Boolean b && !b) {
      return RuntimeConfig.VertxMetrics.OFF; // YAML reads an unquoted "off" as false
    }
    try {
      return RuntimeConfig.VertxMetrics.valueOf(String.valueOf(v).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem("admin.vertxMetrics", "must be off, basic or full, got '" + v + "'");
      return RuntimeConfig.VertxMetrics.BASIC;
    }
  }

  private String name(JsonObject s, String path) {
    Object n = s.getValue("name");
    if (!(n instanceof String name)) {
      problem(path + ".name", n == null ? "is required"
          : "must be text starting with a letter, got " + n + " (YAML reads that as a "
            + (n instanceof Number ? "number" : n instanceof Boolean ? "boolean" : "map or list") + ")");
      return null;
    }
    String problem = nameProblem(name);
    if (problem != null) {
      problem(path + ".name", problem);
      return null;
    }
    return name;
  }

  /** Whether {@code name} can name a binding: an identifier (letters, digits, _ and $, not starting with a digit). */
  public static boolean isBindingName(String name) {
    return BINDING_NAME.matcher(name).matches();
  }

  /** What is wrong with {@code name} as a service's or socket's name, or null when nothing is. */
  static String nameProblem(String name) {
    if (!NAME.matcher(name).matches()) {
      return "'" + name + "' must start with a letter and hold only letters, digits, - and _";
    }
    if (name.length() > NAME_MAX_LENGTH) {
      return "'" + name + "' is " + name.length() + " characters long; a name has at most " + NAME_MAX_LENGTH;
    }
    return null;
  }




  private JsonArray array(JsonObject o, String key, String prefix) {
    Object v = o.getValue(key);
    if (v == null || v instanceof JsonArray) {
      return (JsonArray) v;
    }
    problem(prefix + key, "must be a list (YAML '- ' items)");
    return null;
  }

  private JsonObject object(Object v, String path) {
    if (v instanceof JsonObject o) {
      return o;
    }
    problem(path, "must be a map of keys, got " + (v == null ? "nothing" : "'" + v + "'"));
    return null;
  }

  private void unknownKeys(JsonObject o, Set<String> known, String prefix) {
    for (String key : o.fieldNames()) {
      if (!known.contains(key)) {
        String hint = known.stream().filter(k -> k.equalsIgnoreCase(key) || ConfigValues.close(k, key)).findFirst()
            .map(k -> " (did you mean '" + k + "'?)").orElse("; expected one of " + new java.util.TreeSet<>(known));
        problem(prefix + key, "unknown key" + hint);
      }
    }
  }


  private void problem(String key, String message) {
    String by = setBy.get(key);
    problems.add(origin + ": " + key + (by == null ? "" : " (set by " + by + ")") + ": " + message);
  }
}
