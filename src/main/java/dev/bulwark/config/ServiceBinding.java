package dev.bulwark.config;

/**
 * A binding to another service of the same runtime, as workerd's service bindings: the worker calls
 * {@code env.NAME.fetch(request)} and the request travels over the event bus to that service's worker verticles,
 * never through HTTP.
 */
public record ServiceBinding(String service) {
}
