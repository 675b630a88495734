package dev.bulwark.js;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Happy Eyeballs v2 (RFC 8305, section 5) connection racing: addresses are tried in interleaved family order, IPv6
 * first; the next attempt starts when the previous one fails or after the "connection attempt delay" (250 ms by
 * default), whichever comes first. The first attempt to connect wins; every other attempt is closed as soon as it
 * connects (an attempt still in progress cannot be cancelled, so it is closed when it completes).
 *
 * <p>Generic in what a connection is, so that the fetch host races real HTTP client connections (the request then
 * goes out on the winner, with no extra handshake) and tests can race plain sockets.
 *
 * @param <C> a connection
 */
final class HappyEyeballs<C> {
  /** RFC 8305's recommended Connection Attempt Delay. */
  static final Duration DEFAULT_DELAY = Duration.ofMillis(250);

  private final Vertx vertx;
  private final Duration delay;
  private final Function<InetAddress, Future<C>> connect;
  private final Consumer<C> close;

  HappyEyeballs(Vertx vertx, Duration delay, Function<InetAddress, Future<C>> connect, Consumer<C> close) {
    this.vertx = vertx;
    this.delay = delay;
    this.connect = connect;
    this.close = close;
  }

  /** RFC 8305 section 4: alternate families, starting with IPv6 (the first family of the answer order kept). */
  static List<InetAddress> interleave(List<InetAddress> addresses) {
    List<InetAddress> v6 = new ArrayList<>();
    List<InetAddress> v4 = new ArrayList<>();
    for (InetAddress a : addresses) {
      (a instanceof Inet6Address ? v6 : v4).add(a);
    }
    List<InetAddress> out = new ArrayList<>(addresses.size());
    for (int i = 0; i < Math.max(v6.size(), v4.size()); i++) {
      if (i < v6.size()) {
        out.add(v6.get(i));
      }
      if (i < v4.size()) {
        out.add(v4.get(i));
      }
    }
    return out;
  }

  /** Races connections to {@code addresses}; fails with the last attempt's error when every attempt failed. */
  Future<C> connect(List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("no addresses to connect to"));
    }
    return new Race(interleave(addresses)).start();
  }

  private final class Race {
    private final List<InetAddress> order;
    private final Promise<C> winner = Promise.promise();
    private int next;
    private int pending;
    private long timer = -1;
    private Throwable lastError;

    Race(List<InetAddress> order) {
      this.order = order;
    }

    Future<C> start() {
      attempt();
      return winner.future();
    }

    private synchronized void attempt() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      if (winner.future().isComplete() || next >= order.size()) {
        return;
      }
      InetAddress address = order.get(next++);
      pending++;
      Future<C> f;
      try {
        f = connect.apply(address);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      if (next < order.size()) {
        timer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> attempt());
      }
      f.onComplete(ar -> settled(ar.succeeded() ? ar.result() : null, ar.cause()));
    }

    /** Attempts may complete on other threads than the one racing them (an event loop), hence the lock. */
    private synchronized void settled(C connection, Throwable error) {
      pending--;
      if (error == null) {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
          timer = -1;
        }
        if (!winner.tryComplete(connection)) {
          close.accept(connection);
        }
      } else if (!winner.future().isComplete()) {
        lastError = error;
        if (next < order.size()) {
          attempt();
        } else if (pending == 0) {
          winner.tryFail(lastError);
        }
      }
    }
  }
}
