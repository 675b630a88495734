package dev.bulwark.http;

import dev.bulwark.api.Request;
import dev.bulwark.dispatch.Batch;
import dev.bulwark.dispatch.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageProducer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The event-bus side of one HTTP verticle, confined to its event loop. Requests dispatched during one turn of the
 * loop are sent at the end of the turn, per service, as {@link Batch}es: one message to each of up to
 * {@code instances} worker verticles (the requests dealt out in turn, as one message per request would be), so a
 * busy loop hands work to a worker thread once per turn instead of once per request. Each outcome comes back on its
 * own to this verticle's address as soon as its handler is done.
 *
 * <p>One timer per service and turn stands for the deadline of its requests: the requests still unanswered when it
 * fires get 504, and outcomes arriving after that are dropped. A batch that no worker verticle consumes gets 503.
 */
final class Dispatcher {
  private final Vertx vertx;
  private final Context context;
  private final String address = "bulwark.http." + UUID.randomUUID();
  private final Map<Long, Waiting> waiting = new HashMap<>();
  private final Map<ServiceGate, List<Pending>> pending = new IdentityHashMap<>();
  private final Map<ServiceGate, MessageProducer<Batch>> senders = new IdentityHashMap<>();
  private long lastId;
  private boolean flushQueued;

  private record Pending(Exchange exchange, Request request) {
  }

  private record Waiting(Exchange exchange, Flight flight) {
  }

  /** The requests of one service sent in one turn: the deadline timer they share and how many are unanswered. */
  private final class Flight implements Handler<Long> {
    private final long[] ids;
    private int open;
    private long timer;

    Flight(int size) {
      ids = new long[size];
      open = size;
    }

    void answered() {
      if (--open == 0) {
        vertx.cancelTimer(timer);
      }
    }

    @Override
    public void handle(Long timerId) {
      for (long id : ids) {
        Waiting w = waiting.remove(id);
        if (w != null) {
          w.exchange().timedOut();
        }
      }
    }
  }

  Dispatcher(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  /** Registers the consumer outcomes come back to; call before the first {@link #submit}. */
  Future<Void> start() {
    MessageConsumer<Outcome> consumer = vertx.eventBus().consumer(address, this::arrived);
    return consumer.completion();
  }

  /** Sends {@code request} to {@code gate}'s workers at the end of this turn; its answer goes to {@code exchange}. */
  void submit(ServiceGate gate, Request request, Exchange exchange) {
    pending.computeIfAbsent(gate, g -> new ArrayList<>()).add(new Pending(exchange, request));
    if (!flushQueued) {
      flushQueued = true;
      // Runs after the loop has read every socket that was ready, so the batch holds all of this turn's requests.
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushQueued = false;
    for (Map.Entry<ServiceGate, List<Pending>> e : pending.entrySet()) {
      List<Pending> requests = e.getValue();
      if (!requests.isEmpty()) {
        send(e.getKey(), requests);
        requests.clear();
      }
    }
  }

  private void send(ServiceGate gate, List<Pending> requests) {
    long timeout = gate.config().limits().timeout().toMillis();
    long deadline = System.currentTimeMillis() + timeout;
    int n = requests.size();
    Flight flight = new Flight(n);
    flight.timer = vertx.setTimer(timeout, flight);
    int batches = Math.min(n, Math.max(1, gate.config().instances()));
    List<List<Batch.Item>> dealt = new ArrayList<>(batches);
    for (int b = 0; b < batches; b++) {
      dealt.add(new ArrayList<>(n / batches + 1));
    }
    for (int i = 0; i < n; i++) {
      Pending p = requests.get(i);
      long id = ++lastId;
      flight.ids[i] = id;
      waiting.put(id, new Waiting(p.exchange(), flight));
      dealt.get(i % batches).add(new Batch.Item(id, p.request()));
    }
    MessageProducer<Batch> sender = senders.computeIfAbsent(gate,
        g -> vertx.eventBus().sender(g.config().address()));
    for (List<Batch.Item> items : dealt) {
      Batch batch = new Batch(address, deadline, items);
      sender.write(batch).onFailure(err -> undelivered(batch, err));
    }
  }

  private void undelivered(Batch batch, Throwable err) {
    for (Batch.Item item : batch.items()) {
      Waiting w = waiting.remove(item.id());
      if (w != null) {
        w.flight().answered();
        w.exchange().undelivered(err);
      }
    }
  }

  private void arrived(Message<Outcome> message) {
    Outcome outcome = message.body();
    Waiting w = waiting.remove(outcome.id());
    if (w == null) {
      return; // answered 504 already
    }
    w.flight().answered();
    w.exchange().outcome(outcome);
  }
}
