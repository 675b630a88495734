package dev.bulwark.config;

/**
 * Sends requests for a host (or any host when {@code host} is null) whose path starts with {@code pathPrefix}
 * to {@code service}. The most specific route wins: an exact host before any host, then the longer prefix.
 */
public record RouteConfig(String host, String pathPrefix, String service) {
}
