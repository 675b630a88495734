package dev.bulwark.http;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.dispatch.Chunk;
import dev.bulwark.dispatch.Outcome;
import dev.bulwark.observe.ServiceMeters;
import dev.bulwark.worker.WorkerVerticle;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One request's way through the HTTP side, on its event loop: request id, admission (before the body is read, so a
 * full service buffers nothing), the body within the service's limit, the hand-off to the {@link Dispatcher}, and the
 * response. Every outcome, including the error answers, is written here and counted once.
 */
final class Exchange {
  private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
  /** One line a second per service at most: a stuck service under load must not flood the log. */
  private static final dev.bulwark.accept.RateLimitedLog TIMEOUTS = new dev.bulwark.accept.RateLimitedLog(LOG);
  private static final Buffer EMPTY = Buffer.buffer(0);
  /** Room for a browser's usual request header fields; Vert.x's headers cannot tell their count without a walk. */
  private static final int TYPICAL_HEADER_COUNT = 12;

  private final Vertx vertx;
  private final Dispatcher dispatcher;
  private final HttpServerRequest req;
  private final HttpServerResponse res;
  private final ServiceGate gate;
  private final String id;
  private final long start;
  private boolean admitted;
  /**
   * Dispatched, and the worker's outcome not yet back: the admission slot is kept until it is, whatever the client
   * got meanwhile (a 504, a close). A queued request holds its body; were its slot freed at the 504, a stuck service
   * with clients that retry would queue requests without bound, until the heap ran out.
   */
  private boolean atWorker;
  /** The slot was let go while {@link #atWorker}: it goes once the worker is done. */
  private boolean releaseWhenBack;
  private boolean done;
  /**
   * This answer is the connection's last: the client asked for that, part of the request stays unread, or the
   * handler said so. Set through {@link #lastAnswer}.
   */
  private boolean closeAfter;
  /** The streamed body being written, from its head to its end; null otherwise. */
  private Dispatcher.Control streaming;
  /** An HTTP/1.0 client's streamed body, collected: it cannot be sent chunked. */
  private Buffer collected;
  /** The request body as it is sent on to the worker, when it streams; null otherwise. */
  private Upload upload;

  private Exchange(Vertx vertx, Dispatcher dispatcher, HttpServerRequest req, ServiceGate gate) {
    this.vertx = vertx;
    this.dispatcher = dispatcher;
    this.req = req;
    this.res = req.response();
    this.gate = gate;
    this.start = System.nanoTime();
    this.id = RequestIds.keepOrCreate(req.getHeader(RequestIds.HEADER_NAME));
    // A new response has no fields yet, so nothing to replace.
    res.headers().add(RequestIds.HEADER_NAME, id).add(HttpHeaders.DATE, HttpDate.now());
  }

  /** Makes the answer to come the connection's last (see {@link Closing}); once. */
  private void lastAnswer() {
    lastAnswer(Closing.LINGER_MAX);
  }

  /** {@link #lastAnswer()} for an answer that may take up to {@code answerWithin} to be made. */
  private void lastAnswer(Duration answerWithin) {
    if (!closeAfter) {
      closeAfter = true;
      Closing.announce(req, answerWithin);
    }
  }

  /** Handles a request for {@code gate}'s service. */
  static void run(Vertx vertx, Dispatcher dispatcher, HttpServerRequest req, ServiceGate gate,
                  long bodyTimeoutMillis) {
    Exchange exchange = new Exchange(vertx, dispatcher, req, gate);
    if (RequestCheck.closeRequested(req)) {
      // Now, so that a request pipelined behind this one is not started; the body and the handler keep all their
      // time before the connection is closed regardless.
      exchange.lastAnswer(Duration.ofMillis(bodyTimeoutMillis).plus(gate.config().limits().timeout())
          .plus(Closing.LINGER_MAX));
    }
    exchange.admit(bodyTimeoutMillis);
  }

  /** Answers a request no route matched. */
  static void notFound(HttpServerRequest req, ServiceMeters meters) {
    answerEarly(req, meters, 404, "No service is routed for " + req.authority() + req.path() + "\n");
  }

  /**
   * Answers a request the runtime takes no further (no route, or a {@link RequestCheck} answer), with a request id,
   * counted in {@code meters}.
   */
  static void answerEarly(HttpServerRequest req, ServiceMeters meters, int status, String message) {
    // Answered before any body was read: a declared body would be parsed as the next request.
    answerOutside(req, meters, status, message, RequestCheck.bodyPending(req) || RequestCheck.closeRequested(req));
  }

  /** An answer of the runtime's own, outside any exchange; with {@code last}, the connection's last. */
  private static void answerOutside(HttpServerRequest req, ServiceMeters meters, int status, String message,
                                    boolean last) {
    long start = System.nanoTime();
    HttpServerResponse res = req.response();
    if (res.ended() || res.closed()) {
      return;
    }
    res.putHeader(RequestIds.HEADER_NAME, RequestIds.keepOrCreate(req.getHeader(RequestIds.HEADER_NAME)))
        .putHeader(HttpHeaders.DATE, HttpDate.now());
    if (last) {
      Closing.announce(req);
    }
    // Counted before it is sent, so that a client which has its answer finds it counted in /metrics.
    meters.record(status, System.nanoTime() - start);
    Future<Void> written = status == 204 ? res.setStatusCode(204).end() : text(req, res, status, message);
    if (last) {
      Closing.after(req, written);
    }
  }

  /**
   * Answers a request Vert.x's parser could not read (its invalid-request handler): 414 for a request line over
   * {@code http.maxInitialLineBytes}, 431 for header fields over {@code http.maxHeaderBytes}, 505 for a version it
   * does not speak ({@link RequestCheck#version}), 400 for anything else
   * malformed, with a request id, the parser's reason and a lingering close. Vert.x's own answer had no body, no
   * request id, no {@code Connection: close}, and closed at once, which can reset the connection before the client
   * reads the answer.
   */
  static void malformed(HttpServerRequest req, ServiceMeters meters, int maxLineBytes, int maxHeaderBytes) {
    Throwable cause = req.decoderResult().cause();
    String message;
    int status;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      status = 414;
      message = "The request line is longer than " + maxLineBytes + " bytes\n";
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      status = 431;
      message = RequestCheck.headersTooLarge(maxHeaderBytes);
    } else if (cause instanceof RequestCheck.UnsupportedVersion) {
      status = 505;
      message = cause.getMessage() + "\n";
    } else {
      status = 400;
      message = "The request is not valid HTTP/1.1" + reason(cause) + "\n";
    }
    answerOutside(req, meters, status, message, true);
  }

  /** The parser's reason, in printable ASCII only and short: it may quote the client's bytes. */
  private static String reason(Throwable cause) {
    String m = cause == null ? null : cause.getMessage();
    if (m == null || m.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(": ");
    for (int i = 0; i < m.length() && out.length() < 160; i++) {
      char c = m.charAt(i);
      out.append(c >= ' ' && c < 0x7F ? c : '?');
    }
    return out.toString();
  }

  private void admit(long bodyTimeoutMillis) {
    if (!gate.admission().tryAcquire()) {
      if (RequestCheck.bodyPending(req)) {
        lastAnswer(); // answered before the body is read
      }
      res.putHeader(HttpHeaders.RETRY_AFTER, "1");
      answer(503, "Service '" + gate.config().name() + "' is at its limit of "
          + gate.config().limits().maxInFlight() + " requests in flight; retry shortly\n");
      return;
    }
    admitted = true;
    // Released exactly once: when the answer is written, or when the connection goes away first; and, once
    // dispatched, not before the worker is done with the request as well (workerDone).
    res.closeHandler(v -> {
      release();
      if (upload != null) {
        upload.closed();
      }
      if (streaming != null) { // the client left before the streamed body's end
        streaming.cancel();
        streaming = null;
      }
    });
    readBody(bodyTimeoutMillis);
  }

  private void readBody(long bodyTimeoutMillis) {
    long limit = gate.config().limits().maxBodyBytes();
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length > limit) {
        tooLarge(limit);
        return;
      }
    }
    if (req.isEnded() || declaresNoBody(declared)) {
      dispatch(EMPTY);
      return;
    }
    if (RequestCheck.expectation(req) == RequestCheck.Expectation.CONTINUE) {
      // Only now that the request is admitted and its declared size allowed: a client that asked first is told
      // 413 or 503 before it sends a body that would only be thrown away.
      res.writeContinue();
    }
    if (gate.config().streamsRequestBodies() && (length < 0 || length > Upload.WHOLE_MAX)) {
      upload = new Upload(vertx, req, this, limit, bodyTimeoutMillis);
      boolean untilKnown = length < 0 && req.version() == HttpVersion.HTTP_2;
      upload.start(untilKnown);
      if (!untilKnown) {
        dispatch(EMPTY);
      }
      return;
    }
    Buffer body = Buffer.buffer();
    long timer = vertx.setTimer(bodyTimeoutMillis, id ->
        answerAndClose(408, "Request body not received within " + bodyTimeoutMillis + " ms\n"));
    Runnable settled = () -> { // the body is whole, too large or broken: neither the timeout nor the end of input
      vertx.cancelTimer(timer);
      Closing.onInputEnd(req, null);
    };
    // A client that half-closes before the body is complete can never complete it: told now, not at the timeout.
    Closing.onInputEnd(req, () -> {
      vertx.cancelTimer(timer);
      answerAndClose(400, "The client ended its side of the connection before the request body was complete\n");
    });
    req.handler(chunk -> {
      if (done) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        settled.run();
        tooLarge(limit);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(err -> {
      settled.run();
      bodyBroken(err);
    });
    req.endHandler(v -> {
      settled.run();
      if (!done) {
        dispatch(body);
      }
    });
    req.resume();
  }

  /**
   * An HTTP/1.x request with neither Content-Length nor Transfer-Encoding, or with Content-Length 0, has no body
   * (RFC 9112, 6.3): it can be dispatched at once instead of after its end is seen.
   */
  private boolean declaresNoBody(String declared) {
    if (req.version() == HttpVersion.HTTP_2) {
      return false;
    }
    return declared == null ? !req.headers().contains(HttpHeaders.TRANSFER_ENCODING) : declared.trim().equals("0");
  }

  private void tooLarge(long limit) {
    answerAndClose(413, "Request body is larger than " + limit + " bytes\n");
  }

  /** The request's body, which streams, has begun: the request goes now, its body after it. */
  void bodyFollows() {
    dispatch(EMPTY);
  }

  /** The request, whose body would have streamed, has none. */
  void noBody() {
    upload = null;
    dispatch(EMPTY);
  }

  /**
   * The body could not be read: a malformed chunk (answered while the connection is still there) or the connection
   * went away. Vert.x also reports the close that follows, after the answer.
   */
  void bodyBroken(Throwable err) {
    if (req.version() == HttpVersion.HTTP_2 && (err instanceof Http2Exception || err instanceof StreamResetException
        || err instanceof HttpClosedException)) {
      // The stream is gone, or going: the client reset it, or sent a body its content-length disagrees with, which
      // Netty resets with PROTOCOL_ERROR (RFC 9113, 8.1.1). An answer would not reach the client, so none is made
      // and none counted; before, a 400 was counted and our reset (NO_ERROR) went out in place of Netty's.
      done = true;
      release();
      return;
    }
    answerAndClose(400, "The request body could not be read: " + err.getMessage() + "\n");
    release();
  }

  /**
   * A streamed body went over a limit ({@link Upload}): answered with {@code status} when nothing is yet, else (an
   * answer under way or sent) the connection is closed, or the HTTP/2 stream reset: the rest of the body cannot be
   * read, nor its end awaited.
   */
  void bodyRefused(int status, String message) {
    if (!done && !res.headWritten()) {
      answerAndClose(status, message);
      return;
    }
    if (streaming != null) { // cut short: its worker stops making it
      streaming.cancel();
      streaming = null;
    }
    release();
    if (req.version() == HttpVersion.HTTP_2) {
      res.reset(0x8); // CANCEL: the stream ends, the connection goes on
    } else {
      req.connection().close();
    }
  }

  /** Answers, then closes: the rest of the body is unread or unreadable, so the connection cannot be reused. */
  private void answerAndClose(int status, String message) {
    if (done || res.headWritten() || res.closed()) {
      return;
    }
    lastAnswer();
    answer(status, message);
  }

  private void dispatch(Buffer body) {
    Headers headers;
    try {
      headers = Headers.of(req.headers(), TYPICAL_HEADER_COUNT);
    } catch (IllegalArgumentException e) {
      // Vert.x's HTTP/1 parser and Netty's HTTP/2 decoder refuse control characters in values themselves today
      // (400, RST_STREAM); should one get through, the client gets 400 rather than no answer.
      lastAnswer(); // a malformed head: what follows it cannot be trusted to be framed as Vert.x read it
      answer(400, "Bad request header: " + e.getMessage() + "\n");
      return;
    }
    // An absolute-form target's authority is already in Host (HttpServerVerticle): the handler gets origin form.
    Request request = Request.of(req.method().name(), RequestCheck.originForm(req.uri()), headers,
        body.length() == 0 ? null : body.getBytes(), addressOf(req.remoteAddress()), id);
    atWorker = true;
    dispatcher.submit(gate, request, this, upload);
  }

  /** The worker's answer, or its failure code (the worker has logged the details with the request id). */
  void outcome(Outcome outcome) {
    if (outcome.response() != null) {
      write(outcome.response());
    } else if (outcome.failure() == WorkerVerticle.NOT_RUN) {
      timedOut();
    } else if (outcome.failure() == WorkerVerticle.OVER_BUDGET) {
      answer(503, "Service '" + gate.config().name() + "' exceeded its resource budget for this request\nrequest id: "
          + id + "\n");
    } else {
      answer(500, "Internal Server Error\nrequest id: " + id + "\n");
    }
  }

  /** The service's deadline passed with no answer. */
  void timedOut() {
    if (!done && !res.closed()) {
      // A handler that never answers (an async one, a script awaiting forever) leaves no other trace in the log.
      TIMEOUTS.log(Level.WARNING, gate.config().name(), "request " + id + " (" + req.method() + " " + req.path()
          + ") to service '" + gate.config().name() + "': no answer within "
          + gate.config().limits().timeout().toMillis() + " ms, answered 504");
    }
    answer(504, "Service '" + gate.config().name() + "' did not answer within "
        + gate.config().limits().timeout().toMillis() + " ms\nrequest id: " + id + "\n");
  }

  /** The request could not be handed to a worker verticle: none consumes the service's address, or sending failed. */
  void undelivered(Throwable cause) {
    String name = gate.config().name();
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      res.putHeader(HttpHeaders.RETRY_AFTER, "1");
      answer(503, "Service '" + name + "' is not running\nrequest id: " + id + "\n");
      return;
    }
    LOG.log(Level.WARNING, "request " + id + " to service '" + name + "' failed in dispatch", cause);
    answer(500, "Internal Server Error\nrequest id: " + id + "\n");
  }

  private void write(Response r) {
    if (done || res.ended() || res.closed()) {
      return;
    }
    done = true;
    int status = head(r);
    answered(status);
    // Before the end: ending lets Vert.x start the connection's next pipelined request at once, on this thread. And
    // counted before it is sent, so that a client which has its answer finds it counted in /metrics.
    release();
    gate.meters().record(status, System.nanoTime() - start);
    Future<Void> written;
    if (status == 204 || status == 304) {
      written = res.end();
    } else if (req.method() == HttpMethod.HEAD) {
      // Vert.x sends no body for HEAD, and then no length either; the length a GET would get is what HEAD asks for.
      res.headers().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(r.bodyLength()));
      written = res.end();
    } else {
      written = res.end(Buffer.buffer(r.bodyBytes()));
    }
    if (closeAfter) {
      Closing.after(req, written);
    }
  }

  /**
   * A streamed response's head: sent now, with its body to follow as {@link #chunk}s (chunked over HTTP/1.1, whole
   * once complete to an HTTP/1.0 client); a response that has no body (HEAD, 204, 304) ends here and its stream is
   * cancelled. Counted now, with the time to its head. The admission slot is held until the body's end.
   */
  void streamed(Response r, Dispatcher.Control control) {
    if (done || res.ended() || res.closed()) {
      control.cancel();
      return;
    }
    done = true;
    int status = head(r);
    gate.meters().record(status, System.nanoTime() - start);
    if (status == 204 || status == 304 || req.method() == HttpMethod.HEAD) {
      control.cancel();
      release();
      answered(status);
      Future<Void> written = res.end();
      if (closeAfter) {
        Closing.after(req, written);
      }
      return;
    }
    streaming = control;
    if (req.version() == HttpVersion.HTTP_1_0) {
      collected = Buffer.buffer();
      return;
    }
    if (req.version() != HttpVersion.HTTP_2) {
      res.setChunked(true);
    }
    res.writeHead(); // at once: a client of server-sent events waits for the head before any event
  }

  /** A piece of the streamed body, its end, or its failure (the connection is then reset: the client sees it cut). */
  void chunk(Chunk chunk) {
    Dispatcher.Control control = streaming;
    if (control == null || res.closed()) {
      return;
    }
    if (chunk.kind() == Chunk.DATA) {
      int n = chunk.bytes().length;
      if (collected != null) {
        if (collected.length() + (long) n > WorkerVerticle.COLLECTED_MAX) {
          LOG.warning(() -> "request " + id + " to service '" + gate.config().name() + "': its streamed body is over "
              + WorkerVerticle.COLLECTED_MAX + " bytes, the most an HTTP/1.0 client is sent whole; cut short");
          control.cancel();
          streaming = null;
          collected = null;
          release();
          res.reset(0x2);
          return;
        }
        collected.appendBytes(chunk.bytes());
        control.written(n);
      } else {
        // Acknowledged once written to the socket: a client that reads slowly slows the worker's stream down.
        res.write(Buffer.buffer(chunk.bytes())).onSuccess(v -> control.written(n));
      }
      return;
    }
    streaming = null;
    release();
    answered("answered in full"); // the answer is complete: the handler is done with the request
    if (chunk.kind() == Chunk.END) {
      Future<Void> written;
      if (collected != null) {
        res.headers().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(collected.length()));
        written = res.end(collected);
        collected = null;
      } else {
        written = res.end();
      }
      if (closeAfter) {
        Closing.after(req, written);
      }
    } else {
      // HTTP/1.x: the connection closes with the body incomplete; HTTP/2: RST_STREAM INTERNAL_ERROR (0x2), not the
      // NO_ERROR that reset() sends, which a client may take for a complete body.
      res.reset(0x2);
    }
  }

  /** Sets {@code r}'s status line and header fields on the response; returns its status. */
  private int head(Response r) {
    int status = r.status();
    if (status != 200) {
      res.setStatusCode(status); // 200 is the default, and setting it costs a status look-up per response
    }
    r.reason().ifPresent(res::setStatusMessage);
    MultiMap headers = res.headers();
    for (Map.Entry<String, String> f : r.headers().entries()) {
      String name = f.getKey();
      if (!isOurs(name)) {
        headers.add(name, f.getValue());
      } else if (name.length() == 4) {
        headers.set(HttpHeaders.DATE, f.getValue()); // the handler's own Date, instead of the runtime's
      } else if (status == 426 && name.equalsIgnoreCase("upgrade")) {
        headers.add(name, f.getValue()); // 426 Upgrade Required must say to what (RFC 9110, 15.5.22)
      } else if (name.equalsIgnoreCase("connection") && RequestCheck.hasClose(f.getValue())) {
        lastAnswer(); // the handler asks for this connection to end with its answer
      }
    }
    return status;
  }

  private void answer(int status, String message) {
    if (done || res.ended() || res.closed()) {
      return;
    }
    done = true;
    answered(status);
    release(); // before the end, as in write, and so is the count
    gate.meters().record(status, System.nanoTime() - start);
    Future<Void> written = text(req, res, status, message);
    if (closeAfter) {
      Closing.after(req, written);
    }
  }

  /**
   * A response field the runtime sets itself or drops: framing (content-length, transfer-encoding), which it sets
   * from the actual body and a handler's value could only disagree with; the request id; and the hop-by-hop fields
   * of RFC 9110, 7.6.1 (connection, keep-alive, proxy-connection, te, trailer, upgrade), which describe the
   * handler's own connection, e.g. a {@code fetch()} response passed on as it came, whose {@code connection: close}
   * would otherwise close the client's keep-alive connection; and Date, which replaces the runtime's rather than
   * adding a second. Gone by length first: this runs for every field.
   */
  private static boolean isOurs(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 4 -> name.equalsIgnoreCase("date"); // set, not added: see write
      case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 12 -> name.equalsIgnoreCase(RequestIds.HEADER);
      case 14 -> name.equalsIgnoreCase("content-length");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      default -> false;
    };
  }

  /** The runtime's own plain-text answer; to HEAD, the length a GET would get and no body. */
  private static Future<Void> text(HttpServerRequest req, HttpServerResponse res, int status, String message) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (req.method() == HttpMethod.HEAD) {
      Buffer body = Buffer.buffer(message);
      return res.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
    }
    return res.end(message);
  }

  /** The request is answered ({@code how}): a body still streaming in is not wanted any more ({@link Upload#answered}). */
  private void answered(String how) {
    if (upload != null) {
      upload.answered(how);
    }
  }

  /** {@link #answered(String)} with a status: the text is made only for an upload, which is rare. */
  private void answered(int status) {
    if (upload != null) {
      upload.answered("answered (" + status + ")");
    }
  }

  private void release() {
    if (atWorker) {
      releaseWhenBack = admitted;
      return;
    }
    if (admitted) {
      admitted = false;
      gate.admission().release();
    }
  }

  /**
   * The worker is done with this request: its outcome is back (answered, failed, or not run since its deadline had
   * passed), or it never reached a worker. Called by the {@link Dispatcher} before the outcome, if any, is given here.
   */
  void workerDone() {
    atWorker = false;
    if (releaseWhenBack) {
      releaseWhenBack = false;
      release();
    }
  }

  private static String addressOf(SocketAddress address) {
    if (address == null || address.host() == null) {
      return "";
    }
    String host = address.host();
    return (host.indexOf(':') >= 0 ? "[" + rfc5952(host) + "]" : host) + ":" + address.port();
  }

  /** {@code 0:0:0:0:0:0:0:1} (Java's form) as {@code ::1}; a scope ({@code %eth0}) is kept. */
  static String rfc5952(String v6) {
    int scope = v6.indexOf('%');
    String ip = scope < 0 ? v6 : v6.substring(0, scope);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null || bytes.length != 16) {
      return v6;
    }
    return NetUtil.bytesToIpAddress(bytes) + (scope < 0 ? "" : v6.substring(scope));
  }
}
