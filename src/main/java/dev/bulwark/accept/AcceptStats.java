package dev.bulwark.accept;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The accept guard's counters:
 * <ul>
 *   <li>{@code bulwark_accept_aborted_total{reason}}: accepted sockets closed before Vert.x saw them;</li>
 *   <li>{@code bulwark_accept_errors_total{errno}}: errors accept() itself returned;</li>
 *   <li>{@code bulwark_accept_paused_seconds_total}: time Netty's acceptor spent with accepting paused (stays 0
 *   while the guard works).</li>
 * </ul>
 */
public final class AcceptStats {
  /** Reasons a socket is closed at accept time. */
  public static final String NO_PEER = "no_peer_address";
  public static final String EMPTY_PEER = "empty_peer_address";
  public static final String PEER_GONE = "peer_gone";
  public static final String RESET = "reset";
  public static final String CLOSED = "closed";
  public static final String FD_LIMIT = "fd_limit";
  public static final String GUARD_ERROR = "guard_error";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> aborted = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();
  private final Counter paused;

  public AcceptStats(MeterRegistry registry) {
    this.registry = registry;
    this.paused = Counter.builder("bulwark.accept.paused.seconds")
        .description("Seconds accepting was paused by Netty's acceptor after an accept error (0 while guarded)")
        .register(registry);
    // Register every reason up front: all counters show on /metrics from the start, and nothing is created
    // lazily on the accept path at a time when memory or file descriptors may be short.
    for (String r : new String[] {NO_PEER, EMPTY_PEER, PEER_GONE, RESET, CLOSED, FD_LIMIT, GUARD_ERROR}) {
      abortedCounter(r);
    }
    for (String e : new String[] {"EMFILE", "ENFILE", "ECONNABORTED", "ENOBUFS", "ENOMEM", "EPERM", "OTHER"}) {
      errorCounter(e);
    }
  }

  void aborted(String reason) {
    abortedCounter(reason).increment();
  }

  void error(String errno) {
    errorCounter(errno).increment();
  }

  void paused(double seconds) {
    paused.increment(seconds);
  }

  public double abortedCount(String reason) {
    return abortedCounter(reason).count();
  }

  public double errorCount(String errno) {
    return errorCounter(errno).count();
  }

  public double pausedSeconds() {
    return paused.count();
  }

  private Counter abortedCounter(String reason) {
    return aborted.computeIfAbsent(reason, r -> Counter.builder("bulwark.accept.aborted")
        .description("Accepted sockets closed by the accept guard before the HTTP server saw them")
        .tag("reason", r).register(registry));
  }

  private Counter errorCounter(String errno) {
    return errors.computeIfAbsent(errno, e -> Counter.builder("bulwark.accept.errors")
        .description("Errors returned by accept(), absorbed by the accept guard")
        .tag("errno", e).register(registry));
  }
}
