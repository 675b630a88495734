package dev.bulwark.dispatch;

import dev.bulwark.api.Response;

/**
 * What became of one {@link Batch.Item}: the handler's response, or a failure code (the worker has logged the
 * details with the request id; the HTTP side only needs to know which answer to give), and what the sender needs to
 * deal out the next requests: which worker instance ran it and for how long it kept that instance's thread.
 *
 * @param id       the item's id
 * @param response the response, or null when the item failed
 * @param failure  0 when answered, otherwise the worker's failure code
 * @param instance the index of the worker instance that took the item (its {@code instanceAddress})
 * @param runNanos how long the handler call held the worker thread, or -1 when the item was not run
 */
public record Outcome(long id, Response response, int failure, int instance, long runNanos) {
  public Outcome {
    if ((response == null) == (failure == 0)) {
      throw new IllegalArgumentException("an outcome is either a response or a failure code");
    }
  }

  public static Outcome answered(long id, Response response, int instance, long runNanos) {
    return new Outcome(id, response, 0, instance, runNanos);
  }

  public static Outcome failed(long id, int failure, int instance, long runNanos) {
    return new Outcome(id, null, failure, instance, runNanos);
  }
}
