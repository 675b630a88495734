package dev.bulwark.js;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * One isolate's door to its service's {@link CacheStore}, behind the prelude's {@code caches} (51-cache.js). The
 * prelude has done the Cache API's argument steps (a Request, a GET, a Response it may store, its body read); this
 * refuses work outside a request, as workerd refuses I/O in the global scope, and moves plain values in and out.
 * Headers arrive as one string of names and values separated by NUL, as the prelude sends them to the host.
 */
public final class CacheHost {
  private final CacheStore store;
  private final JsIsolate isolate;

  CacheHost(CacheStore store, JsIsolate isolate) {
    this.store = store;
    this.isolate = isolate;
  }

  /** Null while handling a request; outside one (the script's global scope), why the Cache API may not be used. */
  @HostAccess.Export
  public String refusal() {
    return isolate.globalScopeRefusal("the Cache API");
  }


  /** Stores (or, as its headers say, does not store) a response; null, or why it cannot be stored. */
  @HostAccess.Export
  public String put(String cache, String url, String requestHeaders, int status, String statusText,
                    String headers, Value body, boolean manual) {
    return store.put(cache, url, flat(requestHeaders), status, statusText, flat(headers), Bytes.of(body), manual);
  }

  /**
   * Looks {@code url} up; on a hit calls {@code found(status, statusText, joinedHeaders, ArrayBuffer|null, manual)}
   * before returning true. The headers cross as one NUL-joined string, which is quicker than a list.
   */
  @HostAccess.Export
  public boolean match(String cache, String url, String requestHeaders, Value found) {
    CacheStore.Hit hit = store.match(cache, url, flat(requestHeaders));
    if (hit == null) {
      return false;
    }
    found.executeVoid(hit.status(), hit.statusText(), String.join("\0", hit.headers()),
        hit.body().length == 0 ? null : ByteBuffer.wrap(hit.body()), hit.manual());
    return true;
  }

  @HostAccess.Export
  public boolean delete(String cache, String url) {
    return store.delete(cache, url);
  }

  private static List<String> flat(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\0", -1));
  }
}
