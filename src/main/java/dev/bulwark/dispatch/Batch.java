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

  /** One request of a batch and the id that pairs its outcome with it on the sending side. */
  public record Item(long id, Request request) {
  }
}
