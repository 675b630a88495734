package dev.bulwark.dispatch;

import java.nio.charset.StandardCharsets;

/**
 * A piece of a body that travels after its head: a streamed response body ({@link dev.bulwark.api.Response#stream}),
 * sent by the worker to the same address as the {@link Outcome} whose head it follows, and in order after it; or a
 * streamed request body, sent by the HTTP side to the worker instance that runs the request, after its batch.
 *
 * @param from  the sender's address: with {@code id}, it names the stream at a receiver that takes several senders'
 *              streams (a worker instance, from every event loop)
 * @param id    the id of the request or outcome the body belongs to
 * @param kind  {@link #DATA}, {@link #END} or {@link #FAIL}
 * @param bytes the data of a {@link #DATA} chunk; of a {@link #FAIL}, why, in UTF-8 (possibly empty); else empty
 */
public record Chunk(String from, long id, int kind, byte[] bytes) {
  /** Body bytes; the receiver acknowledges them with a {@link Credit} once it has taken them on. */
  public static final int DATA = 0;
  /** The body is complete. */
  public static final int END = 1;
  /**
   * The body cannot be completed: a response's client sees it cut short (the worker has logged why); a request's
   * handler sees its body error with the reason.
   */
  public static final int FAIL = 2;
  private static final byte[] NONE = new byte[0];

  public static Chunk data(String from, long id, byte[] bytes) {
    return new Chunk(from, id, DATA, bytes);
  }

  public static Chunk end(String from, long id) {
    return new Chunk(from, id, END, NONE);
  }

  public static Chunk fail(String from, long id) {
    return new Chunk(from, id, FAIL, NONE);
  }

  public static Chunk fail(String from, long id, String reason) {
    return new Chunk(from, id, FAIL, reason.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@link #FAIL} chunk's reason. */
  public String reason() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
