package dev.bulwark.config;

import java.util.List;
import java.util.Optional;

/**
 * A whole, validated runtime configuration. Build it with {@link ConfigParser} (from YAML/JSON) or
 * {@link #single} (one handler with defaults); both check every rule, so a {@code RuntimeConfig} can always be served.
 *
 * @param origin where it came from, for messages ("conf/runtime.yaml", "embedded default")
 * @param admin the admin listener address, or empty when it is off
 * @param vertxMetrics how much of Vert.x's own metrics to collect
 */
public record RuntimeConfig(String origin, List<SocketConfig> sockets, List<ServiceConfig> services, HttpConfig http,
                            Optional<ListenAddress> admin, VertxMetrics vertxMetrics) {

  /**
   * Vert.x's own metrics (vertx-micrometer-metrics). {@code BASIC} leaves out the per-request HTTP and per-message
   * event-bus meters, which cost a registry look-up on every request and duplicate Bulwark's own request metrics.
   */
  public enum VertxMetrics { OFF, BASIC, FULL }

  public RuntimeConfig {
    sockets = List.copyOf(sockets);
    services = List.copyOf(services);
  }

  public ServiceConfig service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }
}
