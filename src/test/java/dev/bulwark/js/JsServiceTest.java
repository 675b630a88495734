package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.worker.HandlerLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading worker scripts: what a user sees when a script is wrong, before anything is bound. */
class JsServiceTest {
  @TempDir
  Path dir;

  private String loadError(String file, String source) throws Exception {
    Path script = dir.resolve(file);
    Files.writeString(script, source);
    HandlerLoadException e = assertThrows(HandlerLoadException.class,
        () -> JsService.load("t", script, Duration.ofSeconds(1), Duration.ofSeconds(30), Env.empty()));
    return e.getMessage();
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws Exception {
    String m = loadError("broken.mjs", "export default {\n  async fetch(req) {\n    return new Response('x';\n  }\n};\n");
    // One location, with the 1-based column an editor shows (the ';' is the 28th character of line 3).
    assertTrue(m.contains("broken.mjs:3:28: SyntaxError: Expected , but found ;"), m);
    assertFalse(m.contains(":3:27"), "GraalJS's own 0-based location is not repeated: " + m);
    assertTrue(m.contains("return new Response('x';"), "the line is shown: " + m);
  }

  @Test
  void moduleWithoutFetchIsRefused() throws Exception {
    assertTrue(loadError("nofetch.mjs", "export default { hello() {} };").contains("no fetch() method"));
    assertTrue(loadError("nodefault.mjs", "export const x = 1;").contains("no default export"));
  }

  @Test
  void serviceWorkerWithoutListenerIsRefused() throws Exception {
    assertTrue(loadError("plain.js", "const x = 1;").contains("registers no fetch handler"));
  }

  @Test
  void timersAreRefusedInTheGlobalScope() throws Exception {
    String m = loadError("timer.mjs", "setTimeout(() => {}, 1);\nexport default { fetch() { return new Response(''); } };");
    assertTrue(m.contains("global scope"), m);
  }

  @Test
  void missingImportNamesTheModule() throws Exception {
    String m = loadError("imports.mjs", "import { x } from './missing.mjs';\nexport default { fetch() { return new Response(x); } };");
    assertTrue(m.contains("missing.mjs"), m);
  }

  @Test
  void throwingGlobalScopeNamesTheLine() throws Exception {
    String m = loadError("throws.js", "\n\nthrow new Error('bad config');\n");
    assertTrue(m.contains("throws.js:3") && m.contains("bad config"), m);
  }

  @Test
  void endlessTopLevelIsStoppedAtTheStartUpLimitAndRefused() throws Exception {
    // The audit's script: before, load() never returned (and the runtime never listened, nor did check end).
    String m = loadError("x.js", "while (true) {}\nexport default { fetch() { return new Response('x') } };\n");
    assertTrue(m.contains("x.js: the script's top level did not finish within "
        + JsService.STARTUP_CPU_LIMIT.toMillis() + " ms of CPU at start-up"), m);
    // The engine and the watchdog are fine afterwards: the next script loads and serves.
    try (JsHarness js = JsHarness.worker("ok.js", "export default { fetch: () => new Response('fine') };",
        Duration.ofSeconds(5), Map.of())) {
      assertEquals("fine", js.fetch(Request.get("/")).text());
    }
  }

  @Test
  void dotJsWithExportIsAModuleAndWithoutIsAServiceWorker() throws Exception {
    try (JsHarness js = JsHarness.worker("m.js", "export default { fetch: () => new Response('module') };",
        Duration.ofSeconds(5), Map.of())) {
      assertEquals("module", js.fetch(Request.get("/")).text());
    }
    try (JsHarness js = JsHarness.worker("s.js",
        "addEventListener('fetch', e => e.respondWith(new Response('service worker ' + NAME)));",
        Duration.ofSeconds(5), Map.of("NAME", "bound"))) {
      assertEquals("service worker bound", js.fetch(Request.get("/")).text());
    }
  }
}
