package dev.bulwark.config;

import java.util.Map;

/**
 * One service: a handler, how many worker-verticle instances run it (each calls its own handler instance, one
 * request at a time), its bindings and its limits.
 */
public record ServiceConfig(String name, HandlerSource handler, int instances, Map<String, Object> bindings,
                            Limits limits) {
  public ServiceConfig {
    bindings = Map.copyOf(bindings);
  }

  /** The event-bus address its worker verticles consume. */
  public String address() {
    return "bulwark.worker." + name;
  }
}
