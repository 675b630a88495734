package dev.bulwark.dispatch;

/**
 * The in-process way back for a {@link Batch}'s outcomes: the sending event loop's own queue, which a worker thread
 * hands an {@link Outcome} to directly instead of sending it to {@link Batch#replyTo} over the event bus. It exists
 * only on the batch object that the local bus passes as it is; a batch that crosses a cluster arrives without one,
 * and its outcomes take the event bus. Callable from any thread.
 */
@FunctionalInterface
public interface OutcomeSink {
  void accept(Outcome outcome);
}
