package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code performance.now()} and {@code timeOrigin} (High Resolution Time), in a real isolate. */
class PerformanceTest {
  @Test
  void nowIsMonotonicMillisecondsSinceTheTimeOrigin() throws Exception {
    JsonObject o = (JsonObject) JsHarness.eval("""
        const first = performance.now();
        let monotonic = true;
        for (let i = 0, last = first; i < 1000; i++) {
          const t = performance.now();
          if (t < last) monotonic = false;
          last = t;
        }
        const before = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 30));
        const slept = performance.now() - before;
        return {
          type: typeof performance.now(), first, monotonic, slept,
          originFromNow: Math.abs(performance.timeOrigin + performance.now() - Date.now()),
          tag: Object.prototype.toString.call(performance),
          json: JSON.parse(JSON.stringify(performance)).timeOrigin === performance.timeOrigin,
        };
        """);
    assertEquals("number", o.getString("type"));
    assertTrue(o.getDouble("first") >= 0, o.encode());
    assertTrue(o.getBoolean("monotonic"), o.encode());
    assertTrue(o.getDouble("slept") >= 25 && o.getDouble("slept") < 10_000, "a 30 ms timer: " + o.encode());
    assertTrue(o.getDouble("originFromNow") < 50, "timeOrigin + now() is the wall clock: " + o.encode());
    assertEquals("[object Performance]", o.getString("tag"));
    assertTrue(o.getBoolean("json"), o.encode());
  }
}
