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

  /** The calling thread enters {@code isolate} with {@code budgetNanos} of CPU time left for this entry. */
  void begin(JsIsolate isolate, long budgetNanos) {
    Thread t = Thread.currentThread();
    running.put(isolate, new Entry(t.getId(), now(), budgetNanos));
  }

  /** Ends the entry; returns the CPU nanoseconds it used. */
  long end(JsIsolate isolate) {
    Entry e = running.remove(isolate);
    return e == null ? 0 : Math.max(0, now() - e.start);
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
          if (!e.interrupted && usedBy(e) > e.budget) {
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

  private static final class Entry {
    final long threadId;
    final long start;
    final long budget;
    volatile boolean interrupted;

    Entry(long threadId, long start, long budget) {
      this.threadId = threadId;
      this.start = start;
      this.budget = budget;
    }
  }
}
