package dev.bulwark.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.accept.AbortFlood;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accept guard against the built fat jar, under the three conditions of the seed issue: a flood of connections
 * reset right after the handshake, the same flood with accept() behaving as on macOS (empty peer address, through an
 * LD_PRELOAD library built here from src/test/c/macos_accept.c), and descriptor exhaustion under prlimit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
// Linux only: /proc descriptor counts, epoll TCP_INFO, prlimit and LD_PRELOAD are what these tests use.
@EnabledOnOs(OS.LINUX)
class AcceptGuardIT {
  /** Linux's TCP_DEFER_ACCEPT off (it is on by default), for the cases where aborted sockets must reach accept(). */
  private static final Map<String, String> NO_DEFERRED_ACCEPT = Map.of("BULWARK_HTTP_DEFERACCEPT", "0");

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** With the kernel's deferred accept off (as on macOS, which has none), so every aborted socket meets the guard. */
  @Test
  void resetFloodAtBothLoopbacksLosesNoLegitimateRequest() throws Exception {
    try (RuntimeProcess rt = RuntimeProcess.start(dir, List.of(), NO_DEFERRED_ACCEPT,
        "--listen", "localhost:0", "--admin", "127.0.0.1:0")) {
      rt.awaitReady();
      FloodResult r = floodWhileRequesting(rt, 4);
      assertTrue(r.flooded > 1000, "the flood ran: " + r.flooded);
      String metrics = metrics(rt);
      assertTrue(droppedByGuard(metrics) > 0, metrics);
      assertEquals(0.0, counter(metrics, "bulwark_accept_paused_seconds_total"));
    }
  }

  /** The runtime as shipped on Linux: connections reset before their first byte stay in the kernel. */
  @Test
  void resetFloodAgainstTheDefaultsNeverReachesAccept() throws Exception {
    try (RuntimeProcess rt = RuntimeProcess.start(dir, "--listen", "localhost:0", "--admin", "127.0.0.1:0")) {
      rt.awaitReady();
      assertTrue(rt.stdout().contains("deferred accept (1 s)"), rt.stdout());
      FloodResult r = floodWhileRequesting(rt, 4);
      assertTrue(r.flooded > 1000, "the flood ran: " + r.flooded);
      String metrics = metrics(rt);
      // SYN cookies (a full SYN queue) bypass the deferral, so a few may reach the guard; far fewer than the flood.
      assertTrue(droppedByGuard(metrics) < r.flooded / 100.0, "flooded " + r.flooded + "\n" + metrics);
      assertEquals(0.0, counter(metrics, "bulwark_accept_paused_seconds_total"));
    }
  }

  private static double droppedByGuard(String metrics) {
    double sum = 0;
    for (String reason : List.of("reset", "peer_gone", "closed", "empty_peer_address")) {
      sum += Math.max(0, counter(metrics, "bulwark_accept_aborted_total{reason=\"" + reason + "\"}"));
    }
    return sum;
  }

  /**
   * As on macOS: accept() reports addrlen 0 for a reset connection and leaves the address buffer untouched, so the
   * address Netty reads is stale (often the previous peer's) and looks valid; the guard must still drop the socket.
   */
  @Test
  void macOsAcceptWithStaleAddressesIsDroppedNotFatal() throws Exception {
    String metrics = floodUnderMacOsEmulation(Map.of());
    assertTrue(counter(metrics, "bulwark_accept_aborted_total{reason=\"peer_gone\"}") > 0,
        "stale addresses looked valid and getpeername() caught them:\n" + metrics);
  }

  /** The same with the buffer zeroed: the address reads 0.0.0.0:0 or [::]:0 and is dropped as empty. */
  @Test
  void macOsAcceptWithZeroedAddressesIsDroppedNotFatal() throws Exception {
    String metrics = floodUnderMacOsEmulation(Map.of("MACOS_ACCEPT_ZERO", "1"));
    assertTrue(counter(metrics, "bulwark_accept_aborted_total{reason=\"empty_peer_address\"}") > 0,
        "accept() returned empty peer addresses and the guard dropped them:\n" + metrics);
  }

  private String floodUnderMacOsEmulation(Map<String, String> env) throws Exception {
    Path lib = buildPreloadLibrary();
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(NO_DEFERRED_ACCEPT); // macOS has no TCP_DEFER_ACCEPT: reset connections do reach its accept()
    all.put("LD_PRELOAD", lib.toString());
    try (RuntimeProcess rt = RuntimeProcess.start(dir, List.of(), all,
        "--listen", "localhost:0", "--admin", "127.0.0.1:0")) {
      rt.awaitReady();
      FloodResult r = floodWhileRequesting(rt, 4);
      assertTrue(r.flooded > 1000, "the flood ran: " + r.flooded);
      assertTrue(rt.stderr().contains("macos_accept: accept() returned addrlen 0"), "the emulation was active");
      String metrics = metrics(rt);
      assertEquals(0.0, counter(metrics, "bulwark_accept_paused_seconds_total"));
      assertTrue(rt.isAlive());
      return metrics;
    }
  }

  @Test
  void descriptorExhaustionNeverLosesTheAcceptorAndRecovers() throws Exception {
    try (RuntimeProcess rt = RuntimeProcess.start(dir, List.of("prlimit", "--nofile=256:256", "--"), Map.of(),
        "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")) {
      rt.awaitReady();
      int port = rt.port("127.0.0.1");
      long fdsBefore = openFds(rt.pid());
      try (Socket existing = new Socket()) {
        existing.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        existing.setSoTimeout(10_000);
        assertTrue(exchange(existing).startsWith("HTTP/1.1 200"));
        // The flood: connections that stay open, far more than the 256 descriptors the process may have, each with
        // half a request sent (slowloris), so the kernel hands them to accept() at once despite the deferred accept.
        List<Socket> held = new ArrayList<>();
        try {
          for (int i = 0; i < 400; i++) {
            Socket s = new Socket();
            held.add(s);
            try {
              s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
              s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
              // a full backlog refuses or times out: that is the condition under test
            }
          }
          Thread.sleep(500);
          assertTrue(exchange(existing).startsWith("HTTP/1.1 200"),
              "an established connection is still served while descriptors are exhausted");
        } finally {
          for (Socket s : held) {
            s.close();
          }
        }
        assertTrue(exchange(existing).startsWith("HTTP/1.1 200"));
      }
      // Accepting again once descriptors are free: a new connection gets an answer within a few seconds.
      String answer = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && !answer.startsWith("HTTP/1.1 200")) {
        answer = newConnectionRequest("127.0.0.1", port);
      }
      assertTrue(answer.startsWith("HTTP/1.1 200"), "accepts again after the flood: " + answer);
      String metrics = metrics(rt);
      assertTrue(counter(metrics, "bulwark_accept_errors_total{errno=\"EMFILE\"}") > 0,
          "descriptors did run out:\n" + metrics);
      assertEquals(0.0, counter(metrics, "bulwark_accept_paused_seconds_total"));
      assertTrue(rt.isAlive());
      assertFdsReturn(rt.pid(), fdsBefore);
      assertTrue(rt.stdout().contains("EMFILE"), "the condition was logged");
    }
  }

  private record FloodResult(long flooded, int legitimate) {
  }

  /** Floods both loopbacks for {@code seconds} while requesting on fresh connections; every request must succeed. */
  private FloodResult floodWhileRequesting(RuntimeProcess rt, int seconds) throws Exception {
    int port = rt.port("127.0.0.1");
    long fdsBefore = openFds(rt.pid());
    int ok = 0;
    AbortFlood flood = AbortFlood.start(List.of(new InetSocketAddress("127.0.0.1", port),
        new InetSocketAddress("::1", port)), 1);
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        String host = ok % 2 == 0 ? "127.0.0.1" : "::1";
        String answer = newConnectionRequest(host, port);
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("Hello World\n"), host + ": " + answer);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        ok++;
      }
    } finally {
      flood.close();
    }
    assertTrue(ok >= 3, "legitimate requests kept being answered: " + ok);
    assertTrue(newConnectionRequest("::1", port).startsWith("HTTP/1.1 200"), "still accepting afterwards");
    assertFdsReturn(rt.pid(), fdsBefore);
    return new FloodResult(flood.aborted(), ok);
  }

  private static void assertFdsReturn(long pid, long before) throws Exception {
    long after = Long.MAX_VALUE;
    for (int i = 0; i < 50 && after > before + 5; i++) {
      after = openFds(pid);
      Thread.sleep(100);
    }
    assertTrue(after <= before + 5, "open descriptors back within a few of the start: " + before + " -> " + after);
  }

  private Path buildPreloadLibrary() throws Exception {
    Path source = RuntimeProcess.projectDir().resolve("src/test/c/macos_accept.c");
    Path lib = dir.resolve("libmacos_accept.so");
    Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", lib.toString(),
        source.toString(), "-ldl").redirectErrorStream(true).start();
    String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc finished");
    assertEquals(0, gcc.exitValue(), "gcc (installed by .ci/run) built the library: " + out);
    return lib;
  }

  private String metrics(RuntimeProcess rt) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.requireAdminPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double counter(String metrics, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static long openFds(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  /** One request on a fresh connection, closed by the server after answering. */
  private static String newConnectionRequest(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "failed: " + e;
    }
  }

  /** One keep-alive request on an open connection; returns the response head and body. */
  private static String exchange(Socket s) throws IOException {
    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[1024];
    while (!buf.toString(StandardCharsets.ISO_8859_1).endsWith("Hello World\n")) {
      int n = in.read(chunk);
      if (n < 0) {
        break;
      }
      buf.write(chunk, 0, n);
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }
}
