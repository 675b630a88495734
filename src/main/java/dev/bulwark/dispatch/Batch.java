package dev.bulwark.dispatch;

import dev.bulwark.api.Request;
import java.util.List;

/**
 * Requests for one service that an event loop collected in one turn, carried to a worker verticle as one event-bus
 * message. One message per request costs a hand-off to the worker thread each; a batch pays it once. The worker
 * answers every item on its own, as soon as its handler is done, with an {@link Outcome} sent to {@code replyTo}, so
 * a slow item never holds back the answer of another.
 *
 * <p>A batch that never leaves the process also carries {@code local}, the sender's {@link OutcomeSink}: an outcome
 * that is the last word on its item (not a streamed head, no body following) goes there directly, which skips the
 * event bus's delivery on the way back and lets the sender take the outcomes that arrived together in one task. The
 * wire form has no such field, so across a cluster every outcome goes to {@code replyTo}.
 *
 * @param replyTo        event-bus address of the sending HTTP verticle's outcome consumer
 * @param deadlineMillis epoch milliseconds after which the sender has answered 504 and no longer waits
 * @param items          the requests, each with the id its outcome must carry
 * @param local          the sender's in-process way back, or null (the batch came over the wire, or a test sent it)
 */
public record Batch(String replyTo, long deadlineMillis, List<Item> items, OutcomeSink local) {
  public Batch {
    items = List.copyOf(items);
  }

  /** A batch whose outcomes all go to {@code replyTo} over the event bus. */
  public Batch(String replyTo, long deadlineMillis, List<Item> items) {
    this(replyTo, deadlineMillis, items, null);
  }

  /**
   * One request of a batch and the id that pairs its outcome with it on the sending side. With {@code bodyFollows},
   * the request's body is not in it: it comes after the batch as {@link Chunk}s from {@code replyTo} with this id,
   * and the worker acknowledges what its handler has taken with {@link Credit}s to {@code replyTo}.
   */
  public record Item(long id, Request request, boolean bodyFollows) {
    public Item(long id, Request request) {
      this(id, request, false);
    }
  }
}
