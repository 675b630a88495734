package dev.bulwark.config;

import java.time.Duration;

/**
 * Per-service limits.
 *
 * @param maxBodyBytes larger request bodies get 413
 * @param maxInFlight requests dispatched to the service and not yet answered; past it new ones get 503 + Retry-After
 * @param timeout how long a handler may take before the client gets 504
 */
public record Limits(long maxBodyBytes, int maxInFlight, Duration timeout) {
  public static final Limits DEFAULT = new Limits(1024 * 1024, 1024, Duration.ofSeconds(30));
}
