package dev.bulwark.config;

import java.util.Map;

/**
 * One service: a handler, how many worker-verticle instances run it (each calls its own handler instance, one
 * request at a time), its bindings, its limits and (JavaScript) its outbound fetch and Cache API settings.
 */
public record ServiceConfig(String name, HandlerSource handler, int instances, Map<String, Object> bindings,
                            Limits limits, FetchConfig fetch, CacheConfig cache) {
  public ServiceConfig {
    bindings = Map.copyOf(bindings);
    fetch = fetch == null ? FetchConfig.DEFAULT : fetch;
    cache = cache == null ? CacheConfig.DEFAULT : cache;
  }

  /** A service with the default Cache API settings. */
  public ServiceConfig(String name, HandlerSource handler, int instances, Map<String, Object> bindings, Limits limits,
                       FetchConfig fetch) {
    this(name, handler, instances, bindings, limits, fetch, CacheConfig.DEFAULT);
  }

  /** A service with the default outbound fetch settings. */
  public ServiceConfig(String name, HandlerSource handler, int instances, Map<String, Object> bindings, Limits limits) {
    this(name, handler, instances, bindings, limits, FetchConfig.DEFAULT, CacheConfig.DEFAULT);
  }

  /** The event-bus address its worker verticles consume. */
  public String address() {
    return "bulwark.worker." + name;
  }

  /**
   * The address only worker instance {@code index} (0 to {@code instances - 1}) consumes, where the HTTP side sends
   * the batches it deals to that instance. A service name has no dot, so this never is another service's address.
   */
  public String instanceAddress(int index) {
    return address() + "." + index;
  }

  /**
   * Whether its handlers take a request body as it arrives instead of whole: a JavaScript worker's
   * {@code request.body} is a stream, as in workerd. A Java handler's {@code Request} holds its whole body.
   */
  public boolean streamsRequestBodies() {
    return handler instanceof HandlerSource.Script;
  }
}
