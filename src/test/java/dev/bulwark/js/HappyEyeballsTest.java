package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection racing against loopback servers that listen on one family only. This machine's /etc/hosts maps
 * localhost to 127.0.0.1 alone, so the "name that resolves to both" is given as its answer: [::1, 127.0.0.1].
 */
class HappyEyeballsTest {
  private static final InetAddress V6;
  private static final InetAddress V4;

  static {
    try {
      V6 = InetAddress.getByName("::1");
      V4 = InetAddress.getByName("127.0.0.1");
    } catch (java.net.UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Vertx vertx;
  private NetClient client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private NetServer listen(String host, AtomicInteger closed) throws Exception {
    return listen(host, new AtomicInteger(), closed);
  }

  private NetServer listen(String host, AtomicInteger accepted, AtomicInteger closed) throws Exception {
    return vertx.createNetServer().connectHandler(s -> {
      accepted.incrementAndGet();
      s.closeHandler(v -> closed.incrementAndGet());
    }).listen(0, host).await(10, TimeUnit.SECONDS);
  }

  /** A free port on both families: a port taken on one and freed is normally free on the other. */
  private static int closedPort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, V6)) {
      return s.getLocalPort();
    }
  }

  private HappyEyeballs<NetSocket> race(Duration delay, Function<InetAddress, Integer> port) {
    return new HappyEyeballs<>(vertx, delay, a -> client.connect(port.apply(a), a.getHostAddress()), NetSocket::close);
  }

  @Test
  void interleavesFamiliesStartingWithIpv6() throws Exception {
    InetAddress v4b = InetAddress.getByName("127.0.0.2");
    InetAddress v6b = InetAddress.getByName("::2");
    assertEquals(List.of(V6, V4, v6b, v4b), HappyEyeballs.interleave(List.of(V4, v4b, V6, v6b)));
    assertEquals(List.of(V4, v4b), HappyEyeballs.interleave(List.of(V4, v4b)));
  }

  @Test
  void serverOnIpv4OnlySucceedsViaIpv4() throws Exception {
    NetServer server = listen("127.0.0.1", new AtomicInteger());
    int port = server.actualPort();
    long t0 = System.nanoTime();
    NetSocket s = race(HappyEyeballs.DEFAULT_DELAY, a -> port).connect(List.of(V6, V4)).await(10, TimeUnit.SECONDS);
    assertEquals("127.0.0.1", s.remoteAddress().host());
    // ::1 refuses at once, so IPv4 starts without waiting out the attempt delay.
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1000));
    s.close();
  }

  @Test
  void serverOnIpv6OnlyIpv6Wins() throws Exception {
    NetServer server = listen("::1", new AtomicInteger());
    int port = server.actualPort();
    NetSocket s = race(HappyEyeballs.DEFAULT_DELAY, a -> port).connect(List.of(V4, V6)).await(10, TimeUnit.SECONDS);
    assertTrue(s.remoteAddress().host().contains(":"), s.remoteAddress().host());
    s.close();
  }

  @Test
  void slowIpv6LosesToIpv4AfterTheDelayAndIsClosed() throws Exception {
    AtomicInteger closedV6 = new AtomicInteger();
    AtomicInteger closedV4 = new AtomicInteger();
    NetServer v6 = listen("::1", closedV6);
    NetServer v4 = listen("127.0.0.1", closedV4);
    CountDownLatch v6Connected = new CountDownLatch(1);
    // IPv6 connects, but only after 600 ms: a slow path. IPv4 starts after the 250 ms delay and wins.
    HappyEyeballs<NetSocket> race = new HappyEyeballs<>(vertx, HappyEyeballs.DEFAULT_DELAY, a -> {
      if (a.equals(V4)) {
        return client.connect(v4.actualPort(), "127.0.0.1");
      }
      Promise<NetSocket> slow = Promise.promise();
      client.connect(v6.actualPort(), "::1").onSuccess(sock -> {
        v6Connected.countDown();
        vertx.setTimer(600, t -> slow.complete(sock));
      }).onFailure(slow::fail);
      return slow.future();
    }, NetSocket::close);
    long t0 = System.nanoTime();
    NetSocket winner = race.connect(List.of(V6, V4)).await(10, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals("127.0.0.1", winner.remoteAddress().host());
    assertTrue(ms >= 240 && ms < 600, "IPv4 should win after the attempt delay, took " + ms + " ms");
    assertTrue(v6Connected.await(5, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (closedV6.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, closedV6.get(), "the losing IPv6 connection is closed");
    assertEquals(0, closedV4.get(), "the winner stays open");
    winner.close();
  }

  @Test
  void bothConnectingTheLoserIsClosed() throws Exception {
    AtomicInteger closedV6 = new AtomicInteger();
    AtomicInteger closedV4 = new AtomicInteger();
    AtomicInteger acceptedV6 = new AtomicInteger();
    AtomicInteger acceptedV4 = new AtomicInteger();
    NetServer v6 = listen("::1", acceptedV6, closedV6);
    NetServer v4 = listen("127.0.0.1", acceptedV4, closedV4);
    // A 1 ms attempt delay starts both at once; whichever loses must be closed, the winner kept.
    NetSocket winner = race(Duration.ofMillis(1), a -> a.equals(V4) ? v4.actualPort() : v6.actualPort())
        .connect(List.of(V6, V4)).await(10, TimeUnit.SECONDS);
    boolean v6Won = winner.remoteAddress().host().contains(":");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (closedV6.get() + closedV4.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(200);
    // The loser may not have started if the winner connected within the 1 ms; if it connected, it was closed.
    assertEquals(0, v6Won ? closedV6.get() : closedV4.get(), "the winner stays open");
    AtomicInteger loserAccepted = v6Won ? acceptedV4 : acceptedV6;
    assertEquals(loserAccepted.get(), (v6Won ? closedV4 : closedV6).get(), "every losing connection is closed");
    winner.close();
  }

  @Test
  void failsWhenEveryAttemptFails() throws Exception {
    int port = closedPort();
    Future<NetSocket> f = race(HappyEyeballs.DEFAULT_DELAY, a -> port).connect(List.of(V6, V4));
    Exception e = assertThrows(Exception.class, () -> f.await(10, TimeUnit.SECONDS));
    assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("refused"), String.valueOf(e));
  }
}
