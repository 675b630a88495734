import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Echoes a JSON request body back, with what the runtime knows of the request and a greeting from the
 * GREETING binding:
 *
 *   curl -s localhost:8080/echo -H 'content-type: application/json' -d '{"hello":"world"}'
 */
public class Echo implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    JsonObject body;
    try {
      body = request.bodyLength() == 0 ? new JsonObject() : request.json();
    } catch (DecodeException e) {
      // Jackson's message goes on with where it read from: the first line says what is wrong.
      String problem = e.getMessage().lines().findFirst().orElse("");
      return Response.json(400, new JsonObject().put("error", "body is not a JSON object: " + problem));
    }
    return Response.json(new JsonObject()
        .put("greeting", env.get("GREETING").orElse("Hello"))
        .put("method", request.method())
        .put("path", request.path())
        .put("query", new JsonObject(new java.util.LinkedHashMap<>(request.queryParams())))
        .put("requestId", request.requestId())
        .put("echo", body));
  }
}
