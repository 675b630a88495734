package dev.bulwark.api;

/**
 * A response body made while it is sent ({@link Response#stream}): server-sent events, a long export, a model's
 * tokens. The client gets each chunk as soon as it is written, with the response's head before the first.
 *
 * <p>The runtime calls {@link #start}, {@link #resume} and {@link #cancel} on the handler's worker thread, one at a
 * time. The {@link Sink} may be written from any thread. Flow control: {@link Sink#write} returns {@code false} once
 * the chunks the client has not yet taken reach the runtime's window (64 KiB); the stream should then wait for
 * {@link #resume} before it writes more. A write past the window is still sent, never dropped.
 */
public interface BodyStream {
  /** Called once, after the head is on its way: write chunks to {@code sink}, then end or fail it, exactly once. */
  void start(Sink sink);

  /** The client has taken what was written: there is room for more. */
  default void resume() {
  }

  /**
   * The client went away (or asked with HEAD, or the runtime stops): nothing more will be sent, writes are ignored.
   * Not called after the sink was ended or failed.
   */
  default void cancel() {
  }

  /** Where a {@link BodyStream} writes. */
  interface Sink {
    /**
     * Sends {@code chunk} (owned by the runtime from here on; an empty one is skipped). Returns whether there is room
     * for more now; {@code false} means: wait for {@link BodyStream#resume}. After the end, a failure or a cancel,
     * the chunk is dropped and {@code false} returned.
     */
    boolean write(byte[] chunk);

    /** The body is complete. */
    void end();

    /**
     * The body cannot be completed: the client sees the response cut short (the connection is reset, never a
     * clean end), and {@code cause} is logged with the request id.
     */
    void fail(Throwable cause);
  }
}
