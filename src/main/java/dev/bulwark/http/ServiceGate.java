package dev.bulwark.http;

import dev.bulwark.config.ServiceConfig;
import dev.bulwark.observe.Metrics;
import dev.bulwark.observe.ServiceMeters;

/**
 * What the HTTP side needs to dispatch to one service, shared by every event loop: its settings, its admission
 * bound, its meters and how busy each of its worker instances is.
 */
public record ServiceGate(ServiceConfig config, AdmissionControl admission, ServiceMeters meters, WorkerLoad load) {
  public static ServiceGate of(ServiceConfig config, Metrics metrics) {
    return new ServiceGate(config, new AdmissionControl(config.limits().maxInFlight()),
        metrics.service(config.name()), new WorkerLoad(config.instances()));
  }
}
