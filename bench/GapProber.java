import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A new-connection-per-request client for bench/run.sh's flood round: for SECONDS, opens a connection, sends one
 * GET, reads the answer, and reports how many succeeded, how many failed, and the longest gap between two successful
 * responses (what a user would feel as a stall), with where that gap happened: seconds since the start, and how long
 * the connect and the request/response of the request that ended it took (the rest of the gap is time spent in this
 * client between requests: a failed attempt, or this JVM not getting a CPU).
 *
 * <pre>java bench/GapProber.java HOST PORT SECONDS</pre>
 */
public class GapProber {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
    byte[] request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    long ok = 0;
    long failed = 0;
    long last = -1;
    long maxGap = 0;
    long start = System.nanoTime();
    long gapAt = 0;
    long gapConnect = 0;
    long gapResponse = 0;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 5000);
        long t1 = System.nanoTime();
        s.setSoTimeout(5000);
        s.getOutputStream().write(request);
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!answer.startsWith("HTTP/1.1 200")) {
          failed++;
          continue;
        }
        long now = System.nanoTime();
        if (last >= 0 && now - last > maxGap) {
          maxGap = now - last;
          gapAt = now - start;
          gapConnect = t1 - t0;
          gapResponse = now - t1;
        }
        last = now;
        ok++;
      } catch (IOException e) {
        failed++;
      }
    }
    System.out.printf("ok %d failed %d maxgap_ms %.1f at_s %.2f connect_ms %.1f response_ms %.1f%n", ok, failed,
        maxGap / 1e6, gapAt / 1e9, gapConnect / 1e6, gapResponse / 1e6);
  }
}
