package dev.bulwark.config;

import java.util.List;

/**
 * Where a socket listens, as written in config or on the command line, and the concrete hosts that means.
 *
 * <ul>
 *   <li>{@code localhost:P} binds both {@code 127.0.0.1} and {@code ::1}: a happy-eyeballs client (browsers,
 *   Node, bun) may pick either family, and must find the server on both.</li>
 *   <li>{@code *:P} binds every interface of both families ({@code ::} with dual-stack sockets).</li>
 *   <li>{@code 127.0.0.1:P}, {@code [::1]:P}, {@code 0.0.0.0:P}, {@code [::]:P} or any literal address bind as written.</li>
 * </ul>
 * Port 0 picks a free port; every host of one address then shares the port picked for the first.
 */
public record ListenAddress(String text, List<String> hosts, int port) {

  public ListenAddress {
    hosts = List.copyOf(hosts);
  }

  /** Parses an address; the message of the exception says what is wrong with it. */
  public static ListenAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("address is empty; expected HOST:PORT, e.g. localhost:8080");
    }
    String t = text.trim();
    String host;
    String portText;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("'" + t + "' is not [IPV6]:PORT");
      }
      host = t.substring(1, close);
      portText = t.substring(close + 2);
      if (!host.contains(":")) {
        throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address");
      }
    } else {
      int colon = t.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("'" + t + "' has no port; expected HOST:PORT, e.g. localhost:8080");
      }
      host = t.substring(0, colon);
      portText = t.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException("IPv6 address '" + host + "' must be in brackets, e.g. [::1]:8080");
      }
      if (host.isEmpty()) {
        throw new IllegalArgumentException("'" + t + "' has no host; use *:PORT for all interfaces");
      }
    }
    int port;
    try {
      if (!portText.matches("\\d{1,5}")) { // Integer.parseInt also takes "+8080"
        throw new NumberFormatException(portText);
      }
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + portText + "' in '" + t + "' is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " in '" + t + "' is outside 0-65535");
    }
    List<String> hosts = switch (host.toLowerCase(java.util.Locale.ROOT)) {
      case "localhost" -> List.of("127.0.0.1", "::1");
      case "*" -> List.of("::");
      default -> List.of(host);
    };
    return new ListenAddress(t, hosts, port);
  }

  /** True for {@code localhost}: the IPv6 half may be missing on hosts without IPv6, which is only a warning. */
  public boolean isLocalhost() {
    return hosts.size() == 2;
  }

  /** True for {@code *}: falls back to 0.0.0.0 when the machine has no IPv6. */
  public boolean isWildcard() {
    return text.startsWith("*");
  }

  /**
   * Whether this address and {@code other} would take the same port on some host: a fixed port (0 picks a free one)
   * that both name, on a host both name or where either is all interfaces. Vert.x shares one listening socket
   * between servers that ask for the same host and port, handing connections to each in turn, so two sockets (or a
   * socket and the admin listener) on one address would each get some of the other's clients.
   */
  public boolean overlaps(ListenAddress other) {
    if (port == 0 || port != other.port) {
      return false;
    }
    for (String h : hosts) {
      for (String o : other.hosts) {
        if (sameHost(h, o) || isAnyHost(h) || isAnyHost(o)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The same host, IP literals compared by value: {@code [::1]} and {@code [0:0:0:0:0:0:0:1]}, {@code 127.0.0.1} and
   * {@code [::ffff:127.0.0.1]}, are one address to the kernel, which refused the second bind at run time (exit 1)
   * after {@code check} had passed.
   */
  private static boolean sameHost(String a, String b) {
    java.net.InetAddress x = ip(a);
    java.net.InetAddress y = ip(b);
    return x != null && y != null ? x.equals(y) : a.equalsIgnoreCase(b);
  }

  private static boolean isAnyHost(String host) {
    java.net.InetAddress ip = ip(host);
    return ip != null && ip.isAnyLocalAddress();
  }

  /**
   * An IP literal as an address, null for a name; no DNS look-up. {@link java.net.InetAddress#getByAddress(byte[])}
   * makes an IPv4-mapped IPv6 address the IPv4 address it maps.
   */
  private static java.net.InetAddress ip(String host) {
    byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
    try {
      return bytes == null ? null : java.net.InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) { // only for a length other than 4 or 16
      return null;
    }
  }

  /**
   * What keeps this address from being listened on here, or null: a host name that does not resolve (DNS,
   * {@code /etc/hosts}), or a host that is not an address of this machine. Found here, it is a configuration error
   * with its key, exit 2, and {@code check} reports it; found by the bind, it was exit 1 after {@code check} had
   * passed. {@code localhost}, {@code *} and loopback addresses are always taken as they are.
   */
  public String hostProblem() {
    if (isLocalhost() || isWildcard()) {
      return null;
    }
    String host = hosts.get(0);
    String linkLocal = "'" + host + "' is an IPv6 link-local address, which Vert.x cannot listen on (with a %scope its"
        + " resolver fails, without one the bind does); use [::] for all interfaces, or a global address";
    if (host.contains("%")) {
      return linkLocal;
    }
    java.net.InetAddress[] all;
    try {
      all = java.net.InetAddress.getAllByName(host);
    } catch (java.net.UnknownHostException e) {
      return "host '" + host + "' does not resolve; use localhost, * or an address of this machine";
    }
    for (java.net.InetAddress a : all) {
      if (a instanceof java.net.Inet6Address && a.isLinkLocalAddress()) {
        return linkLocal;
      }
      if (isOfThisMachine(a)) {
        return null;
      }
    }
    return (ip(host) != null ? "'" + host + "'" : "host '" + host + "' (" + all[0].getHostAddress() + ")")
        + " is not an address of this machine; use localhost, * or one of its interfaces' addresses";
  }

  private static boolean isOfThisMachine(java.net.InetAddress a) {
    try {
      return a.isAnyLocalAddress() || a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
    } catch (java.net.SocketException e) {
      return true; // the interfaces cannot be listed: the bind will tell
    }
  }

  public ListenAddress withPort(int newPort) {
    return new ListenAddress(text, hosts, newPort);
  }

  /** The URL a client would use for one host of this address. */
  public static String url(String host, int port) {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return text;
  }
}
