package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/**
 * Answers with the hop-by-hop fields a proxied upstream response carries ({@code ?connection=} sets its
 * Connection value, default keep-alive), as a handler passing on a {@code fetch()} response does.
 */
public class HopByHop implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    return Response.text("hop\n")
        .withHeader("Connection", request.queryParam("connection").orElse("keep-alive"))
        .withHeader("Keep-Alive", "timeout=5")
        .withHeader("Proxy-Connection", "keep-alive")
        .withHeader("Upgrade", "h2c")
        .withHeader("TE", "trailers")
        .withHeader("Trailer", "x-checksum")
        .withHeader("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
        .withHeader("X-Kept", "yes");
  }
}
