package dev.bulwark.js;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches every running entry into a worker script and interrupts the isolate when the entry has used more CPU
 * time than its request has left. One daemon thread for the whole process; it polls every few milliseconds, so a
 * loop is stopped within a few ms of its budget.
 *
 * <p>An entry that runs over first draws on its isolate's cold-start allowance ({@link JsIsolate#takeAllowance}):
 * it is given all that is left of it, and what it does not use goes back when the entry ends. Only when the entry
 * runs over its budget and that grant as well is the isolate interrupted.
 */
final class CpuWatchdog {
  private static final Logger LOG = Logger.getLogger(CpuWatchdog.class.getName());
  private static final long POLL_MS = 5;
  private static final CpuWatchdog INSTANCE = new CpuWatchdog();

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean cpuTime;
  private final Map<JsIsolate, Entry> running = new ConcurrentHashMap<>();

  private CpuWatchdog() {
    boolean supported = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeSupported();
    if (supported && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    cpuTime = supported;
    if (!supported) {
      LOG.warning("this JVM cannot measure thread CPU time: JavaScript CPU budgets are enforced on wall time");
    }
    Thread t = new Thread(this::run, "bulwark-js-watchdog");
    t.setDaemon(true);
    t.start();
  }

  static CpuWatchdog get() {
    return INSTANCE;
  }

  /** Nanoseconds of CPU (or wall) time the calling thread has used so far; call on the entering thread. */
  long now() {
    return cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /**
   * The calling thread enters {@code isolate} with {@code budgetNanos} of CPU time left for this entry; with
   * {@code allowance}, it may draw on the isolate's cold-start allowance when it runs over.
   */
  void begin(JsIsolate isolate, long budgetNanos, boolean allowance) {
    Thread t = Thread.currentThread();
    running.put(isolate, new Entry(t.getId(), now(), budgetNanos, allowance));
  }

  /**
   * Ends the entry; returns the CPU nanoseconds to charge to its request: what it used, less what it used of the
   * isolate's cold-start allowance (the rest of a grant goes back to the isolate).
   */
  long end(JsIsolate isolate) {
    Entry e = running.remove(isolate);
    if (e == null) {
      return 0;
    }
    long used = Math.max(0, now() - e.start);
    synchronized (e) {
      e.ended = true;
      if (e.grant == 0) {
        return used;
      }
      long fromAllowance = Math.min(e.grant, Math.max(0, used - e.budget));
      isolate.returnAllowance(e.grant - fromAllowance);
      return used - fromAllowance;
    }
  }

  private long usedBy(Entry e) {
    if (!cpuTime) {
      return System.nanoTime() - e.start;
    }
    long cpu = threads.getThreadCpuTime(e.threadId);
    return cpu < 0 ? 0 : cpu - e.start;
  }

  private void run() {
    while (true) {
      try {
        Thread.sleep(POLL_MS);
        for (Map.Entry<JsIsolate, Entry> r : running.entrySet()) {
          Entry e = r.getValue();
          if (!e.interrupted && usedBy(e) > e.budget + e.grant && !draw(r.getKey(), e)) {
            e.interrupted = true;
            r.getKey().overBudget();
          }
        }
      } catch (InterruptedException ie) {
        return;
      } catch (Throwable t) {
        LOG.log(Level.SEVERE, "JavaScript watchdog error (it keeps running)", t);
      }
    }
  }

  /** Gives an entry over its budget the isolate's cold-start allowance, once; false if there is none to give. */
  private static boolean draw(JsIsolate isolate, Entry e) {
    synchronized (e) {
      if (!e.allowance || e.grant > 0 || e.ended) {
        return false;
      }
      e.grant = isolate.takeAllowance();
      return e.grant > 0;
    }
  }

  private static final class Entry {
    final long threadId;
    final long start;
    final long budget;
    final boolean allowance;
    /** Nanoseconds of the isolate's cold-start allowance given to this entry. */
    volatile long grant;
    boolean ended;
    volatile boolean interrupted;

    Entry(long threadId, long start, long budget, boolean allowance) {
      this.threadId = threadId;
      this.start = start;
      this.budget = budget;
      this.allowance = allowance;
    }
  }
}
