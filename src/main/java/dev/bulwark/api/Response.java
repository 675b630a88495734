package dev.bulwark.api;

import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable HTTP response. Build one with a factory ({@link #text}, {@link #json}, {@link #redirect},
 * {@link #status}) and adjust it with {@code with...} methods, which return copies. A body made while it is sent
 * is a {@link #stream}.
 */
public final class Response {
  private static final byte[] NO_BODY = new byte[0];
  // Headers are immutable, so the factories' common ones are made once.
  private static final Headers TEXT = Headers.of("content-type", "text/plain; charset=utf-8");
  private static final Headers HTML = Headers.of("content-type", "text/html; charset=utf-8");
  private static final Headers JSON = Headers.of("content-type", "application/json");

  private final int status;
  private final Headers headers;
  private final byte[] body;
  private final String reason; // null: the status's standard reason phrase
  private final BodyStream stream; // null: the body is {@code body}

  private Response(int status, Headers headers, byte[] body) {
    this(status, headers, body, null, null);
  }

  private Response(int status, Headers headers, byte[] body, String reason, BodyStream stream) {
    if (status < 200 || status > 599) {
      // A 1xx answer is interim (RFC 9110, 15.2): sent as the final one, the client would wait on for the real one,
      // and a pipelining client would take the next request's answer for this one's.
      throw new IllegalArgumentException("HTTP status must be 200-599 (1xx answers are interim, never final), got "
          + status);
    }
    this.status = status;
    this.headers = Objects.requireNonNull(headers, "headers");
    this.body = body == null ? NO_BODY : body;
    this.reason = reason;
    this.stream = stream;
  }

  /** A response from its parts. The body array is owned by the response from here on. */
  public static Response of(int status, Headers headers, byte[] body) {
    return new Response(status, headers, body);
  }

  /**
   * A response whose body {@code body} makes while it is sent (see {@link BodyStream}). It goes out with
   * {@code Transfer-Encoding: chunked} over HTTP/1.1 (the handler's Content-Length is dropped), in DATA frames over
   * HTTP/2, and to an HTTP/1.0 client whole, once it is complete.
   */
  public static Response stream(int status, Headers headers, BodyStream body) {
    return new Response(status, headers, NO_BODY, null, Objects.requireNonNull(body, "body"));
  }

  /** 200 with a UTF-8 text body. */
  public static Response text(String text) {
    return text(200, text);
  }

  public static Response text(int status, String text) {
    return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** 200 with an HTML body. */
  public static Response html(String html) {
    return new Response(200, HTML, html.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * 200 with a JSON body: a {@link io.vertx.core.json.JsonObject}, {@link io.vertx.core.json.JsonArray}, Map, List,
   * String, Number or Boolean.
   */
  public static Response json(Object value) {
    return json(200, value);
  }

  public static Response json(int status, Object value) {
    return new Response(status, JSON, Json.encode(value).getBytes(StandardCharsets.UTF_8));
  }

  /** Raw bytes with the given content type. */
  public static Response bytes(byte[] body, String contentType) {
    return new Response(200, Headers.of("content-type", contentType), body.clone());
  }

  /** 302 Found to {@code location}. */
  public static Response redirect(String location) {
    return redirect(location, 302);
  }

  /**
   * A redirect with status 301, 302, 303, 307 or 308, like the Fetch standard's {@code Response.redirect}.
   * Characters outside printable ASCII in {@code location} (non-ASCII text, spaces, controls) are sent as
   * percent-encoded UTF-8, as a browser writes such a URL; a {@code %} already there is kept.
   */
  public static Response redirect(String location, int status) {
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      throw new IllegalArgumentException("redirect status must be 301, 302, 303, 307 or 308, got " + status);
    }
    return new Response(status, Headers.of("location", percentEncodeOutsideAscii(location)), NO_BODY);
  }

  private static String percentEncodeOutsideAscii(String location) {
    Objects.requireNonNull(location, "location");
    StringBuilder out = null;
    for (int i = 0; i < location.length(); ) {
      int cp = location.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (cp > ' ' && cp < 0x7f) {
        if (out != null) {
          out.append((char) cp);
        }
      } else {
        if (Character.getType(cp) == Character.SURROGATE) { // unpaired: a pair is one code point
          throw new IllegalArgumentException("redirect location has an unpaired surrogate at index " + i);
        }
        if (out == null) {
          out = new StringBuilder(location.length() + 16).append(location, 0, i);
        }
        for (byte b : location.substring(i, next).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      }
      i = next;
    }
    return out == null ? location : out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** A response with this status and no body. */
  public static Response status(int status) {
    return new Response(status, Headers.empty(), NO_BODY);
  }

  public int status() {
    return status;
  }

  public Headers headers() {
    return headers;
  }

  /** The body made while it is sent, if this is a {@link #stream}; its {@link #bodyBytes} are then empty. */
  public Optional<BodyStream> bodyStream() {
    return Optional.ofNullable(stream);
  }

  /** Whether this is a {@link #stream}. */
  public boolean streamed() {
    return stream != null;
  }

  /** A copy of the body bytes. */
  public byte[] bodyBytes() {
    return body.clone();
  }

  public int bodyLength() {
    return body.length;
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** A copy with another status, and that status's standard reason phrase. */
  public Response withStatus(int newStatus) {
    return new Response(newStatus, headers, body, null, stream);
  }

  /**
   * The reason phrase of the status line, when not the status's standard one (JavaScript's {@code statusText}).
   * HTTP/2 and HTTP/3 have no reason phrase; there it is not sent.
   */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * A copy whose status line says {@code newReason} (e.g. {@code 404 Nope}) instead of the standard phrase; null or
   * empty goes back to the standard one. It must be tabs, spaces and visible characters from ISO-8859-1
   * (RFC 9112, 4: {@code reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )}), so that it cannot break the line.
   */
  public Response withReason(String newReason) {
    if (newReason == null || newReason.isEmpty()) {
      return new Response(status, headers, body, null, stream);
    }
    for (int i = 0; i < newReason.length(); i++) {
      char c = newReason.charAt(i);
      if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) {
        throw new IllegalArgumentException("a reason phrase is tabs, spaces and visible ISO-8859-1 characters;"
            + " character " + i + " is U+" + String.format("%04X", (int) c));
      }
    }
    return new Response(status, headers, body, newReason, stream);
  }

  /** A copy with this header set to exactly this value. */
  public Response withHeader(String name, String value) {
    return new Response(status, headers.set(name, value), body, reason, stream);
  }

  /** A copy with one more value for this header (e.g. a second {@code set-cookie}). */
  public Response addHeader(String name, String value) {
    return new Response(status, headers.with(name, value), body, reason, stream);
  }

  public Response withHeaders(Headers newHeaders) {
    return new Response(status, newHeaders, body, reason, stream);
  }


  @Override
  public String toString() {
    return status + (reason == null ? "" : " " + reason) + (stream != null ? " (streamed)" : " (" + body.length + " bytes)");
  }
}
