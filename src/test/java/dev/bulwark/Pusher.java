package dev.bulwark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A client that POSTs {@code total} zero bytes with a Content-Length as fast as the server takes them: how a test
 * sees backpressure. {@link #untilStalled} sends until the server has taken nothing for a second and says how much
 * it took; {@link #rest} sends what is left; {@link #answer} reads the answer.
 */
public final class Pusher implements AutoCloseable {
  private final SocketChannel ch;
  private final long total;
  private final ByteBuffer piece = ByteBuffer.allocate(64 * 1024);
  private long sent;

  public Pusher(int port, String path, long total) throws IOException {
    this.total = total;
    this.ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    ch.write(ByteBuffer.wrap(("POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** Sends until all is sent or the server has taken nothing for a second; the bytes sent so far. */
  public long untilStalled() throws IOException, InterruptedException {
    ch.configureBlocking(false);
    long lastProgress = System.nanoTime();
    while (sent < total && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(1)) {
      int n = ch.write(next());
      if (n > 0) {
        sent += n;
        lastProgress = System.nanoTime();
      } else {
        Thread.sleep(1);
      }
    }
    return sent;
  }

  /** Sends the rest of the body, waiting for the server to take it. */
  public void rest() throws IOException {
    ch.configureBlocking(true);
    while (sent < total) {
      sent += ch.write(next());
    }
  }

  /** The answer, read up to and including {@code end}, within 10 s. */
  public String answer(String end) throws Exception {
    ch.socket().setSoTimeout(10_000);
    return TestRuntime.readUntil(ch.socket().getInputStream(), end);
  }

  private ByteBuffer next() {
    return piece.clear().limit((int) Math.min(piece.capacity(), total - sent));
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
