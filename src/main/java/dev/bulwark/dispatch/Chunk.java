package dev.bulwark.dispatch;

/**
 * A piece of a streamed response body ({@link dev.bulwark.api.Response#stream}), sent by the worker to the same
 * address as the {@link Outcome} whose head it follows, and in order after it.
 *
 * @param id    the outcome's id
 * @param kind  {@link #DATA}, {@link #END} or {@link #FAIL}
 * @param bytes the data of a {@link #DATA} chunk, else empty
 */
public record Chunk(long id, int kind, byte[] bytes) {
  /** Body bytes; the receiver acknowledges them with a {@link Credit} once written. */
  public static final int DATA = 0;
  /** The body is complete. */
  public static final int END = 1;
  /** The body cannot be completed (the worker has logged why): the client's response is cut short. */
  public static final int FAIL = 2;
  private static final byte[] NONE = new byte[0];

  public static Chunk data(long id, byte[] bytes) {
    return new Chunk(id, DATA, bytes);
  }

  public static Chunk end(long id) {
    return new Chunk(id, END, NONE);
  }

  public static Chunk fail(long id) {
    return new Chunk(id, FAIL, NONE);
  }
}
