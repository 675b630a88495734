package dev.bulwark.dispatch;

import io.vertx.core.buffer.Buffer;

/** Carries an {@link Outcome}: the object itself locally, id, failure code and response across a cluster. */
public final class OutcomeCodec extends ImmutableCodec<Outcome> {
  public static final String NAME = "bulwark.outcome";
  private static final ResponseCodec RESPONSES = new ResponseCodec();

  public OutcomeCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Outcome o) {
    buffer.appendLong(o.id()).appendInt(o.failure());
    if (o.response() != null) {
      RESPONSES.encodeToWire(buffer, o.response());
    }
  }

  @Override
  public Outcome decodeFromWire(int pos, Buffer buffer) {
    long id = buffer.getLong(pos);
    int failure = buffer.getInt(pos + 8);
    return failure != 0 ? Outcome.failed(id, failure)
        : Outcome.answered(id, RESPONSES.decodeFromWire(pos + 12, buffer));
  }
}
