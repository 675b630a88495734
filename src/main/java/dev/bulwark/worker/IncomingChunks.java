package dev.bulwark.worker;

import dev.bulwark.dispatch.Chunk;
import dev.bulwark.dispatch.Credit;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * A body coming in as {@link Chunk}s from one sender over the event bus: a request body from the HTTP side to a
 * worker instance, or a streamed answer from another worker to a service binding. What arrives before the receiver
 * starts is kept for it; what the receiver takes is acknowledged with {@link Credit}s to the sender, whose window
 * paces the body. Used on one context only (the receiving verticle's or isolate's).
 */
public final class IncomingChunks implements IncomingBody {
  private final Vertx vertx;
  private final String self;
  private final String from;
  private final long id;
  private final Runnable onOver;
  private final ArrayDeque<Chunk> early = new ArrayDeque<>();
  private Receiver receiver;
  private boolean over;

  /**
   * The body {@code id} that {@code from} sends; credits name {@code self} as the address its chunks come to.
   * {@code onOver} runs once, when the body ends, fails or is cancelled.
   */
  public IncomingChunks(Vertx vertx, String self, String from, long id, Runnable onOver) {
    this.vertx = vertx;
    this.self = self;
    this.from = from;
    this.id = id;
    this.onOver = onOver;
  }

  /** A chunk of this body arrived. */
  public void arrived(Chunk chunk) {
    if (over) {
      return;
    }
    if (receiver == null) {
      early.add(chunk);
    } else {
      deliver(chunk);
    }
  }

  private void deliver(Chunk chunk) {
    switch (chunk.kind()) {
      case Chunk.DATA -> receiver.data(chunk.bytes());
      case Chunk.END -> {
        finish();
        receiver.end();
      }
      default -> {
        finish();
        receiver.fail(chunk.reason());
      }
    }
  }

  @Override
  public void start(Receiver r) {
    if (receiver != null) {
      throw new IllegalStateException("the body is read once");
    }
    receiver = r;
    while (!early.isEmpty()) {
      deliver(early.poll());
    }
  }

  @Override
  public void taken(long bytes) {
    if (!over && bytes > 0) {
      vertx.eventBus().send(from, new Credit(self, id, (int) Math.min(bytes, Integer.MAX_VALUE), false));
    }
  }

  @Override
  public void cancel() {
    Receiver r = receiver;
    if (stop() && r != null) { // a script still reading (after its answer, in waitUntil work) sees why it stops
      r.fail("the request is over: the rest of its body will not come");
    }
  }

  /**
   * Tells the sender nothing more is wanted, and the receiver nothing: it is going away (its isolate or verticle
   * closes). False if the body was over already.
   */
  public boolean stop() {
    if (over) {
      return false;
    }
    finish();
    vertx.eventBus().send(from, new Credit(self, id, 0, true));
    return true;
  }

  private void finish() {
    over = true;
    early.clear();
    onOver.run();
  }
}
