package dev.bulwark.http;

import dev.bulwark.config.ServiceConfig;
import dev.bulwark.observe.Metrics;
import dev.bulwark.observe.ServiceMeters;

/** What the HTTP side needs to dispatch to one service: its settings, its shared admission bound, its meters. */
public record ServiceGate(ServiceConfig config, AdmissionControl admission, ServiceMeters meters) {
  public static ServiceGate of(ServiceConfig config, Metrics metrics) {
    return new ServiceGate(config, new AdmissionControl(config.limits().maxInFlight()),
        metrics.service(config.name()));
  }
}
