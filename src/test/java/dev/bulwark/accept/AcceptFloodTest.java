package dev.bulwark.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Hello;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The seed scenario on Linux, in process: a client aborts connections (RST right after the handshake) at both
 * loopbacks while a legitimate client keeps making requests on fresh connections. Nothing legitimate fails and no
 * descriptor leaks, with the kernel's deferred accept on (the default: aborted connections never reach accept())
 * and off (as on macOS: the guard drops them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// Linux only: counts descriptors in /proc/self/fd; TCP_DEFER_ACCEPT is Linux's.
@EnabledOnOs(OS.LINUX)
class AcceptFloodTest {
  @Test
  void withoutDeferredAcceptTheGuardDropsAbortedConnectionsWhileRealRequestsSucceed() throws Exception {
    try (TestRuntime rt = TestRuntime.start(config("0"))) {
      Flooded f = floodWhileRequesting(rt);
      assertTrue(f.dropped > 0, "the guard dropped aborted connections: " + f);
    }
  }

  @Test
  void withDeferredAcceptAbortedConnectionsNeverReachAccept() throws Exception {
    try (TestRuntime rt = TestRuntime.start(config(null))) {
      Flooded f = floodWhileRequesting(rt);
      // The kernel drops a connection reset before its first byte without queueing it. A few may still get through
      // (SYN cookies bypass the deferral when the SYN queue overflows), so: far fewer than without it, not none.
      assertTrue(f.dropped < f.aborted / 100.0, "aborted connections stayed in the kernel: " + f);
    }
  }

  @Test
  void aClientSilentPastTheDeferralIsStillServed() throws Exception {
    try (TestRuntime rt = TestRuntime.start(config(null)); Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5000);
      s.setSoTimeout(10_000);
      Thread.sleep(2500); // longer than the 1 s default: the kernel has handed the connection over by now
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("Hello World\n"), answer);
    }
  }

  private static JsonObject config(String deferAccept) {
    JsonObject c = TestRuntime.config(TestRuntime.service("hello", Hello.class));
    if (deferAccept != null) {
      c.getJsonObject("http").put("deferAccept", deferAccept);
    }
    return c;
  }

  private record Flooded(long aborted, double dropped, int ok) {
  }

  private static Flooded floodWhileRequesting(TestRuntime rt) throws Exception {
    long fdsBefore = openFds();
    List<InetSocketAddress> targets = List.of(new InetSocketAddress("127.0.0.1", rt.port()),
        new InetSocketAddress("::1", rt.port()));
    int ok = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    AbortFlood flood = AbortFlood.start(targets, 1);
    try {
      while (System.nanoTime() < deadline) {
        String host = ok % 2 == 0 ? "127.0.0.1" : "::1";
        String answer = rt.raw(host, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("Hello World\n"), answer);
        assertEquals(200, rt.get("/").statusCode());
        ok++;
      }
    } finally {
      flood.close();
    }
    assertTrue(flood.aborted() > 1000, "the flood ran: " + flood.aborted());
    AcceptStats stats = rt.bulwark.acceptStats();
    double dropped = stats.abortedCount(AcceptStats.RESET) + stats.abortedCount(AcceptStats.CLOSED)
        + stats.abortedCount(AcceptStats.EMPTY_PEER) + stats.abortedCount(AcceptStats.PEER_GONE);
    assertEquals(0.0, stats.pausedSeconds());
    assertTrue(ok >= 5, "legitimate requests kept flowing: " + ok);
    assertEquals(200, rt.get("/").statusCode(), "still accepting afterwards");
    long fdsAfter = 0;
    for (int i = 0; i < 50; i++) {
      fdsAfter = openFds();
      if (fdsAfter <= fdsBefore + 5) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(fdsAfter <= fdsBefore + 5, "descriptors back near the start: " + fdsBefore + " -> " + fdsAfter);
    Flooded f = new Flooded(flood.aborted(), dropped, ok);
    System.out.println("flood (deferAccept " + rt.bulwark.config().http().deferAccept() + "): " + f);
    return f;
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
