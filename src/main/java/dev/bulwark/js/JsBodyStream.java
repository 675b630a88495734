package dev.bulwark.js;

import dev.bulwark.api.BodyStream;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * A worker's response body that is a ReadableStream, sent while the script makes it: the pump of
 * {@code internal.bodyPump} (35-response.js) reads the stream in the isolate and writes each chunk here, encoded as
 * the response's Content-Encoding says when the client takes it ({@link ContentCoding#decide}). Every call into the
 * script is an entry charged to the request that answered ({@link JsIsolate#enterLater}), so the CPU budget still
 * holds for all the work the body takes; the wall-time budget ends with the head.
 */
final class JsBodyStream implements BodyStream {
  private final JsIsolate isolate;
  private final Object tag;
  private final Value pump;
  private final ContentCoding.StreamEncoder encoder;
  private Sink sink;
  /** Ended, failed or cancelled: what the script still writes is dropped (the encoder is closed). */
  private boolean over;

  /** {@code encoding}: the coding to apply (from {@link ContentCoding#decide}), or null. */
  JsBodyStream(JsIsolate isolate, Object tag, Value pump, String encoding) {
    this.isolate = isolate;
    this.tag = tag;
    this.pump = pump;
    this.encoder = encoding == null ? null : new ContentCoding.StreamEncoder(encoding);
  }

  @Override
  public void start(Sink sink) {
    this.sink = sink;
    isolate.streaming(tag, this);
    ProxyExecutable write = args -> {
      if (over) {
        return false;
      }
      byte[] bytes = Bytes.of(args[0]);
      return sink.write(encoder == null ? bytes : encoder.encode(bytes));
    };
    ProxyExecutable end = args -> {
      if (over) {
        return null;
      }
      over = true;
      isolate.streamed(tag, this);
      if (encoder != null) {
        sink.write(encoder.finish());
      }
      sink.end();
      return null;
    };
    ProxyExecutable fail = args -> {
      failed(new JsError(args[0].isString() ? args[0].asString() : String.valueOf(args[0])));
      return null;
    };
    isolate.enterLater(tag, () -> pump.invokeMember("start", write, end, fail));
  }

  @Override
  public void resume() {
    isolate.enterLater(tag, () -> pump.invokeMember("resume"));
  }

  @Override
  public void cancel() {
    if (stop()) {
      isolate.enterLater(tag, () -> pump.invokeMember("cancel"));
    }
  }

  /** The body cannot be completed: the stream errored, its request ran out of budget, or the isolate was closed. */
  void failed(Throwable cause) {
    if (stop() && sink != null) {
      sink.fail(cause);
    }
  }

  /** Ends this body without its end (cancelled or failed): false if it was over already. */
  private boolean stop() {
    if (over) {
      return false;
    }
    over = true;
    isolate.streamed(tag, this);
    if (encoder != null) {
      encoder.discard();
    }
    return true;
  }
}
