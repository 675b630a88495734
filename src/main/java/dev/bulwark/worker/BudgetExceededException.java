package dev.bulwark.worker;

/**
 * A handler used more of a per-request budget (CPU time of a JavaScript worker) than its service allows. The client
 * gets 503, like workerd's "exceeded CPU limit"; other requests are not affected.
 */
public final class BudgetExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BudgetExceededException(String message) {
    super(message, null, false, false);
  }
}
