package dev.bulwark.js;

import dev.bulwark.config.FetchConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The network side of one isolate's {@code fetch()} (50-fetch.js): one HTTP/1.1 exchange per call, redirects being
 * followed by the script side. Each exchange resolves the host, checks it against the service's {@link FetchPolicy},
 * races connections to its addresses ({@link HappyEyeballs}), sends the request on the winning connection and reads
 * the response body up to {@code maxResponseBytes}; the connection is closed afterwards (no pooling yet). A body the
 * server sends without a length, in no content coding or in gzip or deflate (chunked, or until the connection
 * closes: server-sent events, streamed API answers), is handed to the script as it arrives instead, decoded chunk by
 * chunk ({@link StreamDecoder}) and paced by the script's reading.
 *
 * <p>Callbacks into the script run on the isolate's worker context through {@link JsIsolate#enterLater}, charged to
 * the request that called fetch().
 */
public final class FetchHost {
  /** Set by the client from the request options, or meaningless for a request whose body is known in full. */
  private static final Set<String> SKIPPED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
      "keep-alive", "upgrade");

  /** Resolves a host name to all its addresses (both families); injectable for tests. */
  @FunctionalInterface
  interface Resolver {
    Future<List<InetAddress>> resolve(String host);
  }

  private final Vertx vertx;
  private final Context context;
  private final JsIsolate isolate;
  private final FetchConfig config;
  private final FetchPolicy policy;
  private final Resolver resolver;
  private final Duration attemptDelay;
  /** Fetches started per incoming request (the isolate's tag of it); weak so finished requests drop out. */
  private final Map<Object, int[]> subrequests = new WeakHashMap<>();
  private final Map<Integer, Exchange> inFlight = new HashMap<>();
  private HttpClientAgent client;
  private int nextId = 1;

  FetchHost(Vertx vertx, JsIsolate isolate, FetchConfig config) {
    this(vertx, isolate, config, DnsResolver.SHARED, HappyEyeballs.DEFAULT_DELAY);
  }

  FetchHost(Vertx vertx, JsIsolate isolate, FetchConfig config, Resolver resolver, Duration attemptDelay) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.isolate = isolate;
    this.config = config;
    this.policy = new FetchPolicy(config.allow());
    this.resolver = resolver;
    this.attemptDelay = attemptDelay;
  }

  /** Null when fetch() may be called now, else why not (the global scope of a worker, as in workerd). */
  @HostAccess.Export
  public String refusal() {
    return isolate.globalScopeRefusal("fetch()");
  }


  /**
   * Starts one exchange to {@code scheme://hostname:urlPort} (port -1: the scheme's) for {@code target} (path and
   * query). {@code headers} is a flat [name, value, ...] array, {@code body} an ArrayBuffer or null.
   * Sends {@code accept-encoding: gzip, deflate, br} unless {@code headers} has one, and decodes a body in those
   * codings. Answers {@code done(status, statusText, flatHeaders, ArrayBuffer|null, corrupt)} ({@code corrupt}: null,
   * or why the body could not be decoded) or {@code fail(kind, message)}, kind
   * being "TypeError" (network, policy) or "Error" (limits); returns an id for {@link #cancel}. A streamed body
   * answers {@code done(status, statusText, flatHeaders, null, null, true)} as soon as the head is in, which returns
   * the stream's pusher ({@code internal.pushedStream}: chunk, end, error); a failure after that is still
   * {@code fail}. While the script does not want more, the response is paused until {@link #resume}. {@code body} may
   * also be the pump of a stream ({@code internal.bodyPump}): the request body is then sent chunked as it is read,
   * no faster than the connection takes it.
   */
  @HostAccess.Export
  public int send(String method, String scheme, String hostname, int urlPort, String target, Value headers, Value body,
                  Value done, Value fail) {
    Object tag = isolate.currentTag();
    int id = nextId++;
    Exchange ex = new Exchange(id, tag, done, fail);
    inFlight.put(id, ex);
    int[] count = subrequests.computeIfAbsent(tag, t -> new int[1]);
    if (++count[0] > config.maxSubrequests()) {
      fail(ex, "Error", "Too many subrequests.");
      return id;
    }
    boolean tls = scheme.equals("https");
    // The script side parsed the URL (WHATWG): hostname is lower-case, IPv6 in brackets; port is -1 for the default.
    String host = hostname.startsWith("[") ? hostname.substring(1, hostname.length() - 1) : hostname;
    int port = urlPort > 0 ? urlPort : tls ? 443 : 80;
    String hostPort = urlPort > 0 ? hostname + ":" + port : hostname;
    if (!tls && !scheme.equals("http") || host.isEmpty()) {
      fail(ex, "TypeError", "Fetch API cannot load: " + scheme + "://" + hostPort + target);
      return id;
    }
    FetchPolicy.Verdict verdict = policy.check(hostname, port);
    if (verdict == FetchPolicy.Verdict.REFUSED) {
      fail(ex, "TypeError", "fetch() to " + hostPort + " is not allowed: it matches no entry of this service's "
          + policy.describe());
      return id;
    }
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.valueOf(method))
        .setHost(host)
        .setPort(port)
        .setSsl(tls)
        .setURI(target.isEmpty() ? "/" : target);
    boolean acceptEncoding = false;
    for (long i = 0; i + 1 < headers.getArraySize(); i += 2) {
      String name = headers.getArrayElement(i).asString();
      String lower = name.toLowerCase(Locale.ROOT);
      if (!SKIPPED_HEADERS.contains(lower)) {
        request.addHeader(name, headers.getArrayElement(i + 1).asString());
        acceptEncoding |= lower.equals("accept-encoding");
      }
    }
    if (!acceptEncoding) {
      request.addHeader("accept-encoding", ContentCoding.ACCEPTED);
    }
    boolean streamed = body != null && !body.isNull() && !body.hasBufferElements() && body.hasMember("start");
    ex.upload = streamed ? body : null;
    Buffer payload = body == null || body.isNull() || streamed ? null : Buffer.buffer(Bytes.of(body));
    ex.timer = vertx.setTimer(config.timeout().toMillis(), t -> fail(ex, "TypeError",
        "fetch() to " + hostPort + " timed out after " + config.timeout().toMillis() + " ms"));
    resolve(host).onComplete(ar -> onContext(() -> {
      if (ex.finished) {
        return;
      }
      if (ar.failed()) {
        fail(ex, "TypeError", "fetch() to " + hostPort + " failed: cannot resolve " + host
            + (ar.cause() instanceof UnknownHostException ? "" : " (" + ar.cause().getMessage() + ")"));
        return;
      }
      List<InetAddress> addresses = ar.result();
      if (verdict == FetchPolicy.Verdict.PUBLIC_ONLY) {
        for (InetAddress a : addresses) {
          if (FetchPolicy.isNonPublic(a)) {
            fail(ex, "TypeError", "fetch() to " + hostPort + " is not allowed: " + host + " resolves to the non-public "
                + "address " + a.getHostAddress() + " (list it in this service's fetch.allow to reach it)");
            return;
          }
        }
      }
      // Exchange state changes only on the isolate's context, so a connection never slips past a finish().
      connect(host, port, tls, addresses).onComplete(c -> onContext(() -> {
        if (c.failed()) {
          fail(ex, "TypeError", "Network connection lost. (fetch() to " + hostPort + " could not connect: "
              + reason(c.cause()) + ")");
          return;
        }
        ex.connection = c.result();
        if (ex.finished) {
          ex.connection.close();
          return;
        }
        exchange(ex, hostPort, c.result(), request, payload);
      }));
    }));
    return id;
  }

  /** The script's stream of a streamed body wants more: the response, paused when its queue was full, goes on. */
  @HostAccess.Export
  public void resume(int id) {
    onContext(() -> {
      Exchange ex = inFlight.get(id);
      if (ex != null && ex.response != null && !ex.finished) {
        idle(ex);
        ex.response.resume();
      }
    });
  }

  /** Stops an exchange whose script side gave up (an aborted signal): the connection is closed. */
  @HostAccess.Export
  public void cancel(int id) {
    Exchange ex = inFlight.get(id);
    if (ex != null) {
      finish(ex, null);
    }
  }

  /** {@code host} without brackets: an IP literal is taken as it is, a name is resolved. */
  private Future<List<InetAddress>> resolve(String host) {
    if (host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      try {
        return Future.succeededFuture(List.of(InetAddress.getByName(host)));
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
    }
    return resolver.resolve(host);
  }

  private Future<HttpClientConnection> connect(String host, int port, boolean tls, List<InetAddress> addresses) {
    HttpClientAgent c = client();
    return new HappyEyeballs<HttpClientConnection>(vertx, attemptDelay, a -> c.connect(new HttpConnectOptions()
        .setServer(SocketAddress.inetSocketAddress(port, a.getHostAddress()))
        .setHost(host)
        .setPort(port)
        .setSsl(tls)
        .setConnectTimeout(config.connectTimeout().toMillis())), HttpClientConnection::close)
        .connect(addresses);
  }

  private void exchange(Exchange ex, String hostPort, HttpClientConnection connection, RequestOptions options,
                        Buffer payload) {
    connection.request(options).compose(req -> {
      ex.request = req;
      req.exceptionHandler(e -> fail(ex, "TypeError", lost(hostPort, e)));
      if (ex.upload != null) {
        upload(ex, hostPort, req);
        return req.response();
      }
      if (payload == null && (options.getMethod() == io.vertx.core.http.HttpMethod.POST
          || options.getMethod() == io.vertx.core.http.HttpMethod.PUT)) {
        // Fetch standard, HTTP-network-or-cache fetch: a POST or PUT without a body says Content-Length: 0 (servers
        // such as nginx answer 411 to one that says nothing).
        req.putHeader("content-length", "0");
      }
      return payload == null ? req.send() : req.send(payload);
    }).onComplete(ar -> {
      if (ar.failed()) {
        fail(ex, "TypeError", lost(hostPort, ar.cause()));
        return;
      }
      HttpClientResponse res = ar.result();
      long max = config.maxResponseBytes();
      String length = res.getHeader("content-length");
      if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max) {
        fail(ex, "Error", tooLarge(hostPort, max));
        return;
      }
      if (streams(options.getMethod(), res, length)) {
        stream(ex, hostPort, res, max);
        return;
      }
      Buffer received = Buffer.buffer();
      res.exceptionHandler(e -> fail(ex, "TypeError", lost(hostPort, e)));
      res.handler(chunk -> {
        if (ex.finished) {
          return;
        }
        if (received.length() + (long) chunk.length() > max) {
          fail(ex, "Error", tooLarge(hostPort, max));
          return;
        }
        received.appendBuffer(chunk);
      });
      res.endHandler(v -> {
        List<String> flat = flatHeaders(res);
        int status = res.statusCode();
        String statusText = res.statusMessage();
        // As the Fetch standard says, the script reads the decoded body; the headers stay as they came.
        String coding = options.getMethod() == HttpMethod.HEAD ? null : res.getHeader("content-encoding");
        ContentCoding.ForScript decoded;
        try {
          decoded = ContentCoding.forScript(received.getBytes(), coding, max, "fetch() to " + hostPort);
        } catch (ContentCoding.TooLarge e) {
          fail(ex, "Error", tooLargeDecoded(hostPort, coding, max));
          return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(decoded.body());
        ex.request = null;
        finish(ex, () -> ex.done.executeVoid(status, statusText, ProxyArray.fromList(new ArrayList<>(flat)), bytes,
            decoded.corrupt()));
      });
    });
  }

  /**
   * Sends the script's stream as the request body, chunked: each chunk the pump reads is written, and once the
   * connection's write queue is full the pump waits for it to drain. A stream that errors fails the fetch.
   */
  private void upload(Exchange ex, String hostPort, HttpClientRequest req) {
    ex.uploading = req;
    req.setChunked(true);
    Value pump = ex.upload;
    ProxyExecutable write = args -> {
      if (ex.finished) {
        return false;
      }
      req.write(Buffer.buffer(Bytes.of(args[0])));
      if (req.writeQueueFull()) {
        req.drainHandler(v -> inScript(ex, () -> pump.invokeMember("resume")));
        return false;
      }
      return true;
    };
    ProxyExecutable end = args -> {
      onContext(() -> {
        if (!ex.finished) {
          ex.uploading = null;
          req.end();
        }
      });
      return null;
    };
    ProxyExecutable failed = args -> {
      String why = args[0].isString() ? args[0].asString() : String.valueOf(args[0]);
      int stack = why.indexOf('\n'); // the error as the log would show it: its first line is enough here
      fail(ex, "TypeError", "fetch() to " + hostPort + ": its request body stream failed: "
          + (stack > 0 ? why.substring(0, stack) : why));
      return null;
    };
    inScript(ex, () -> pump.invokeMember("start", write, end, failed));
  }

  /**
   * Whether a response's body goes to the script as it arrives: one sent without a length (chunked, or until the
   * connection closes), in no content coding or in gzip or deflate alone ({@link StreamDecoder}), that has a body
   * (not HEAD, 204, 304, 1xx) and is not a redirect the script side may follow. Anything else is read whole first:
   * a body with a length is small enough to hold (under {@code maxResponseBytes}), and br or several codings are
   * decoded whole.
   */
  private static boolean streams(HttpMethod method, HttpClientResponse res, String length) {
    int status = res.statusCode();
    return length == null && method != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304
        && !(status >= 300 && status < 400 && res.getHeader("location") != null)
        && StreamDecoder.streamable(codings(res));
  }

  /** The codings of a response's Content-Encoding ({@link ContentCoding#parse}): none without the header. */
  private static List<String> codings(HttpClientResponse res) {
    String coding = res.getHeader("content-encoding");
    return coding == null ? List.of() : ContentCoding.parse(coding);
  }

  /**
   * Hands a streamed body to the script: the head now, then each chunk; the response is paused whenever the
   * script's stream says its queue is full, until it asks for more ({@link #resume}). {@code fetch.timeout} is then
   * how long the body may go without progress (a chunk, or the script asking for more), and
   * {@code maxResponseBytes} still bounds it in all.
   */
  private void stream(Exchange ex, String hostPort, HttpClientResponse res, long max) {
    ex.response = res;
    idle(ex);
    List<String> flat = flatHeaders(res);
    int status = res.statusCode();
    String statusText = res.statusMessage();
    long[] received = {0};
    long[] decoded = {0};
    String coding = res.getHeader("content-encoding");
    StreamDecoder decoder = StreamDecoder.of(codings(res));
    ex.decoder = decoder;
    res.exceptionHandler(e -> fail(ex, "TypeError", lost(hostPort, e)));
    inScript(ex, () -> ex.pusher = ex.done.execute(status, statusText, ProxyArray.fromList(new ArrayList<>(flat)),
        null, null, true));
    res.handler(chunk -> onContext(() -> {
      if (ex.finished) {
        return;
      }
      received[0] += chunk.length();
      if (received[0] > max) {
        fail(ex, "Error", tooLarge(hostPort, max));
        return;
      }
      idle(ex);
      byte[] plain = chunk.getBytes();
      if (decoder != null) {
        try {
          plain = decoder.decode(plain);
        } catch (RuntimeException e) {
          fail(ex, "TypeError", undecodable(hostPort, coding, e));
          return;
        }
        decoded[0] += plain.length;
        if (decoded[0] > max) {
          fail(ex, "Error", tooLargeDecoded(hostPort, coding, max));
          return;
        }
        if (plain.length == 0) {
          return; // nothing whole yet; the next chunk brings it
        }
      }
      ByteBuffer bytes = ByteBuffer.wrap(plain);
      // Not checked against ex.finished: the end may be in already, queued after this chunk. A cancelled stream's
      // pusher drops what still comes.
      inScript(ex, () -> {
        if (ex.pusher != null && !ex.pusher.invokeMember("chunk", bytes).asBoolean() && !ex.finished) {
          res.pause();
        }
      });
    }));
    res.endHandler(v -> onContext(() -> {
      if (ex.finished) {
        return;
      }
      byte[] rest = new byte[0];
      if (decoder != null) {
        try {
          rest = decoder.finish();
        } catch (RuntimeException e) {
          fail(ex, "TypeError", undecodable(hostPort, coding, e));
          return;
        }
      }
      ByteBuffer tail = rest.length == 0 ? null : ByteBuffer.wrap(rest);
      ex.request = null;
      finish(ex, () -> {
        if (ex.pusher != null) {
          if (tail != null) {
            ex.pusher.invokeMember("chunk", tail);
          }
          ex.pusher.invokeMember("end");
        }
      });
    }));
  }

  private static String undecodable(String hostPort, String coding, Throwable e) {
    return "fetch() to " + hostPort + ": the response body cannot be decoded (content-encoding: " + coding + "): "
        + e.getMessage();
  }

  private static String tooLargeDecoded(String hostPort, String coding, long max) {
    return "fetch() to " + hostPort + ": the decoded response body (content-encoding: " + coding
        + ") is larger than this service's fetch.maxResponseBytes (" + max + " bytes)";
  }

  /** Restarts a streamed body's timer: it fails when the body makes no progress for {@code fetch.timeout}. */
  private void idle(Exchange ex) {
    if (ex.timer >= 0) {
      vertx.cancelTimer(ex.timer);
    }
    long ms = config.timeout().toMillis();
    ex.timer = vertx.setTimer(ms, t -> fail(ex, "TypeError", "fetch(): the response body made no progress for "
        + ms + " ms (fetch.timeout), and was cut"));
  }

  /** Runs {@code js} in the isolate, after what was queued before it (the head before the first chunk). */
  private void inScript(Exchange ex, Runnable js) {
    context.runOnContext(v -> isolate.enterLater(ex.tag, js));
  }

  private static List<String> flatHeaders(HttpClientResponse res) {
    List<String> flat = new ArrayList<>(res.headers().size() * 2);
    res.headers().forEach(e -> {
      flat.add(e.getKey().toLowerCase(Locale.ROOT));
      flat.add(e.getValue());
    });
    return flat;
  }

  private static String lost(String hostPort, Throwable e) {
    return "Network connection lost. (fetch() to " + hostPort + ": " + reason(e) + ")";
  }

  /** The message of {@code e} and of its root cause (e.g. "Failed to create SSL connection: PKIX path ..."). */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = String.valueOf(e.getMessage());
    return root == e || root.getMessage() == null || top.contains(root.getMessage()) ? top
        : top + ": " + root.getMessage();
  }

  private static String tooLarge(String hostPort, long max) {
    return "fetch() to " + hostPort + ": the response body is larger than this service's fetch.maxResponseBytes ("
        + max + " bytes)";
  }

  private void fail(Exchange ex, String kind, String message) {
    finish(ex, () -> ex.fail.executeVoid(kind, message));
  }

  /** Ends an exchange once: stops its timer, closes its connection, then (if any) runs {@code js} in the isolate. */
  private void finish(Exchange ex, Runnable js) {
    onContext(() -> {
      if (ex.finished) {
        return;
      }
      ex.finished = true;
      inFlight.remove(ex.id);
      if (ex.timer >= 0) {
        vertx.cancelTimer(ex.timer);
      }
      if (ex.uploading != null) { // its body was still being sent: the request is reset (release), the stream let go
        ex.request = ex.uploading;
        Value pump = ex.upload;
        inScript(ex, () -> pump.invokeMember("cancel"));
      }
      release(ex);
      if (js != null) {
        // Never inline: send() may fail before it returns, while the script that called it is still running.
        inScript(ex, js);
      }
    });
  }

  /** Closes an exchange's connection; one cut short (abort, timeout, too large) is reset, so it closes at once. */
  private static void release(Exchange ex) {
    if (ex.decoder != null) {
      ex.decoder.discard();
    }
    if (ex.request != null) {
      ex.request.reset();
    }
    if (ex.connection != null) {
      ex.connection.close();
    }
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  private HttpClientAgent client() {
    if (client == null) {
      client = vertx.createHttpClient(new HttpClientOptions()
          .setKeepAlive(false)
          .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
          .setVerifyHost(true));
    }
    return client;
  }

  /** Closes every open exchange and the client, when the isolate is closed or replaced. */
  void close() {
    for (Exchange ex : new ArrayList<>(inFlight.values())) {
      ex.finished = true;
      if (ex.timer >= 0) {
        vertx.cancelTimer(ex.timer);
      }
      release(ex);
    }
    inFlight.clear();
    if (client != null) {
      client.close();
      client = null;
    }
  }

  private static final class Exchange {
    final int id;
    final Object tag;
    final Value done;
    final Value fail;
    long timer = -1;
    HttpClientConnection connection;
    /** The request while its response is not complete. */
    HttpClientRequest request;
    /** A streamed body's response, and the script's pusher for it ({@code internal.pushedStream}). */
    HttpClientResponse response;
    Value pusher;
    /** A streamed body's decoder, when it comes gzipped or deflated. */
    StreamDecoder decoder;
    /** The pump of a request body sent as the script's stream is read ({@code internal.bodyPump}), or null. */
    Value upload;
    /** The request while its streamed body is still being sent. */
    HttpClientRequest uploading;
    boolean finished;

    Exchange(int id, Object tag, Value done, Value fail) {
      this.id = id;
      this.tag = tag;
      this.done = done;
      this.fail = fail;
    }
  }
}
