package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.LogCapture;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A promise rejected with nothing to handle it is logged as workerd logs it ("Uncaught (in promise) ..." with the
 * script's stack), unless an "unhandledrejection" listener on the global scope calls preventDefault(). The request
 * it happened in is answered as if nothing happened.
 */
class UnhandledRejectionTest {
  private static final String LOGGER = "bulwark.js.test";

  private static final String MODULE = """
      addEventListener('unhandledrejection', (event) => {
        if (String(event.reason).includes('quiet')) {
          event.preventDefault();
          console.log('listener saw ' + event.reason.message + ' of a Promise: ' + (event.promise instanceof Promise)
            + ', cancelable: ' + event.cancelable + ', ' + (event instanceof PromiseRejectionEvent));
        }
      });
      export default { async fetch(request) {
        const path = new URL(request.url).pathname;
        if (path === '/background') { Promise.reject(new Error('boom in the background')); }
        if (path === '/quiet') { Promise.reject(new Error('quiet one')); }
        if (path === '/caught-later') { const p = Promise.reject(new Error('caught later')); await null; p.catch(() => {}); }
        if (path === '/string') { Promise.reject('just a string'); }
        if (path === '/timer') { setTimeout(() => { Promise.reject(new TypeError('from a timer')); }, 1); }
        return new Response('answered ' + path + ' ' + typeof Graal);
      } };
      """;

  /** The log records of {@code log} once {@code count} have arrived, or after 5 s whatever there is. */
  private static List<LogRecord> await(LogCapture log, int count) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (log.records().size() < count && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return log.records();
  }

  @Test
  void aRejectionNobodyHandlesIsLoggedWithTheScriptsStackAndTheRequestIsAnswered() throws Exception {
    try (JsHarness js = JsHarness.module(MODULE); LogCapture log = LogCapture.of(LOGGER)) {
      Response r = js.fetch(Request.get("/background"));
      assertEquals(200, r.status());
      assertEquals("answered /background undefined", r.text(), "the Graal object is gone before the script runs");
      List<LogRecord> records = await(log, 1);
      assertEquals(1, records.size(), records.toString());
      assertEquals(Level.SEVERE, records.get(0).getLevel());
      String m = records.get(0).getMessage();
      assertTrue(m.contains("Uncaught (in promise) Error: boom in the background\n    at "), m);
      assertTrue(m.contains("worker.mjs:"), m);
      assertFalse(m.contains("bulwark:"), "no prelude frames: " + m);
    }
  }

  @Test
  void aListenerThatCallsPreventDefaultSilencesItAndSeesTheReasonAndThePromise() throws Exception {
    try (JsHarness js = JsHarness.module(MODULE); LogCapture log = LogCapture.of(LOGGER)) {
      assertEquals(200, js.fetch(Request.get("/quiet")).status());
      assertEquals(List.of("listener saw quiet one of a Promise: true, cancelable: true, true"), settled(log));
    }
  }

  @Test
  void aRejectionHandledBeforeTheMicrotasksRanOutIsNotLogged() throws Exception {
    try (JsHarness js = JsHarness.module(MODULE); LogCapture log = LogCapture.of(LOGGER)) {
      assertEquals(200, js.fetch(Request.get("/caught-later")).status());
      // The next rejection is logged: so the first, had it been logged, would be in the log before it.
      assertEquals(200, js.fetch(Request.get("/string")).status());
      assertEquals(List.of("Uncaught (in promise) just a string"), settled(log));
    }
  }

  @Test
  void aRejectionInATimerCallbackShowsTheScriptsFrameOnly() throws Exception {
    try (JsHarness js = JsHarness.module(MODULE); LogCapture log = LogCapture.of(LOGGER)) {
      assertEquals(200, js.fetch(Request.get("/timer")).status());
      List<LogRecord> records = await(log, 1);
      assertEquals(1, records.size(), records.toString());
      String m = withoutId(records.get(0).getMessage());
      assertTrue(m.startsWith("Uncaught (in promise) TypeError: from a timer\n    at "), m);
      assertTrue(m.contains("worker.mjs:"), m);
      assertFalse(m.contains("bulwark:"), "no prelude frames: " + m);
    }
  }

  @Test
  void theServiceWorkerFormatHasTheEventTooAndStillTakesFetchListeners() throws Exception {
    String source = """
        addEventListener('unhandledrejection', (event) => {
          event.preventDefault();
          console.log('sw listener: ' + event.reason);
        });
        addEventListener('fetch', (event) => {
          Promise.reject('sw reason');
          event.respondWith(new Response('sw answer'));
        });
        """;
    try (JsHarness js = JsHarness.worker("sw.js", source, Duration.ofSeconds(10), Map.of());
         LogCapture log = LogCapture.of(LOGGER)) {
      assertEquals("sw answer", js.fetch(Request.get("/")).text());
      assertEquals(List.of("sw listener: sw reason"), settled(log));
    }
  }

  /** The log's lines without their request ids, once one has come and nothing more followed for 200 ms. */
  private static List<String> settled(LogCapture log) throws InterruptedException {
    await(log, 1);
    Thread.sleep(200);
    return log.messages().stream().map(UnhandledRejectionTest::withoutId).toList();
  }

  /** A console line without its "[request id] " prefix. */
  private static String withoutId(String message) {
    return message.startsWith("[") ? message.substring(message.indexOf("] ") + 2) : message;
  }
}
