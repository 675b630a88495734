package dev.bulwark.js;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * The network side of {@code fetch()} and of service bindings as the start-up warm-up sees it (90-worker.js,
 * {@code internal.warmUp}): it answers every exchange at once, from memory, with the same kinds of values the real
 * hosts ({@link FetchHost}, {@link ServiceBindingHost}) hand the script (a {@link ProxyArray} of header fields, a
 * {@link ByteBuffer} body), so that the script side of a subrequest has run before the first request pays for it.
 * Nothing leaves the process.
 */
public final class WarmUpHost {
  private static final List<Object> HEADERS = List.of("content-type", "application/json", "content-length", "11",
      "x-warm-up", "1");
  private static final byte[] BODY = "{\"warm\":42}".getBytes(StandardCharsets.UTF_8);
  private int nextId = 1;

  /** As {@link FetchHost#refusal()}: fetch may be called. */
  @HostAccess.Export
  public String refusal() {
    return null;
  }

  /** As {@link FetchHost#send}: answers 200 with a small JSON body (or none for HEAD). */
  @HostAccess.Export
  public int send(String method, String scheme, String hostname, int urlPort, String target, Value headers, Value body,
                  Value done, Value fail) {
    done.executeVoid(200, "OK", ProxyArray.fromList(new java.util.ArrayList<>(HEADERS)),
        method.equals("HEAD") ? null : ByteBuffer.wrap(BODY.clone()));
    return nextId++;
  }

  /** As {@link FetchHost#cancel}. */
  @HostAccess.Export
  public void cancel(int id) {
  }

  /** As {@link ServiceBindingHost#fetch}: answers 200 with a small JSON body. */
  @HostAccess.Export
  public void fetch(String method, String requestTarget, Value headersFlat, Value body, Value resolve, Value reject) {
    resolve.executeVoid(200, ProxyArray.fromList(new java.util.ArrayList<>(HEADERS)), ByteBuffer.wrap(BODY.clone()));
  }
}
