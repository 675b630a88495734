package dev.bulwark.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request meters of one service, resolved once so that recording a request is an array read and two atomic
 * adds, not a registry lookup: {@code bulwark_requests_total{service,status}} and
 * {@code bulwark_request_duration_seconds{service}}.
 */
public final class ServiceMeters {
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30)};

  private final MeterRegistry registry;
  private final String service;
  private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);
  private final Timer duration;

  ServiceMeters(MeterRegistry registry, String service) {
    this.registry = registry;
    this.service = service;
    this.duration = Timer.builder("bulwark.request.duration")
        .description("Time from request received to response written")
        .tag("service", service)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  public void record(int status, long nanos) {
    int s = status >= 100 && status < 600 ? status : 599;
    Counter c = byStatus.get(s);
    if (c == null) {
      c = Counter.builder("bulwark.requests")
          .description("HTTP requests answered, by service and status")
          .tag("service", service).tag("status", Integer.toString(s))
          .register(registry);
      byStatus.set(s, c);
    }
    c.increment();
    duration.record(nanos, TimeUnit.NANOSECONDS);
  }
}
