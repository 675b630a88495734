package dev.bulwark.dispatch;

import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import io.vertx.core.eventbus.EventBus;

/** Registers Bulwark's message codecs as the defaults for its message types. */
public final class Codecs {
  private Codecs() {
  }

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(Request.class, new RequestCodec());
    bus.registerDefaultCodec(Response.class, new ResponseCodec());
    bus.registerDefaultCodec(Batch.class, new BatchCodec());
    bus.registerDefaultCodec(Outcome.class, new OutcomeCodec());
    bus.registerDefaultCodec(Chunk.class, new ChunkCodec());
    bus.registerDefaultCodec(Credit.class, new CreditCodec());
  }
}
