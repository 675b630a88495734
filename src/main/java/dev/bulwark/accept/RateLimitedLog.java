package dev.bulwark.accept;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At most one log line per second per key, saying how many were suppressed in between: a flood of aborted
 * connections must not become a flood of log lines (nor of disk writes).
 */
public final class RateLimitedLog {
  private static final long INTERVAL_NANOS = 1_000_000_000L;

  private final Logger log;
  private final ConcurrentMap<String, State> states = new ConcurrentHashMap<>();

  private static final class State {
    final AtomicLong last = new AtomicLong(System.nanoTime() - 2 * INTERVAL_NANOS);
    final AtomicLong suppressed = new AtomicLong();
  }

  public RateLimitedLog(Logger log) {
    this.log = log;
  }

  public void log(Level level, String key, String message) {
    State s = states.computeIfAbsent(key, k -> new State());
    long now = System.nanoTime();
    long last = s.last.get();
    if (now - last < INTERVAL_NANOS || !s.last.compareAndSet(last, now)) {
      s.suppressed.incrementAndGet();
      return;
    }
    long skipped = s.suppressed.getAndSet(0);
    try {
      log.log(level, skipped == 0 ? message : message + " (and " + skipped + " more like it in the last second(s))");
    } catch (Throwable t) {
      // Logging must never take the accept path down with it.
    }
  }
}
