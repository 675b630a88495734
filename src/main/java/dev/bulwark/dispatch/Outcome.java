package dev.bulwark.dispatch;

import dev.bulwark.api.Response;

/**
 * What became of one {@link Batch.Item}: the handler's response, or a failure code (the worker has logged the
 * details with the request id; the HTTP side only needs to know which answer to give).
 *
 * @param id       the item's id
 * @param response the response, or null when the item failed
 * @param failure  0 when answered, otherwise the worker's failure code
 */
public record Outcome(long id, Response response, int failure) {
  public Outcome {
    if ((response == null) == (failure == 0)) {
      throw new IllegalArgumentException("an outcome is either a response or a failure code");
    }
  }

  public static Outcome answered(long id, Response response) {
    return new Outcome(id, response, 0);
  }

  public static Outcome failed(long id, int failure) {
    return new Outcome(id, null, failure);
  }
}
