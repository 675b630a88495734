package dev.bulwark.api;

import io.vertx.core.Future;

/**
 * A request handler that answers later: the returned {@link Future} completes with the response.
 *
 * <p>Use it when the answer comes from non-blocking work (a Vert.x client, another future). The same rules as
 * {@link Handler} apply: it is called on a worker thread, one call at a time per instance, and a failed future or a
 * {@code null} response becomes a 500 carrying the request id. If the future does not complete before the
 * service's timeout the client gets a 504.
 */
@FunctionalInterface
public interface AsyncHandler {
  Future<Response> handle(Request request, Env env) throws Exception;
}
