package dev.bulwark.config;

import java.time.Duration;

/**
 * Per-service limits.
 *
 * @param maxBodyBytes larger request bodies get 413
 * @param maxInFlight requests dispatched to the service and not yet answered; past it new ones get 503 + Retry-After
 * @param timeout how long a handler may take before the client gets 504
 * @param cpuBudget JavaScript workers: CPU time one request may use (its handler, timers and promise callbacks);
 *     past it the running code is interrupted and the client gets 503
 * @param wallBudget JavaScript workers: how long work for one request may go on, including {@code ctx.waitUntil}
 */
public record Limits(long maxBodyBytes, int maxInFlight, Duration timeout, Duration cpuBudget, Duration wallBudget) {
  public static final Limits DEFAULT = new Limits(1024 * 1024, 1024, Duration.ofSeconds(30), Duration.ofMillis(50),
      Duration.ofSeconds(30));

  /** Limits for a Java handler (CPU and wall budgets apply to JavaScript workers only). */
  public Limits(long maxBodyBytes, int maxInFlight, Duration timeout) {
    this(maxBodyBytes, maxInFlight, timeout, DEFAULT.cpuBudget, DEFAULT.wallBudget);
  }
}
