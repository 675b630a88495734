package dev.bulwark.observe;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Bulwark's meters, in one Prometheus registry shared with Vert.x's own metrics (vertx-micrometer-metrics) and the
 * accept guard's counters.
 */
public final class Metrics {
  /** Service label of requests that matched no route. */
  public static final String NO_SERVICE = "none";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<String, ServiceMeters> services = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The meters of one service (or {@link #NO_SERVICE}); resolve once and keep. */
  public ServiceMeters service(String name) {
    return services.computeIfAbsent(name, n -> new ServiceMeters(registry, n));
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
