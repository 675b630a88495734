package dev.bulwark.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * One-line log records on standard output, set up once at start-up.
 *
 * <p>Everything a log line needs is loaded here, before the first request: timestamps are printed in UTC with
 * {@link Instant#toString()}, which needs no time-zone database, so logging later cannot fail for want of a free
 * file descriptor to read one.
 */
public final class Logging {
  private static volatile boolean initialised;
  // JUL holds loggers weakly: a level set on a logger nobody references is lost when it is collected.
  private static final Logger NETTY = Logger.getLogger("io.netty");
  private static final Logger METER_REGISTRY = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  private Logging() {
  }

  /**
   * The JDK's LogManager closes every handler from a shutdown hook of its own, racing ours; this one keeps them until
   * the JVM is gone, so the runtime can still say what it does while shutting down.
   */
  public static final class Manager extends LogManager {
    @Override
    public void reset() {
      if (!initialised) {
        super.reset();
      }
    }
  }

  public static synchronized void init() {
    if (initialised) {
      return;
    }
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler out = new StreamHandler(System.out, new LineFormat()) {
      @Override
      public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    out.setLevel(Level.ALL);
    root.addHandler(out);
    root.setLevel(Level.INFO);
    // Netty is chatty at INFO about things users cannot act on; warnings still show.
    NETTY.setLevel(Level.WARNING);
    // vertx-micrometer-metrics 5.x registers some gauges twice and Micrometer warns about it at every start
    // (vert-x3/vertx-micrometer-metrics#259); the metrics are right, the warning is noise.
    METER_REGISTRY.setLevel(Level.SEVERE);
    // Format one record now so every class on the logging path is loaded before traffic arrives.
    new LineFormat().format(new LogRecord(Level.INFO, "logging ready"));
    initialised = true;
  }

  /** {@code 2026-11-25T01:02:03.456Z INFO  dev.bulwark.Bulwark: message}, then the stack trace if any. */
  static final class LineFormat extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder sb = new StringBuilder(160);
      sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ');
      String level = r.getLevel() == Level.WARNING ? "WARN" : r.getLevel() == Level.SEVERE ? "ERROR"
          : r.getLevel().getName();
      sb.append(level);
      for (int i = level.length(); i < 5; i++) {
        sb.append(' ');
      }
      String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
      sb.append(' ').append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ").append(formatMessage(r))
          .append(System.lineSeparator());
      if (r.getThrown() != null) {
        StringWriter w = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(w));
        sb.append(w);
      }
      return sb.toString();
    }
  }
}
