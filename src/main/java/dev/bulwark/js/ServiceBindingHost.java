package dev.bulwark.js;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.ServiceBinding;
import dev.bulwark.dispatch.Chunk;
import dev.bulwark.dispatch.Credit;
import dev.bulwark.worker.IncomingChunks;
import dev.bulwark.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * {@code env.NAME.fetch(...)} of a service binding: the request goes over the event bus to the bound service's
 * worker verticles (no HTTP, no socket), with the same deadline header the HTTP side sets, and the reply re-enters
 * the calling isolate charged to the calling request. A body the other service streams (in no content coding) comes
 * as {@link Chunk}s to this binding's own address and reaches the script as it arrives; this side acknowledges them
 * with {@link Credit}s as its script reads, so the other worker's window paces it.
 */
public final class ServiceBindingHost {
  private final Vertx vertx;
  private final JsIsolate isolate;
  private final String target;
  private final Duration timeout;
  /** Where streamed bodies come; registered with the first call, on the isolate's context. */
  private String streamAddress;
  private MessageConsumer<Object> streamConsumer;
  /** The streamed answers coming in, by the id of their call: how they come, and where in the script they go. */
  private final Map<Long, Streamed> incoming = new java.util.HashMap<>();
  private long nextId;

  private record Streamed(IncomingChunks chunks, JsPushedBody body) {
  }

  ServiceBindingHost(Vertx vertx, JsIsolate isolate, ServiceBinding binding, Duration timeout) {
    this.vertx = vertx;
    this.isolate = isolate;
    this.target = binding.service();
    this.timeout = timeout;
  }

  /**
   * Sends one request; calls {@code resolve(status, headersFlat, bodyBuffer, corrupt, statusText)} or {@code reject(message)} later.
   * {@code target} is the request target (path and query) and {@code headersFlat} already carries the host.
   * A streamed body calls {@code resolve(status, headersFlat, null, null, statusText, true)}, which returns the
   * stream's pusher ({@code internal.pushedStream}). Returns the id {@link #resume} and {@link #cancel} take.
   */
  @HostAccess.Export
  public long fetch(String method, String requestTarget, Value headersFlat, Value body, Value resolve,
                    Value reject) {
    Object tag = isolate.currentTag();
    String requestId = isolate.requestIdOf(tag);
    if (vertx == null) {
      throw new IllegalStateException("service bindings are not available while checking a script");
    }
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (long i = 0; i + 1 < headersFlat.getArraySize(); i += 2) {
      fields.add(Map.entry(headersFlat.getArrayElement(i).asString(), headersFlat.getArrayElement(i + 1).asString()));
    }
    Request request = Request.of(method, requestTarget, Headers.of(fields), Bytes.of(body), "", requestId);
    long id = ++nextId;
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(timeout.toMillis())
        .addHeader(WorkerVerticle.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() + timeout.toMillis()))
        .addHeader(WorkerVerticle.STREAM_TO_HEADER, streamAddress())
        .addHeader(WorkerVerticle.STREAM_ID_HEADER, Long.toString(id));
    vertx.eventBus().<Response>request("bulwark.worker." + target, request, options).onComplete(ar -> {
      if (ar.succeeded() && ar.result().body().streamed()) {
        Response r = ar.result().body();
        // Its chunks come from the instance that streams it, which takes the credits.
        IncomingChunks chunks = new IncomingChunks(vertx, streamAddress, ar.result().headers().get(
            WorkerVerticle.INSTANCE_HEADER), id, () -> incoming.remove(id));
        JsPushedBody stream = new JsPushedBody(isolate, tag, chunks, "service '" + target + "' failed while streaming "
            + "its response body (see its log)");
        incoming.put(id, new Streamed(chunks, stream));
        List<String> flat = flat(r);
        String reason = r.reason().orElse("");
        isolate.enterLater(tag, () -> stream.attach(resolve.execute(r.status(), ProxyArray.fromList(
            new ArrayList<>(flat)), null, null, reason, true)));
        stream.begin();
        return;
      }
      if (ar.succeeded()) {
        Response r = ar.result().body();
        List<String> flat = flat(r);
        // As fetch() does: the script reads the decoded body, the headers stay (the other service encoded its body
        // only if this request's accept-encoding asked for it).
        String coding = r.headers().get("content-encoding").orElse(null);
        String who = "service '" + target + "'";
        ContentCoding.ForScript decoded;
        try {
          decoded = ContentCoding.forScript(r.bodyBytes(), coding, Integer.MAX_VALUE - 8, who);
        } catch (ContentCoding.TooLarge e) {
          decoded = new ContentCoding.ForScript(new byte[0], who + ": the decoded response body (content-encoding: "
              + coding + ") is larger than a Java array can hold");
        }
        Object bodyBuffer = decoded.body().length == 0 ? null : ByteBuffer.wrap(decoded.body());
        String error = decoded.corrupt();
        String reason = r.reason().orElse("");
        isolate.enterLater(tag, () -> resolve.executeVoid(r.status(), ProxyArray.fromList(new ArrayList<>(flat)),
            bodyBuffer, error, reason));
      } else {
        String message = describe(ar.cause());
        isolate.enterLater(tag, () -> reject.executeVoid(message));
      }
    });
    return id;
  }

  private static List<String> flat(Response r) {
    List<String> flat = new ArrayList<>();
    r.headers().forEach((n, v) -> {
      flat.add(n);
      flat.add(v);
    });
    return flat;
  }

  /** This binding's address for streamed bodies, registered at the first call (on the isolate's context). */
  private String streamAddress() {
    if (streamAddress == null) {
      streamAddress = "bulwark.binding." + java.util.UUID.randomUUID();
      streamConsumer = vertx.eventBus().consumer(streamAddress, m -> {
        if (m.body() instanceof Chunk c) {
          Streamed in = incoming.get(c.id());
          if (in != null) {
            in.chunks().arrived(c);
          }
        }
      });
    }
    return streamAddress;
  }

  /** The script's stream of a streamed body wants more: what it has taken is acknowledged. */
  @HostAccess.Export
  public void resume(long id) {
    Streamed in = incoming.get(id);
    if (in != null) {
      in.body().resume();
    }
  }

  /** The script's stream was cancelled: the other worker stops making the body. */
  @HostAccess.Export
  public void cancel(long id) {
    Streamed in = incoming.get(id);
    if (in != null) {
      in.body().cancel();
    }
  }

  /** Cancels the streamed bodies still coming and stops taking them; when the isolate closes. */
  void close() {
    for (Streamed in : new ArrayList<>(incoming.values())) {
      in.chunks().stop();
    }
    if (streamConsumer != null) {
      streamConsumer.unregister();
      streamConsumer = null;
      streamAddress = null;
    }
  }

  private String describe(Throwable cause) {
    if (cause instanceof ReplyException re) {
      return switch (re.failureType()) {
        case TIMEOUT -> "service '" + target + "' did not answer within " + timeout.toMillis() + " ms";
        case NO_HANDLERS -> "service '" + target + "' is not running";
        default -> re.failureCode() == WorkerVerticle.OVER_BUDGET
            ? "service '" + target + "' exceeded its resource budget (request id " + re.getMessage() + ")"
            : "service '" + target + "' failed (request id " + re.getMessage() + "; see its log)";
      };
    }
    return "service '" + target + "': " + cause;
  }
}
