package dev.bulwark;

import dev.bulwark.config.ConfigParser;
import dev.bulwark.config.RuntimeConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Boots the real runtime in this JVM on free ports (localhost:0, admin 127.0.0.1:0) through
 * {@link Bulwark#start}, the same path the command line takes, and hands back clients for it.
 */
public final class TestRuntime implements AutoCloseable {
  public final Bulwark bulwark;
  public final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private TestRuntime(Bulwark bulwark) {
    this.bulwark = bulwark;
  }

  /** A config with one socket on localhost:0 routed to the given services (the first is the fallback). */
  public static JsonObject config(JsonObject... services) {
    JsonArray list = new JsonArray();
    for (JsonObject s : services) {
      list.add(s);
    }
    return new JsonObject()
        .put("sockets", new JsonArray().add(new JsonObject().put("name", "http").put("address", "localhost:0")))
        .put("services", list)
        .put("admin", new JsonObject().put("address", "127.0.0.1:0"))
        .put("http", new JsonObject().put("eventLoops", 2));
  }

  /**
   * {@code config} with its socket's routes set: pairs of path prefix and service name, tried in order (so "/"
   * last).
   */
  public static JsonObject routed(JsonObject config, String... pathThenService) {
    JsonArray routes = new JsonArray();
    for (int i = 0; i < pathThenService.length; i += 2) {
      routes.add(new JsonObject().put("path", pathThenService[i]).put("service", pathThenService[i + 1]));
    }
    config.getJsonArray("sockets").getJsonObject(0).put("routes", routes);
    return config;
  }

  /**
   * What {@code in} gives up to and including {@code end} (null: to its end), read as it arrives (a streamed body),
   * within 10 s.
   */
  public static String readUntil(InputStream in, String end) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[256];
      try {
        while (end == null || !got.toString(StandardCharsets.UTF_8).endsWith(end)) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          got.write(buf, 0, n);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return got.toString(StandardCharsets.UTF_8);
    }).get(10, TimeUnit.SECONDS);
  }

  /**
   * A connection that asks for {@code path} with a 16 KiB receive buffer and then reads only the status line's start
   * (checked to be 200): a client that does not read its streamed body. Closing it is the client leaving.
   */
  public Socket getWithoutReading(String path) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String start = new String(socket.getInputStream().readNBytes(15), StandardCharsets.ISO_8859_1);
      if (!start.startsWith("HTTP/1.1 200")) {
        throw new IOException("GET " + path + " answered " + start);
      }
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** A service running a handler class. */
  public static JsonObject service(String name, Class<?> handler) {
    return new JsonObject().put("name", name).put("class", handler.getName());
  }

  public static TestRuntime start(JsonObject config) throws Exception {
    RuntimeConfig parsed = ConfigParser.parse(config, "test config");
    return new TestRuntime(Bulwark.start(parsed).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
  }

  public int port() {
    return bulwark.port("http");
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  public URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + bulwark.adminPort().orElseThrow() + path);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends raw bytes on a fresh connection and returns everything the server writes until it closes or 10 s pass. */
  public String raw(String host, String request) throws IOException {
    return raw(host, port(), request);
  }

  /** {@link #raw(String, String)} to another port, such as another socket's. */
  public static String raw(String host, int port, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      try {
        int n;
        while ((n = in.read(chunk)) > 0) {
          buf.write(chunk, 0, n);
          if (buf.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && complete(buf)) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // what was read so far is the answer
      }
      return buf.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean complete(ByteArrayOutputStream buf) {
    String s = buf.toString(StandardCharsets.ISO_8859_1);
    int end = s.indexOf("\r\n\r\n");
    String head = s.substring(0, end).toLowerCase(java.util.Locale.ROOT);
    if (head.matches("http/1\\.[01] (204|304)[\\s\\S]*")) {
      return true; // no content by definition
    }
    int cl = head.indexOf("content-length:");
    if (cl < 0) {
      return false;
    }
    int eol = head.indexOf("\r\n", cl);
    int len = Integer.parseInt(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
    return s.length() - end - 4 >= len;
  }

  @Override
  public void close() throws Exception {
    bulwark.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
