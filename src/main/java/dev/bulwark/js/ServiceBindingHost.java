package dev.bulwark.js;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.ServiceBinding;
import dev.bulwark.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
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
 * the calling isolate charged to the calling request.
 */
public final class ServiceBindingHost {
  private final Vertx vertx;
  private final JsIsolate isolate;
  private final String target;
  private final Duration timeout;

  ServiceBindingHost(Vertx vertx, JsIsolate isolate, ServiceBinding binding, Duration timeout) {
    this.vertx = vertx;
    this.isolate = isolate;
    this.target = binding.service();
    this.timeout = timeout;
  }

  /**
   * Sends one request; calls {@code resolve(status, headersFlat, bodyBuffer, corrupt, statusText)} or {@code reject(message)} later.
   * {@code target} is the request target (path and query) and {@code headersFlat} already carries the host.
   */
  @HostAccess.Export
  public void fetch(String method, String requestTarget, Value headersFlat, Value body, Value resolve,
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
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(timeout.toMillis())
        .addHeader(WorkerVerticle.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() + timeout.toMillis()));
    vertx.eventBus().<Response>request("bulwark.worker." + target, request, options).onComplete(ar -> {
      if (ar.succeeded()) {
        Response r = ar.result().body();
        List<String> flat = new ArrayList<>();
        r.headers().forEach((n, v) -> {
          flat.add(n);
          flat.add(v);
        });
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
