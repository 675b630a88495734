package dev.bulwark.dispatch;

import io.vertx.core.eventbus.MessageCodec;

/**
 * What Bulwark's codecs share: their messages are immutable, so on the local bus the object itself is passed, with
 * no copy; each codec writes its own wire form for when messages cross a cluster.
 */
abstract class ImmutableCodec<T> implements MessageCodec<T, T> {
  private final String name;

  ImmutableCodec(String name) {
    this.name = name;
  }

  @Override
  public final T transform(T message) {
    return message;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final byte systemCodecID() {
    return -1;
  }
}
