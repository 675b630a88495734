package dev.bulwark.http;

import dev.bulwark.api.Request;
import dev.bulwark.dispatch.Batch;
import dev.bulwark.dispatch.Chunk;
import dev.bulwark.dispatch.Credit;
import dev.bulwark.dispatch.Outcome;
import dev.bulwark.dispatch.OutcomeSink;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageProducer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event-bus side of one HTTP verticle, confined to its event loop. Requests dispatched during one turn of the
 * loop are sent at the end of the turn, per service, as {@link Batch}es, one to each worker instance that
 * {@link WorkerLoad} deals some of them to: fast work is packed onto few instances that are awake already, slow work
 * spread one request per instance, idle instances first. So a busy loop hands work to a worker thread once per turn
 * instead of once per request, and wakes no more threads than the work needs. Each outcome comes back on its own as
 * soon as its handler is done: into the lane's {@link Mailbox} when the worker is in this process, else to this
 * verticle's event-bus address for that service (streamed heads, requests whose body followed, and every outcome of
 * a batch that crossed a cluster).
 *
 * <p>Deadlines: the requests of one service sent in one turn form a {@link Flight}. A service's flights are kept in
 * the order they were sent, which is the order of their deadlines (one timeout per service), and a flight leaves as
 * soon as its last outcome arrives. One timer per service, armed for the oldest flight still open, answers 504 to
 * whatever is unanswered at its deadline, then re-arms for the next; outcomes arriving after that only count the
 * instance as done. A loop turn thus costs no timer of its own, only when a deadline actually passes. A batch that no
 * worker verticle consumes gets 503.
 *
 * <p>A streamed response's head comes as its outcome and its body after it as {@link Chunk}s, to the same address;
 * the exchange acknowledges what it has written with {@link Credit}s to the worker instance that streams it. A streamed
 * request body ({@link Upload}) goes the other way: its chunks follow the batch to the instance it was dealt to, and
 * that instance's credits come back here.
 */
final class Dispatcher {
  private final Vertx vertx;
  private final Context context;
  private final String address = "bulwark.http." + UUID.randomUUID();
  private final LongObjectMap<Waiting> waiting = new LongObjectHashMap<>();
  private final Map<ServiceGate, Lane> lanes = new IdentityHashMap<>();
  /**
   * Requests answered 504 while still at a worker, by id: their exchanges learn when the worker is done with them,
   * so that their admission slots are held until then ({@link Exchange#workerDone}). At most a service's
   * {@code maxInFlight} each.
   */
  private final LongObjectMap<Exchange> late = new LongObjectHashMap<>();
  /** Streamed bodies on their way in, by outcome id (ids are unique across this dispatcher's lanes). */
  private final LongObjectMap<Exchange> streams = new LongObjectHashMap<>();
  /** Streamed request bodies on their way out, by request id. */
  private final LongObjectMap<Upload> uploads = new LongObjectHashMap<>();
  private long lastId;
  private boolean flushQueued;

  private record Pending(Exchange exchange, Request request, Upload upload) {
  }

  /** A request whose body follows it, and where to. */
  private record Follow(Upload upload, String to, long id) {
  }

  private record Waiting(Exchange exchange, Flight flight) {
  }

  /**
   * One service as seen from this loop: where its outcomes come back, a sender per worker instance, this turn's
   * requests, its open flights and their timer.
   */
  private final class Lane {
    final ServiceGate gate;
    final WorkerLoad load;
    final long timeoutNanos;
    final String replyTo;
    final Mailbox mailbox;
    final List<MessageProducer<Batch>> senders = new ArrayList<>();
    final int[] take;
    final int[] scratch;
    final List<Pending> turn = new ArrayList<>();
    Flight oldest;
    Flight newest;
    boolean timerArmed;

    Lane(ServiceGate gate) {
      this.gate = gate;
      this.load = gate.load();
      this.timeoutNanos = gate.config().limits().timeout().toNanos();
      this.replyTo = address + "." + gate.config().name();
      this.mailbox = new Mailbox(this);
      for (int i = 0; i < load.instances(); i++) {
        senders.add(vertx.eventBus().sender(gate.config().instanceAddress(i)));
      }
      this.take = new int[load.instances()];
      this.scratch = new int[load.instances()];
    }

    void append(Flight f) {
      f.previous = newest;
      if (newest == null) {
        oldest = f;
      } else {
        newest.next = f;
      }
      newest = f;
      if (!timerArmed) {
        arm(timeoutNanos);
      }
    }

    void remove(Flight f) {
      if (f.previous == null) {
        oldest = f.next;
      } else {
        f.previous.next = f.next;
      }
      if (f.next == null) {
        newest = f.previous;
      } else {
        f.next.previous = f.previous;
      }
      f.previous = f.next = null;
    }

    private void arm(long delayNanos) {
      timerArmed = true;
      vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos) + 1), t -> deadlinePassed());
    }

    /** Answers 504 for every flight past its deadline, then waits for the oldest one left, if any. */
    private void deadlinePassed() {
      timerArmed = false;
      long now = System.nanoTime();
      while (oldest != null && oldest.deadlineNanos - now <= 0) {
        Flight expired = oldest;
        remove(expired);
        for (long id : expired.ids) {
          Waiting w = waiting.remove(id);
          if (w != null) {
            late.put(id, w.exchange());
            w.exchange().timedOut();
          }
        }
      }
      if (oldest != null) {
        arm(oldest.deadlineNanos - now);
      }
    }
  }

  /**
   * Where worker threads of this process put one lane's outcomes (any thread), taken on this loop: one task for
   * whatever has arrived by the time it runs, so outcomes that come close together cost the loop one wake-up and
   * one task, and none of the event bus's delivery.
   */
  private final class Mailbox implements OutcomeSink {
    /** Outcomes taken, counted and then answered together within one drain: some 0.1 ms of writing at most. */
    private static final int GROUP = 16;
    private final Lane lane;
    private final WorkerLoad.Tally tally;
    private final Queue<Outcome> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Outcome[] group = new Outcome[GROUP];

    Mailbox(Lane lane) {
      this.lane = lane;
      this.tally = lane.load.tally();
    }

    @Override
    public void accept(Outcome outcome) {
      queue.offer(outcome);
      if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> drain());
      }
    }

    private void drain() {
      RuntimeException thrown = null;
      try {
        while (true) {
          int n = 0;
          for (Outcome o; n < GROUP && (o = queue.poll()) != null; n++) {
            group[n] = o;
            tally.done(o.instance(), o.runNanos());
          }
          if (n == 0) {
            break;
          }
          // Before any of these answers goes out: a client that has its answer and at once asks again, on a
          // connection another loop serves, finds the instance free, not still busy with the request it answered.
          tally.apply();
          for (int i = 0; i < n; i++) {
            Outcome o = group[i];
            group[i] = null;
            try {
              answer(lane, o);
            } catch (RuntimeException e) { // the others still get theirs; Vert.x reports it, as an event-bus consumer's
              if (thrown == null) {
                thrown = e;
              } else {
                thrown.addSuppressed(e);
              }
            }
          }
        }
      } finally {
        scheduled.set(false);
        // One offered after the last poll but before the flag fell found it set and scheduled nothing.
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
          context.runOnContext(v -> drain());
        }
      }
      if (thrown != null) {
        throw thrown;
      }
    }
  }

  /** The requests of one service sent in one turn: their ids, their deadline, and how many are unanswered. */
  private static final class Flight {
    final Lane lane;
    final long[] ids;
    final long deadlineNanos;
    int open;
    Flight previous;
    Flight next;

    Flight(Lane lane, int size, long deadlineNanos) {
      this.lane = lane;
      this.ids = new long[size];
      this.open = size;
      this.deadlineNanos = deadlineNanos;
    }

    void answered() {
      if (--open == 0) {
        lane.remove(this);
      }
    }
  }

  Dispatcher(Vertx vertx, Context context, Collection<ServiceGate> gates) {
    this.vertx = vertx;
    this.context = context;
    gates.forEach(g -> lanes.put(g, new Lane(g)));
  }

  /** Registers the consumers outcomes come back to, one per service; call before the first {@link #submit}. */
  Future<Void> start() {
    List<Future<Void>> registered = new ArrayList<>();
    for (Lane lane : lanes.values()) {
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(lane.replyTo, m -> {
        if (m.body() instanceof Chunk chunk) {
          chunk(chunk);
        } else if (m.body() instanceof Credit credit) {
          Upload upload = uploads.get(credit.id());
          if (upload != null) {
            upload.credit(credit);
          }
        } else {
          arrived(lane, (Outcome) m.body());
        }
      });
      registered.add(consumer.completion());
    }
    return Future.all(registered).mapEmpty();
  }

  /**
   * Sends {@code request} to {@code gate}'s workers at the end of this turn; its answer goes to {@code exchange}. With
   * {@code upload}, its body follows it.
   */
  void submit(ServiceGate gate, Request request, Exchange exchange, Upload upload) {
    Lane lane = lanes.get(gate);
    lane.turn.add(new Pending(exchange, request, upload));
    if (!flushQueued) {
      flushQueued = true;
      // Runs after the loop has read every socket that was ready, so the batch holds all of this turn's requests.
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushQueued = false;
    for (Lane lane : lanes.values()) {
      if (!lane.turn.isEmpty()) {
        send(lane);
        lane.turn.clear();
      }
    }
  }

  private void send(Lane lane) {
    int n = lane.turn.size();
    long deadlineMillis = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(lane.timeoutNanos);
    Flight flight = new Flight(lane, n, System.nanoTime() + lane.timeoutNanos);
    lane.load.deal(n, lane.take, lane.scratch);
    List<Batch> batches = new ArrayList<>(2);
    List<Follow> follow = null;
    int next = 0;
    for (int instance = 0; instance < lane.take.length; instance++) {
      int m = lane.take[instance];
      if (m == 0) {
        continue;
      }
      List<Batch.Item> items = new ArrayList<>(m);
      for (int end = next + m; next < end; next++) {
        long id = ++lastId;
        flight.ids[next] = id;
        Pending p = lane.turn.get(next);
        waiting.put(id, new Waiting(p.exchange(), flight));
        items.add(new Batch.Item(id, p.request(), p.upload() != null));
        if (p.upload() != null) {
          follow = follow == null ? new ArrayList<>(1) : follow;
          follow.add(new Follow(p.upload(), lane.gate.config().instanceAddress(instance), id));
        }
      }
      batches.add(new Batch(lane.replyTo, deadlineMillis, items, lane.mailbox));
    }
    // In the flight list before any send, since a send can fail at once and answer the flight's requests.
    lane.append(flight);
    int b = 0;
    for (int instance = 0; instance < lane.take.length; instance++) {
      if (lane.take[instance] > 0) { // the batches were made in instance order, one per instance given some
        Batch batch = batches.get(b++);
        int to = instance;
        lane.senders.get(to).write(batch).onFailure(err -> undelivered(lane, to, batch, err));
      }
    }
    if (follow != null) { // after the batches, which the bodies' chunks must follow to each instance
      for (Follow f : follow) {
        f.upload().dispatched(this, f.to(), lane.replyTo, f.id());
      }
    }
  }

  /** {@code upload} sends request {@code id}'s body, and takes its credits. */
  void uploading(long id, Upload upload) {
    uploads.put(id, upload);
  }

  /** Request {@code id}'s body takes no more credits. */
  void uploaded(long id) {
    uploads.remove(id);
  }

  private void undelivered(Lane lane, int instance, Batch batch, Throwable err) {
    lane.load.undelivered(instance, batch.items().size());
    for (Batch.Item item : batch.items()) {
      Waiting w = waiting.remove(item.id());
      if (w != null) {
        w.flight().answered();
        w.exchange().workerDone();
        w.exchange().undelivered(err);
      } else {
        Exchange timedOut = late.remove(item.id());
        if (timedOut != null) {
          timedOut.workerDone();
        }
      }
    }
  }

  private void arrived(Lane lane, Outcome outcome) {
    lane.load.done(outcome.instance(), outcome.runNanos());
    answer(lane, outcome);
  }

  /** Gives an outcome, already counted in the lane's load, to its exchange, unless that has answered already. */
  private void answer(Lane lane, Outcome outcome) {
    Waiting w = waiting.remove(outcome.id());
    boolean streamed = outcome.response() != null && outcome.response().streamed();
    if (w == null) {
      Exchange timedOut = late.remove(outcome.id());
      if (timedOut != null) {
        timedOut.workerDone();
      }
      if (streamed) { // answered 504 already: the worker must not go on making a body nobody reads
        new Control(lane, outcome).cancel();
      }
      return;
    }
    w.flight().answered();
    w.exchange().workerDone();
    if (streamed) {
      streams.put(outcome.id(), w.exchange());
      w.exchange().streamed(outcome.response(), new Control(lane, outcome));
    } else {
      w.exchange().outcome(outcome);
    }
  }

  private void chunk(Chunk chunk) {
    Exchange exchange = chunk.kind() == Chunk.DATA ? streams.get(chunk.id()) : streams.remove(chunk.id());
    if (exchange != null) { // else cancelled: what was on its way still arrives
      exchange.chunk(chunk);
    }
  }

  /** How an exchange acknowledges or cancels the streamed body it writes; on this loop. */
  final class Control {
    private final String instanceAddress;
    private final String replyTo;
    private final long id;

    private Control(Lane lane, Outcome outcome) {
      this.instanceAddress = lane.gate.config().instanceAddress(outcome.instance());
      this.replyTo = lane.replyTo;
      this.id = outcome.id();
    }

    /** {@code bytes} of the body were written to the client. */
    void written(int bytes) {
      vertx.eventBus().send(instanceAddress, new Credit(replyTo, id, bytes, false));
    }

    /** The client is gone, or takes no body: the worker stops making it. */
    void cancel() {
      streams.remove(id);
      vertx.eventBus().send(instanceAddress, new Credit(replyTo, id, 0, true));
    }
  }
}
