package dev.bulwark.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Hello;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * loopbacks while a legitimate client keeps making requests on fresh connections. Nothing legitimate fails, the
 * guard counts the aborted sockets, and no descriptor leaks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// Linux only: counts descriptors in /proc/self/fd.
@EnabledOnOs(OS.LINUX)
class AcceptFloodTest {
  @Test
  void abortedConnectionsAreDroppedWhileRealRequestsSucceed() throws Exception {
    try (TestRuntime rt = TestRuntime.start(TestRuntime.config(TestRuntime.service("hello", Hello.class)))) {
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
      assertTrue(dropped > 0, "the guard dropped aborted connections");
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
    }
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
