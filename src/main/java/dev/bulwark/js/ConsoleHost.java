package dev.bulwark.js;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.graalvm.polyglot.HostAccess;

/** {@code console.*} of a worker script: one line in the runtime log per call, with the current request id. */
public final class ConsoleHost {
  private final Logger log;
  private final Supplier<String> requestId;

  ConsoleHost(String service, Supplier<String> requestId) {
    this.log = Logger.getLogger("bulwark.js." + service);
    this.requestId = requestId;
  }

  /** {@code level} is the console method: debug, log, info, warn or error. */
  @HostAccess.Export
  public void write(String level, String message) {
    Level l = switch (level) {
      case "error" -> Level.SEVERE;
      case "warn" -> Level.WARNING;
      case "debug", "trace" -> Level.FINE;
      default -> Level.INFO;
    };
    if (log.isLoggable(l)) {
      String id = requestId.get();
      log.log(l, id == null ? message : "[" + id + "] " + message);
    }
  }
}
