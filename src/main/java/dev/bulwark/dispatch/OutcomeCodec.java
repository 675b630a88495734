package dev.bulwark.dispatch;

import io.vertx.core.buffer.Buffer;

/**
 * Carries an {@link Outcome}: the object itself locally; across a cluster its id, failure code, instance, run time
 * and response.
 */
public final class OutcomeCodec extends ImmutableCodec<Outcome> {
  public static final String NAME = "bulwark.outcome";
  private static final ResponseCodec RESPONSES = new ResponseCodec();

  public OutcomeCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Outcome o) {
    buffer.appendLong(o.id()).appendInt(o.failure()).appendInt(o.instance()).appendLong(o.runNanos());
    if (o.response() != null) {
      RESPONSES.encodeToWire(buffer, o.response());
    }
  }

  @Override
  public Outcome decodeFromWire(int pos, Buffer buffer) {
    long id = buffer.getLong(pos);
    int failure = buffer.getInt(pos + 8);
    int instance = buffer.getInt(pos + 12);
    long runNanos = buffer.getLong(pos + 16);
    return failure != 0 ? Outcome.failed(id, failure, instance, runNanos)
        : Outcome.answered(id, RESPONSES.decodeFromWire(pos + 24, buffer), instance, runNanos);
  }
}
