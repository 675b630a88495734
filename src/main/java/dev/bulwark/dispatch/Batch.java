package dev.bulwark.dispatch;

import dev.bulwark.api.Request;
import java.util.List;

/**
 * Requests for one service that an event loop collected in one turn, carried to a worker verticle as one event-bus
 * message. One message per request costs a hand-off to the worker thread each; a batch pays it once. The worker
 * answers every item on its own, as soon as its handler is done, with an {@link Outcome} sent to {@code replyTo}, so
 * a slow item never holds back the answer of another.
 *
 * @param replyTo        event-bus address of the sending HTTP verticle's outcome consumer
 * @param deadlineMillis epoch milliseconds after which the sender has answered 504 and no longer waits
 * @param items          the requests, each with the id its outcome must carry
 */
public record Batch(String replyTo, long deadlineMillis, List<Item> items) {
  public Batch {
    items = List.copyOf(items);
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
