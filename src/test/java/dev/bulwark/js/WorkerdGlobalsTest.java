package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * workerd's own globals beside the Web standard ones: navigator (the user agent names Bulwark rather than
 * Cloudflare) and scheduler.wait.
 */
class WorkerdGlobalsTest {
  @Test
  void userAgentAndHardwareConcurrency() throws Exception {
    assertEquals("[\"Bulwark\",1,\"[object Navigator]\",true]", JsHarness.eval("""
        return [navigator.userAgent, navigator.hardwareConcurrency, String(navigator), navigator instanceof Navigator];
        """).toString());
  }

  @Test
  void schedulerWaitResolvesAfterTheDelayAndAnAbortRejectsItWithTheReason() throws Exception {
    assertEquals("[true,\"AbortError\",\"early\",\"[object Scheduler]\"]", JsHarness.eval("""
        const t0 = performance.now();
        await scheduler.wait(30);
        const waited = performance.now() - t0 >= 29;
        const c = new AbortController();
        const long = scheduler.wait(60000, { signal: c.signal });
        c.abort();
        const name = await long.then(() => 'resolved', (e) => e.name);
        const done = AbortSignal.abort('early');
        const reason = await scheduler.wait(10, { signal: done }).then(() => 'resolved', (e) => e);
        return [waited, name, reason, String(scheduler)];
        """).toString());
  }
}
