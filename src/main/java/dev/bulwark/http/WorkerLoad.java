package dev.bulwark.http;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * How busy each worker instance of one service is, as every event loop of this process sees it, and the rule that
 * deals a loop turn's requests out to the instances.
 *
 * <p>Waking a parked worker thread costs more than a fast handler's whole run, so fast work is packed: instances are
 * filled in index order up to a {@link #SLICE_NANOS slice} of expected handler time each, and an instance that
 * already has work queued is awake and takes more without a wake-up. Slow work is spread: when one request takes a
 * slice or more, each instance gets one at a time, idle instances first, as a pool does. Beyond that every instance
 * has a slice's worth queued, and the rest go to the least-queued. The expected time is a moving average of the run
 * times the outcomes report; it starts at one slice, so a service is treated as slow until it has shown it is not.
 *
 * <p>An instance's count goes down only when its outcome arrives, including after the client has had its 504. An
 * instance with work queued and no outcome for {@link #STALL_NANOS} is stalled (a slow or stuck request): it takes
 * nothing more while another instance can, so nothing new queues behind a handler that went slow, however fast the
 * service usually is.
 */
public final class WorkerLoad {
  /** The handler time one instance is given at a time before the next instance is used: 100 microseconds. */
  static final long SLICE_NANOS = 100_000;
  /** How long an instance with work queued may go without an outcome before it counts as stalled: 1 ms. */
  static final long STALL_NANOS = 1_000_000;
  /** Ranks a stalled instance after every other in the least-queued pass. */
  private static final int STALLED_RANK = 1 << 24;

  private final LongSupplier clock;
  private final AtomicIntegerArray queued;
  // The clock at an instance's last outcome, or when it was last given work while it had none queued.
  private final AtomicLongArray progress;
  // Shared by the event loops and updated racily: a lost update only makes the average a little older.
  private volatile long runNanos = SLICE_NANOS;

  WorkerLoad(int instances) {
    this(instances, System::nanoTime);
  }

  /** A load whose stall times are read from {@code clock} (nanoseconds), so that tests can move time themselves. */
  WorkerLoad(int instances, LongSupplier clock) {
    this.clock = clock;
    this.queued = new AtomicIntegerArray(instances);
    this.progress = new AtomicLongArray(instances);
  }

  int instances() {
    return queued.length();
  }

  /**
   * Deals {@code n} requests out: {@code take[i]} is set to how many go to instance {@code i}, and those are counted
   * as queued there. {@code scratch} is working space; both arrays have one slot per instance.
   */
  void deal(int n, int[] take, int[] scratch) {
    int k = take.length;
    long now = clock.getAsLong();
    int perInstance = (int) Math.max(1, SLICE_NANOS / Math.max(1, runNanos)); // at most SLICE_NANOS: an int
    int left = n;
    for (int i = 0; i < k; i++) {
      // Another event loop may be dealing at this moment: the room counted here is claimed only if nobody took it
      // first, or two loops would both give the same idle instance a request and one would wait behind the other.
      while (true) {
        int q = queued.get(i);
        boolean stalled = q > 0 && now - progress.get(i) > STALL_NANOS;
        scratch[i] = stalled ? STALLED_RANK + q : q;
        int room = left == 0 || stalled ? 0 : perInstance - q;
        int t = room > 0 ? Math.min(room, left) : 0;
        if (t == 0) {
          take[i] = 0;
          break;
        }
        if (q == 0) {
          progress.set(i, now); // before the count, so that no loop sees it queued with an old time: not stalled
        }
        if (queued.compareAndSet(i, q, q + t)) {
          take[i] = t;
          scratch[i] += t;
          left -= t;
          break;
        }
      }
    }
    // Every instance has a slice's worth or more, or is stalled: the least queued get the rest, one at a time. Here
    // a race with another loop costs nothing that matters, since every instance is busy either way.
    for (; left > 0; left--) {
      int least = 0;
      for (int i = 1; i < k; i++) {
        if (scratch[i] < scratch[least]) {
          least = i;
        }
      }
      scratch[least]++;
      take[least]++;
      if (queued.getAndIncrement(least) == 0) {
        progress.set(least, now);
      }
    }
  }

  /** Instance {@code instance} is done with one request, whose handler ran {@code nanos} (negative: not run). */
  void done(int instance, long nanos) {
    if (instance < 0 || instance >= queued.length()) {
      return; // not one of ours (a foreign or corrupt outcome): nothing was counted for it
    }
    progress.set(instance, clock.getAsLong());
    queued.decrementAndGet(instance);
    if (nanos >= 0) {
      long avg = runNanos;
      runNanos = avg + (nanos - avg) / 8;
    }
  }

  /** A tally of outcomes for this load, for one event loop. */
  Tally tally() {
    return new Tally();
  }

  /**
   * Outcomes that one event loop takes together (see {@code Dispatcher}'s mailbox), counted here and then applied to
   * the shared load at once, as {@link #done} would one by one: each instance's count, time of progress and the
   * moving average are then written once per group, not once per outcome, which is what costs (those writes move
   * cache lines between the cores the loops run on). Confined to one thread.
   */
  final class Tally {
    private final int[] done = new int[queued.length()];
    private boolean any;
    private boolean ran;
    private long avg;

    private Tally() {
    }

    /** As {@link WorkerLoad#done}, applied at the next {@link #apply}. */
    void done(int instance, long nanos) {
      if (instance < 0 || instance >= done.length) {
        return; // not one of ours (a foreign or corrupt outcome): nothing was counted for it
      }
      done[instance]++;
      any = true;
      if (nanos >= 0) {
        if (!ran) {
          ran = true;
          avg = runNanos;
        }
        avg += (nanos - avg) / 8;
      }
    }

    /** Applies what was counted since the last call, and starts over. */
    void apply() {
      if (!any) {
        return;
      }
      long now = clock.getAsLong();
      for (int i = 0; i < done.length; i++) {
        if (done[i] > 0) {
          progress.set(i, now);
          queued.addAndGet(i, -done[i]);
          done[i] = 0;
        }
      }
      if (ran) {
        runNanos = avg;
      }
      any = ran = false;
    }
  }

  /** {@code count} requests dealt to {@code instance} never reached it. */
  void undelivered(int instance, int count) {
    queued.addAndGet(instance, -count);
  }

  /** Requests dealt to {@code instance} whose outcome has not arrived. */
  int queued(int instance) {
    return queued.get(instance);
  }

  /** The moving average of the handler's run time, in nanoseconds. */
  long runNanos() {
    return runNanos;
  }
}
