package dev.bulwark.js;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Which hosts a worker may fetch from (service key {@code fetch.allow}).
 *
 * <p>Without an allow list, any host whose addresses are all public may be fetched, as workerd lets workers reach
 * the public internet; loopback, private (RFC 1918, fc00::/7), link-local, CGNAT, multicast and unspecified
 * addresses are refused, because in a multi-tenant runtime they reach the operator's own network (admin port,
 * metadata services, databases) rather than the internet. A host name is checked on what it resolves to, and the
 * connection goes to exactly the address that was checked, so DNS rebinding cannot slip past.
 *
 * <p>With an allow list, a host must match an entry. An entry that names a host or an address (not {@code *} or
 * {@code *.domain}) also allows its non-public addresses: an operator who lists {@code 127.0.0.1:8080} means it.
 * Entries with a port match that port only.
 */
final class FetchPolicy {
  private final List<String> allow;

  FetchPolicy(List<String> allow) {
    this.allow = allow;
  }

  /** What a host may reach: refused (with the reason), public addresses only, or any address. */
  enum Verdict { REFUSED, PUBLIC_ONLY, ANY }

  Verdict check(String host, int port) {
    if (allow == null) {
      return Verdict.PUBLIC_ONLY;
    }
    String h = normalize(host);
    Verdict best = Verdict.REFUSED;
    for (String entry : allow) {
      String pattern = entry;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(']') < colon && (entry.startsWith("[") || entry.indexOf(':') == colon)) {
        if (Integer.parseInt(entry.substring(colon + 1)) != port) {
          continue;
        }
        pattern = entry.substring(0, colon);
      }
      pattern = normalize(pattern);
      if (pattern.equals("*")) {
        best = best == Verdict.ANY ? best : Verdict.PUBLIC_ONLY;
      } else if (pattern.startsWith("*.")) {
        if (h.endsWith(pattern.substring(1))) {
          best = best == Verdict.ANY ? best : Verdict.PUBLIC_ONLY;
        }
      } else if (h.equals(pattern)) {
        return Verdict.ANY;
      }
    }
    return best;
  }

  String describe() {
    return allow == null ? "no allow list: public addresses only" : "fetch.allow " + allow;
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.indexOf(':') >= 0) {
      try {
        // One spelling of an IPv6 literal ("::1" and "0:0:0:0:0:0:0:1" are the same host).
        return InetAddress.getByName(h).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        return h;
      }
    }
    return h;
  }

  /** Loopback, private, link-local, shared (CGNAT), multicast, unspecified, documentation or other special use. */
  static boolean isNonPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || (first == 198 && (second == 18 || second == 19));
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return true; // fc00::/7 unique local
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isNonPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (java.net.UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }
}
