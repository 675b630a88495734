package dev.bulwark;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one logger (and its children) logs while it is open: {@code try (var log = LogCapture.of(...))}. */
public final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  public static LogCapture of(String loggerName) {
    LogCapture capture = new LogCapture(Logger.getLogger(loggerName));
    capture.logger.addHandler(capture);
    return capture;
  }

  /** Everything logged so far, in order. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** What was logged so far at WARNING or above, in order. */
  public List<LogRecord> problems() {
    return records.stream().filter(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
        .toList();
  }

  /** The messages logged so far, in order. */
  public List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
