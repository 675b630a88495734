package dev.bulwark.api;

/**
 * A request handler ("worker") that answers with a plain {@link Response}.
 *
 * <p>Bulwark calls it on a worker thread, never on an event loop, so blocking calls (JDBC, files,
 * {@code Thread.sleep}) are allowed. Each worker-verticle instance owns its own handler instance and calls it
 * from one thread at a time, so fields need no synchronisation. An exception, or a {@code null} response,
 * becomes a 500 answer carrying the request id; the stack trace goes to the log only.
 *
 * <pre>{@code
 * public class Hello implements Handler {
 *   public Response handle(Request request, Env env) {
 *     return Response.text("Hello World\n");
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Handler {
  Response handle(Request request, Env env) throws Exception;
}
