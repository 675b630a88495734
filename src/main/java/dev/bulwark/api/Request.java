package dev.bulwark.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable HTTP request as a handler sees it: the whole body has already been received (within the service's
 * body limit). {@link #url()} is the request target in origin form, e.g. {@code /orders?id=7}.
 */
public final class Request {
  private static final byte[] NO_BODY = new byte[0];

  private final String method;
  private final String url;
  private final Headers headers;
  private final byte[] body;
  private final String clientAddress;
  private final String requestId;

  private Request(String method, String url, Headers headers, byte[] body, String clientAddress, String requestId) {
    this.method = Objects.requireNonNull(method, "method");
    this.url = Objects.requireNonNull(url, "url");
    this.headers = Objects.requireNonNull(headers, "headers");
    this.body = body == null ? NO_BODY : body;
    this.clientAddress = clientAddress == null ? "" : clientAddress;
    this.requestId = requestId == null ? "" : requestId;
  }

  /**
   * A request, for tests of handlers and for service-to-service calls. The body array is owned by the request from
   * here on: do not change it afterwards.
   */
  public static Request of(String method, String url, Headers headers, byte[] body, String clientAddress,
                           String requestId) {
    return new Request(method, url, headers, body, clientAddress, requestId);
  }

  public static Request get(String url) {
    return new Request("GET", url, Headers.empty(), NO_BODY, "", "");
  }

  public String method() {
    return method;
  }

  /**
   * The request target: path plus query string, percent-encoded as received, except that bytes above 0x7F that a
   * client sent raw (curl does in a query: {@code ?q=é}) are percent-encoded as UTF-8 bytes ({@code ?q=%C3%A9}), as
   * a browser sends them. An absolute-form target ({@code GET http://host/a}) is given as its path and query, and its
   * authority as the {@code host} header.
   */
  public String url() {
    return url;
  }

  /** The path of the URL, still percent-encoded as received. */
  public String path() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /** The raw query string without '?', or "" when there is none. */
  public String query() {
    int q = url.indexOf('?');
    return q < 0 ? "" : url.substring(q + 1);
  }

  /** Decoded query parameters; a repeated key keeps every value in order. */
  public Map<String, List<String>> queryParams() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    String query = query();
    if (query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    params.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return params;
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParam(String name) {
    List<String> values = queryParams().get(name);
    return values == null ? Optional.empty() : Optional.of(values.get(0));
  }

  public Headers headers() {
    return headers;
  }

  /** The first value of a header, case-insensitive. */
  public Optional<String> header(String name) {
    return headers.get(name);
  }

  /** A copy of the body bytes. */
  public byte[] bodyBytes() {
    return body.clone();
  }

  public int bodyLength() {
    return body.length;
  }

  /** The body decoded as UTF-8. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body parsed as a JSON object; fails with {@link io.vertx.core.json.DecodeException} if it is not one. */
  public JsonObject json() {
    return new JsonObject(text());
  }

  /** The body parsed as a JSON array. */
  public JsonArray jsonArray() {
    return new JsonArray(text());
  }

  /** The client's address as {@code ip:port} ({@code [v6]:port} for IPv6, in RFC 5952 form: {@code [::1]:51234}). */
  public String clientAddress() {
    return clientAddress;
  }

  /** The id this request carries in logs and in the {@code x-request-id} response header. */
  public String requestId() {
    return requestId;
  }


  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  @Override
  public String toString() {
    return method + " " + url + " (" + body.length + " bytes, id " + requestId + ")";
  }
}
