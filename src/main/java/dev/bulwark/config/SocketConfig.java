package dev.bulwark.config;

import java.util.List;

/**
 * A listener: an address, the routes that map its requests to services, and its listen backlog (connections the
 * kernel queues before accept; large enough by default that a burst of aborted connections cannot fill it).
 */
public record SocketConfig(String name, ListenAddress address, List<RouteConfig> routes, int backlog) {
  public static final int DEFAULT_BACKLOG = 4096;

  public SocketConfig {
    routes = List.copyOf(routes);
  }
}
