package dev.bulwark.config;

/**
 * The Cache API of a JavaScript worker (service key {@code cache}): {@code caches.default} and
 * {@code caches.open(name)} keep responses in memory, shared by the service's isolates.
 *
 * @param maxBytes the most the service's caches hold in all (bodies and headers); the least valuable entries are
 *     evicted first. 0 turns the cache off: {@code match} finds nothing, {@code put} stores nothing.
 */
public record CacheConfig(long maxBytes) {
  public static final CacheConfig DEFAULT = new CacheConfig(32L * 1024 * 1024);
}
