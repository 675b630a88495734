package dev.bulwark.js;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * setTimeout/setInterval of one isolate, on Vert.x timers of the worker verticle's own context: callbacks run on
 * that context, one at a time, never concurrently with other code of the isolate.
 */
public final class TimersHost {
  private final Vertx vertx;
  private final JsIsolate isolate;
  /** Script timer id to Vert.x timer id (a repeating timer keeps its Vert.x id). */
  private final Map<Integer, Long> timers = new HashMap<>();
  private int nextId = 1;

  TimersHost(Vertx vertx, JsIsolate isolate) {
    this.vertx = vertx;
    this.isolate = isolate;
  }

  /** Schedules {@code callback} after {@code delayMs} (at least 1 ms), repeating if asked; returns the timer id. */
  @HostAccess.Export
  public int set(double delayMs, Value callback, boolean repeat) {
    long delay = Double.isNaN(delayMs) || delayMs < 1 ? 1 : (long) Math.min(delayMs, 24L * 3600 * 1000 * 24);
    int id = nextId++;
    Object owner = isolate.currentTag();
    long vertxId;
    if (repeat) {
      vertxId = vertx.setPeriodic(delay, t -> isolate.enterLater(owner, callback::executeVoid));
    } else {
      vertxId = vertx.setTimer(delay, t -> {
        timers.remove(id);
        isolate.enterLater(owner, callback::executeVoid);
      });
    }
    timers.put(id, vertxId);
    return id;
  }

  @HostAccess.Export
  public void clear(int id) {
    Long vertxId = timers.remove(id);
    if (vertxId != null) {
      vertx.cancelTimer(vertxId);
    }
  }

  /** Cancels every timer, when the isolate is closed or replaced. */
  void clearAll() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }
}
