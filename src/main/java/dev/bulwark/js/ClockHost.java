package dev.bulwark.js;

import org.graalvm.polyglot.HostAccess;

/** The monotonic clock behind a worker's {@code performance.now()}: milliseconds since its isolate was made. */
public final class ClockHost {
  private final long origin = System.nanoTime();

  /** Milliseconds, with a fraction, since this isolate was made; never goes back. */
  @HostAccess.Export
  public double now() {
    return (System.nanoTime() - origin) / 1e6;
  }
}
