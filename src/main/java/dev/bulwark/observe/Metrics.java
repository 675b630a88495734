package dev.bulwark.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Bulwark's meters, in one Prometheus registry shared with Vert.x's own metrics (vertx-micrometer-metrics).
 *
 * <ul>
 *   <li>{@code bulwark_requests_total{service,status}}: answered requests.</li>
 *   <li>{@code bulwark_request_duration_seconds{service}}: histogram from request received to response written.</li>
 * </ul>
 */
public final class Metrics {
  /** Service label of requests that matched no route. */
  public static final String NO_SERVICE = "none";

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void recordRequest(String service, int status, long nanos) {
    counters.computeIfAbsent(service + '\0' + status, k -> Counter.builder("bulwark.requests")
        .description("HTTP requests answered, by service and status")
        .tag("service", service).tag("status", Integer.toString(status))
        .register(registry)).increment();
    timers.computeIfAbsent(service, k -> Timer.builder("bulwark.request.duration")
        .description("Time from request received to response written")
        .tag("service", service)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
