package dev.bulwark.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests of one service that are dispatched and not yet answered, across every event loop. Past the
 * bound a request is refused at once (503 + Retry-After) instead of queueing behind a slow handler.
 */
public final class AdmissionControl {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public AdmissionControl(int max) {
    this.max = max;
  }

  public boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= max) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
