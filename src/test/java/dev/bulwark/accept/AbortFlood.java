package dev.bulwark.accept;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Java port of the stress client in workerd issue 4623: connect, then close at once with SO_LINGER 0 so the kernel
 * sends RST: the server finds connections in its accept queue that the client has already reset, exactly what a
 * happy-eyeballs client does to the loser of its IPv4/IPv6 race. Bounded by time; loopback targets only.
 *
 * <p>Also runnable on its own (used by {@code bench/run.sh}):
 * {@code java -cp target/test-classes dev.bulwark.accept.AbortFlood PORT SECONDS [THREADS]}.
 */
public final class AbortFlood implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  /** Starts {@code threadsPerTarget} threads per target, aborting connections until {@link #close}. */
  public static AbortFlood start(List<InetSocketAddress> targets, int threadsPerTarget) {
    AbortFlood flood = new AbortFlood();
    for (InetSocketAddress target : targets) {
      for (int i = 0; i < threadsPerTarget; i++) {
        Thread t = new Thread(() -> flood.run(target), "abort-flood-" + target.getAddress().getHostAddress() + "-" + i);
        t.setDaemon(true);
        flood.threads.add(t);
        t.start();
      }
    }
    return flood;
  }

  private void run(InetSocketAddress target) {
    while (running.get()) {
      try (Socket s = new Socket()) {
        s.setSoLinger(true, 0);
        s.connect(target, 1000);
        aborted.incrementAndGet();
      } catch (IOException e) {
        failures.incrementAndGet();
        if (running.get()) {
          Thread.onSpinWait();
        }
      }
    }
  }

  public long aborted() {
    return aborted.get();
  }

  /** Connects that failed (refused or timed out), e.g. while the accept queue was full. */
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(5000);
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    List<InetSocketAddress> targets = List.of(new InetSocketAddress("127.0.0.1", port),
        new InetSocketAddress("::1", port));
    try (AbortFlood flood = start(targets, threads)) {
      Thread.sleep(seconds * 1000);
      flood.close();
      System.out.println("aborted " + flood.aborted() + " failed " + flood.failures());
    }
  }
}
