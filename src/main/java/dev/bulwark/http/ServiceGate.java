package dev.bulwark.http;

import dev.bulwark.config.ServiceConfig;

/** What the HTTP side needs to dispatch to one service: its settings and its shared admission bound. */
public record ServiceGate(ServiceConfig config, AdmissionControl admission) {
  public static ServiceGate of(ServiceConfig config) {
    return new ServiceGate(config, new AdmissionControl(config.limits().maxInFlight()));
  }
}
