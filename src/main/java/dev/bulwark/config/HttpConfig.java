package dev.bulwark.config;

import java.time.Duration;

/**
 * HTTP limits shared by every socket.
 *
 * @param maxHeaderBytes total size of the request's header fields; larger gets 431
 * @param maxInitialLineBytes request line length; longer gets 414
 * @param idleTimeout a connection with no traffic for this long is closed
 * @param eventLoopInstances HTTP-server verticle instances, each on its own event loop; 0 means one per core
 * @param shutdownGrace on shutdown, how long requests in flight may take to finish after accepting stops
 * @param bodyTimeout how long a request body may take to arrive in full; slower gets 408 (a slow-body client must
 *     not hold a service's in-flight slot for ever)
 * @param deferAccept on Linux, TCP_DEFER_ACCEPT on every listener: the kernel hands a connection to accept() only
 *     once its first bytes arrive (or this long after the handshake), so one the client resets before sending
 *     anything never takes a place in the accept queue; zero turns it off. Every listener speaks HTTP, where the
 *     client talks first, so a legitimate connection is not delayed.
 */
public record HttpConfig(int maxHeaderBytes, int maxInitialLineBytes, Duration idleTimeout, int eventLoopInstances,
                         Duration shutdownGrace, Duration bodyTimeout, Duration deferAccept) {
  public static final HttpConfig DEFAULT = new HttpConfig(8192, 4096, Duration.ofSeconds(60), 0,
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(1));
}
