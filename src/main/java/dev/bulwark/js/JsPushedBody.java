package dev.bulwark.js;

import dev.bulwark.worker.IncomingBody;
import java.nio.ByteBuffer;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * A body on its way into a script's stream ({@code internal.pushedStream}) as it arrives: {@code request.body}, fed
 * as the HTTP side reads it from the client, or a service binding's streamed answer, fed as the other worker makes
 * it. What the stream has room for is acknowledged at once; what it queues over its 64 KiB mark only once the script
 * reads and the stream asks for more, so the sender goes no faster than the script reads. On the isolate's context.
 */
public final class JsPushedBody implements IncomingBody.Receiver {
  private final JsIsolate isolate;
  private final Object tag;
  private final IncomingBody body;
  /** What the script's stream errors with when the sender gives no reason. */
  private final String failure;
  private Value pusher;
  /** Bytes the stream has queued beyond its mark: acknowledged once it asks for more. */
  private long owed;
  /** Ended, failed, or cancelled by the script: nothing more goes into the stream. */
  private boolean over;

  JsPushedBody(JsIsolate isolate, Object tag, IncomingBody body, String failure) {
    this.isolate = isolate;
    this.tag = tag;
    this.body = body;
    this.failure = failure;
  }

  /** The script's pusher for the stream, given before anything reads it. */
  @HostAccess.Export
  public void attach(Value pusher) {
    this.pusher = pusher;
  }

  /** The stream wants more. */
  @HostAccess.Export
  public void resume() {
    if (owed > 0) {
      long n = owed;
      owed = 0;
      body.taken(n);
    }
  }

  /** The script cancelled {@code request.body}. */
  @HostAccess.Export
  public void cancel() {
    over = true; // first: cancelling tells this receiver why it stops, which the script has no use for
    body.cancel();
  }

  /** Starts the delivery, once the script holds the pusher. */
  void begin() {
    if (pusher == null) {
      body.cancel(); // the script failed before it made the stream: nobody reads it
    } else {
      body.start(this);
    }
  }

  @Override
  public void data(byte[] bytes) {
    isolate.enterLater(tag, () -> {
      if (pusher.invokeMember("chunk", ByteBuffer.wrap(bytes)).asBoolean()) {
        long n = owed + bytes.length;
        owed = 0;
        body.taken(n);
      } else {
        owed += bytes.length;
      }
    });
  }

  @Override
  public void end() {
    if (!over) {
      over = true;
      isolate.enterLater(tag, () -> pusher.invokeMember("end"));
    }
  }

  @Override
  public void fail(String reason) {
    if (!over) {
      over = true;
      isolate.enterLater(tag, () -> pusher.invokeMember("fail", reason.isEmpty() ? failure : reason));
    }
  }
}
