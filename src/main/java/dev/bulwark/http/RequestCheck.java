package dev.bulwark.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Map;

/**
 * What RFC 9112 (3.2, 3.3, 6.1) and RFC 9110 (10.1.1) require of a request line, its Host, its transfer coding and
 * its expectations before any route or handler sees it, beyond what Vert.x's parser already refuses; and the target
 * in the form a handler sees it ({@link #originForm}). Without the check, such requests reached handlers on a socket
 * with one route, while vertx-web's Router failed on them with an error logged per request: the same request got
 * different answers depending on the config, and a scanner could fill the log.
 */
final class RequestCheck {
  /** An answer the runtime gives itself: the status and the text of its body (empty for 204). */
  record Answer(int status, String body) {
  }

  private static final Answer CONNECT = new Answer(501, "CONNECT is not supported: this server is not a proxy\n");
  private static final Answer SERVER_OPTIONS = new Answer(204, "");
  private static final Answer ASTERISK = new Answer(400, "The request target '*' is only for OPTIONS\n");
  private static final Answer TARGET = new Answer(400,
      "The request target must be a path starting with '/' or an absolute http(s) URI\n");
  private static final Answer TRANSFER_CODING = new Answer(501,
      "The only transfer coding this server decodes is chunked (RFC 9112, 6.1)\n");
  private static final Answer CONTROL = new Answer(400, "The request target has a control character\n");
  private static final Answer FRAGMENT = new Answer(400, "The request target has a fragment ('#'), which clients keep"
      + " to themselves\n");
  private static final Answer FOLDED = new Answer(400, "A Transfer-Encoding or Content-Length field is folded over"
      + " two lines (obsolete line folding)\n");
  private static final Answer AUTHORITY = new Answer(400,
      "The request target's authority is not a valid host[:port] (and may not have user information)\n");
  private static final Answer PERCENT = new Answer(400,
      "The request path has a '%' that is not followed by two hex digits\n");
  private static final Answer NO_HOST = new Answer(400, "An HTTP/1.1 request needs a Host header\n");
  private static final Answer HOSTS = new Answer(400, "A request may have only one Host header\n");
  private static final Answer BAD_HOST = new Answer(400, "The Host header is not a valid host[:port]\n");
  private static final Answer EXPECTATION = new Answer(417, "The only expectation this server meets is 100-continue\n");

  private RequestCheck() {
  }

  /** A request line whose HTTP version this server does not speak over HTTP/1.x (RFC 9110, 15.6.6: 505). */
  static final class UnsupportedVersion extends RuntimeException {
    UnsupportedVersion(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The request line's protocol version, seen as the HTTP decoder hands the request on and before Vert.x does: a
   * later HTTP/1.x (HTTP/1.2) is served as HTTP/1.1, the highest this server speaks, as RFC 9110, 2.5 asks; another
   * major version (HTTP/2.0 in a request line) fails the request with {@link UnsupportedVersion}, and another protocol
   * than HTTP with 400, both answered by {@link Exchange#malformed}. Vert.x itself answered all of these 501, with the
   * client's version in its status line ({@code FOO/1.1 501}), no request id, and uncounted.
   */
  static void version(io.netty.handler.codec.http.HttpRequest request) {
    io.netty.handler.codec.http.HttpVersion v = request.protocolVersion();
    if (v == io.netty.handler.codec.http.HttpVersion.HTTP_1_1 || v == io.netty.handler.codec.http.HttpVersion.HTTP_1_0
        || !request.decoderResult().isSuccess()) {
      return;
    }
    request.setProtocolVersion(io.netty.handler.codec.http.HttpVersion.HTTP_1_1); // what the answer's line says
    if (!v.protocolName().equals("HTTP")) {
      request.setDecoderResult(io.netty.handler.codec.DecoderResult.failure(new IllegalArgumentException(
          "the protocol is " + v.text() + ", not HTTP")));
    } else if (v.majorVersion() != 1) {
      request.setDecoderResult(io.netty.handler.codec.DecoderResult.failure(new UnsupportedVersion(v.text()
          + " is not spoken in an HTTP/1.x request line; this server speaks HTTP/1.0, HTTP/1.1 and HTTP/2")));
    }
  }

  /** The runtime's own answer to {@code req}, or null when the request may go on to routing. */
  static Answer earlyAnswer(HttpServerRequest req, int maxHeaderBytes) {
    if (req.version() == HttpVersion.HTTP_2 && headerBytes(req) > maxHeaderBytes) {
      // HTTP/1.x's decoder refuses this itself (Exchange.malformed); HTTP/2's has only its own, higher limit.
      return new Answer(431, headersTooLarge(maxHeaderBytes));
    }
    if (req.method() == HttpMethod.CONNECT) {
      return CONNECT;
    }
    String target = req.uri();
    if (target == null) {
      return TARGET; // an HTTP/2 request without :path
    }
    if (target.equals("*")) {
      // OPTIONS * asks about the server, not a resource of any handler (RFC 9110, 9.3.7).
      return req.method() == HttpMethod.OPTIONS ? SERVER_OPTIONS : ASTERISK;
    }
    if (!target.startsWith("/") && !isAbsoluteHttp(target)) {
      return TARGET;
    }
    Answer characters = characterProblem(target);
    if (characters != null) {
      return characters;
    }
    if (target.charAt(0) != '/' && absoluteAuthority(target) == null) {
      return AUTHORITY;
    }
    String coding = req.headers().get(HttpHeaders.TRANSFER_ENCODING);
    if (folded(coding) || folded(req.headers().get(HttpHeaders.CONTENT_LENGTH))) {
      return FOLDED;
    }
    if (coding != null && !coding.equalsIgnoreCase("chunked")) {
      // Vert.x's parser takes "gzip, chunked" and hands over the body still gzip-coded, as if it were the content.
      return TRANSFER_CODING;
    }
    if (expectation(req) == Expectation.OTHER) {
      return EXPECTATION;
    }
    return req.version() == HttpVersion.HTTP_2 ? null : hostProblem(req);
  }

  /**
   * The size of {@code req}'s header fields as HTTP/1.1 would carry them ({@code name: value} and a line end each),
   * which is what {@code http.maxHeaderBytes} limits; for HTTP/2, whose decoder does not count them so.
   */
  private static long headerBytes(HttpServerRequest req) {
    long bytes = 0;
    for (Map.Entry<String, String> field : req.headers()) {
      bytes += field.getKey().length() + field.getValue().length() + 4;
    }
    return bytes;
  }

  /** The body of the 431 for header fields over {@code http.maxHeaderBytes}, over HTTP/1.x and HTTP/2 alike. */
  static String headersTooLarge(int maxHeaderBytes) {
    return "The request's header fields are larger than " + maxHeaderBytes + " bytes\n";
  }

  /**
   * Netty trims a field value's surrounding whitespace and accepts obsolete line folding, joining a continuation
   * line to the value with a space: {@code Transfer-Encoding:} followed by the line {@code " chunked"} arrives as
   * {@code " chunked"}, and Netty frames the body as chunked. A front end that does not unfold would see no body and
   * take what follows as the next request: a framing field with whitespace at either end is refused (RFC 9112, 5.2
   * allows a server to refuse any obs-fold with 400). Folds of other fields cannot be told from a value with a
   * space in it once Netty has joined them; they are not framing, so they are left as joined.
   */
  private static boolean folded(String framing) {
    return framing != null && !framing.isEmpty()
        && (framing.charAt(0) <= ' ' || framing.charAt(framing.length() - 1) <= ' ');
  }

  /**
   * The client asked for the connection to close after this request with a {@code close} member in a list, e.g.
   * {@code Connection: TE, close} (what Perl's LWP sends). Vert.x itself closes only when the whole value is
   * {@code close}, or for HTTP/1.0 without keep-alive; RFC 9112, 9.6 requires a close for any list with it.
   */
  static boolean closeRequested(HttpServerRequest req) {
    String first = req.getHeader(HttpHeaders.CONNECTION);
    if (first == null || first.equalsIgnoreCase("keep-alive") || first.equalsIgnoreCase("close")
        || req.version() == HttpVersion.HTTP_2) {
      return false; // the common cases, which Vert.x handles (HTTP/2 has no Connection field)
    }
    for (String field : req.headers().getAll(HttpHeaders.CONNECTION)) {
      if (hasClose(field)) {
        return true;
      }
    }
    return false;
  }

  /** A Connection field value with a {@code close} member. */
  static boolean hasClose(String connection) {
    for (String member : connection.split(",", -1)) {
      if (member.trim().equalsIgnoreCase("close")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The request declares a body the runtime has not read yet: an answer given now must end the connection (HTTP/1.x)
   * or the stream (HTTP/2), since the unread body would otherwise be parsed as the next request. Vert.x calls the
   * request handler before a body's end is seen, even for a GET without one, so HTTP/1.x goes by the declaration.
   */
  static boolean bodyPending(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_2) {
      return !req.isEnded();
    }
    if (req.isEnded()) {
      return false;
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !length.equals("0") : req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /** What a request's Expect fields ask for. */
  enum Expectation { NONE, CONTINUE, OTHER }

  /**
   * RFC 9110, 10.1.1: 100-continue is the only expectation HTTP defines, and the exchange meets it once the request
   * is admitted; any other is refused with 417 rather than passed to a handler that cannot know it was asked, as Node
   * and Apache do. An HTTP/1.0 request's Expect is ignored.
   */
  static Expectation expectation(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_1_0 || !req.headers().contains(HttpHeaders.EXPECT)) {
      return Expectation.NONE;
    }
    Expectation asked = Expectation.NONE;
    for (String field : req.headers().getAll(HttpHeaders.EXPECT)) {
      for (String member : field.split(",", -1)) {
        String m = member.trim();
        if (m.equalsIgnoreCase("100-continue")) {
          asked = Expectation.CONTINUE;
        } else if (!m.isEmpty()) {
          return Expectation.OTHER;
        }
      }
    }
    return asked;
  }

  /**
   * Gives the request the Host its handler and host routing go by, for one {@link #earlyAnswer} let through: an
   * absolute-form target's authority, whatever Host says (RFC 9112, 3.2.2), or HTTP/2's :authority, which comes
   * without a Host field (RFC 9113, 8.3.1).
   */
  static void setHost(HttpServerRequest req) {
    String target = req.uri();
    if (target.charAt(0) != '/') {
      req.headers().set(HttpHeaders.HOST, absoluteAuthority(target));
    } else if (req.version() == HttpVersion.HTTP_2 && !req.headers().contains(HttpHeaders.HOST)) {
      HostAndPort authority = req.authority();
      if (authority != null) {
        req.headers().set(HttpHeaders.HOST, authority.toString());
      }
    }
  }

  /**
   * RFC 9112, 3.2: an HTTP/1.1 request has exactly one Host, an HTTP/1.0 one at most one, and its value is a valid
   * authority or empty. (HTTP/2 carries the authority in its own pseudo-header.)
   */
  private static Answer hostProblem(HttpServerRequest req) {
    List<String> hosts = req.headers().getAll(HttpHeaders.HOST);
    if (hosts.isEmpty()) {
      return req.version() == HttpVersion.HTTP_1_1 ? NO_HOST : null;
    }
    if (hosts.size() > 1) {
      return HOSTS;
    }
    String host = hosts.get(0);
    return host.isEmpty() || HostAndPort.parseAuthority(host, -1) != null ? null : BAD_HOST;
  }

  private static boolean isAbsoluteHttp(String target) {
    return target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8);
  }

  /**
   * A control character anywhere in the target (Netty's parser lets NUL and others through to the handler), or a
   * '%' in the path not followed by two hex digits: routing decodes the path, so a stray '%' there has no meaning
   * (nginx refuses it too). The query's percent-encoding is left to the handler: browsers send a typed
   * {@code ?q=100%} as it is, and servers take it.
   */
  private static Answer characterProblem(String target) {
    boolean inPath = true;
    for (int i = 0, n = target.length(); i < n; i++) {
      char c = target.charAt(i);
      if (c <= ' ' || c == 0x7F) {
        return CONTROL;
      } else if (c == '#') {
        return FRAGMENT; // RFC 9112, 3.2: no request-target form has one
      } else if (c == '?') {
        inPath = false;
      } else if (c == '%' && inPath && (i + 2 >= n || !isHex(target.charAt(i + 1)) || !isHex(target.charAt(i + 2)))) {
        return PERCENT;
      }
    }
    return null;
  }

  private static boolean isHex(char c) {
    return c < 0x80 && Character.digit(c, 16) >= 0;
  }

  /** The authority of an absolute-form target, or null when it has none or one that is not a valid host[:port]. */
  static String absoluteAuthority(String target) {
    int start = authorityStart(target);
    int end = authorityEnd(target, start);
    String authority = target.substring(start, end);
    // RFC 9110, 4.2.4: userinfo in an http(s) URI is to be treated as an error.
    return authority.isEmpty() || authority.indexOf('@') >= 0 || HostAndPort.parseAuthority(authority, -1) == null
        ? null : authority;
  }

  private static int authorityStart(String absoluteTarget) {
    return absoluteTarget.indexOf("://") + 3;
  }

  private static int authorityEnd(String target, int start) {
    for (int i = start; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return target.length();
  }

  /**
   * The target a handler sees, for one {@link #earlyAnswer} let through: origin form (an absolute-form target's path
   * and query, "/" when it has no path), with every byte above 0x7F percent-encoded as a browser would have sent
   * it. HTTP carries the target as bytes, which Netty hands over one char per byte: a raw UTF-8 {@code ?q=é} from
   * curl would otherwise reach the handler as {@code ?q=Ã©}.
   *
   * <p>The path is the one routing matched: normalized as vertx-web's Router normalizes it before matching (RFC 3986,
   * 6.2.2 and 5.2.4: dot segments removed, percent-encoded unreserved characters decoded, empty segments dropped), so
   * {@code /public/../admin} reaches the handler as {@code /admin}, the path it was routed by, and a handler's own
   * path check cannot be walked around. The query is left as sent. The common case, a plain ASCII path, is returned
   * as it is.
   */
  static String originForm(String target) {
    String form = target;
    if (target.charAt(0) != '/') {
      int end = authorityEnd(target, authorityStart(target));
      form = end == target.length() || target.charAt(end) != '/' ? "/" + target.substring(end) : target.substring(end);
    }
    form = normalizePath(form);
    for (int i = 0, n = form.length(); i < n; i++) {
      if (form.charAt(i) >= 0x80) {
        return percentEncodeHighBytes(form, i);
      }
    }
    return form;
  }

  /** {@code form} with its path (up to '?') normalized as routing normalizes it, when it needs any. */
  private static String normalizePath(String form) {
    int query = form.indexOf('?');
    int end = query < 0 ? form.length() : query;
    boolean plain = true;
    for (int i = 0; i < end && plain; i++) {
      char c = form.charAt(i);
      plain = c != '%' && !(c == '/' && i + 1 < end && (form.charAt(i + 1) == '.' || form.charAt(i + 1) == '/'));
    }
    if (plain) {
      return form;
    }
    String path = io.vertx.core.internal.net.RFC3986.normalizePath(form.substring(0, end));
    return query < 0 ? path : path + form.substring(query);
  }

  private static String percentEncodeHighBytes(String form, int first) {
    StringBuilder out = new StringBuilder(form.length() + 16).append(form, 0, first);
    for (int i = first, n = form.length(); i < n; i++) {
      char c = form.charAt(i);
      if (c < 0x80) {
        out.append(c);
      } else if (c <= 0xFF) {
        appendByte(out, c); // one byte of the target as received
      } else { // not a byte: cannot come from the wire, but encode it as UTF-8 rather than lose it
        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          appendByte(out, b & 0xFF);
        }
      }
    }
    return out.toString();
  }

  private static void appendByte(StringBuilder out, int b) {
    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
  }
}
