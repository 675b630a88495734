package dev.bulwark.worker;

/**
 * A request body that arrives after its head, as the HTTP side reads it from the client (a JavaScript service's
 * request with a body of unknown length or over the size sent whole): what {@link HandlerFactory.Invoker#invoke(
 * dev.bulwark.api.Request, dev.bulwark.api.Env, IncomingBody)} gets with it. Every method, and every call to the
 * {@link Receiver}, happens on the invoking worker verticle's context.
 *
 * <p>Flow control: the HTTP side sends a window of bytes ahead, then waits for the handler to take them; a receiver
 * says what it has taken with {@link #taken}, and the client is read no faster than that.
 */
public interface IncomingBody {
  /** Starts delivery to {@code receiver}: what arrived already comes first. Once. */
  void start(Receiver receiver);

  /** {@code bytes} delivered to the receiver are taken on: that much more may come. */
  void taken(long bytes);

  /** Nothing more is wanted; the HTTP side reads the rest and throws it away. */
  void cancel();

  /** Where the body goes. */
  interface Receiver {
    void data(byte[] bytes);

    void end();

    /** The body cannot be completed: the client left, sent too much or stalled. */
    void fail(String reason);
  }
}
