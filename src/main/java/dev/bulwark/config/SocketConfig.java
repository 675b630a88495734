package dev.bulwark.config;

import java.util.List;

/** A listener: an address and the routes that map its requests to services. */
public record SocketConfig(String name, ListenAddress address, List<RouteConfig> routes) {
  public SocketConfig {
    routes = List.copyOf(routes);
  }
}
