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
  private final ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> connections = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The meters of one service (or {@link #NO_SERVICE}); resolve once and keep. */
  public ServiceMeters service(String name) {
    return services.computeIfAbsent(name, n -> new ServiceMeters(registry, n));
  }

  /** The open-connections gauge of one socket: {@code bulwark_http_connections{socket}}. */
  public java.util.concurrent.atomic.AtomicLong connections(String socket) {
    return connections.computeIfAbsent(socket, n -> {
      java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();
      io.micrometer.core.instrument.Gauge.builder("bulwark.http.connections", value, java.util.concurrent.atomic.AtomicLong::get)
          .description("Open HTTP connections").tag("socket", n).register(registry);
      return value;
    });
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
