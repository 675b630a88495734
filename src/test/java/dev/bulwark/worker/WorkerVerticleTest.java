package dev.bulwark.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.HandlerSource;
import dev.bulwark.config.Limits;
import dev.bulwark.config.ServiceConfig;
import dev.bulwark.dispatch.Batch;
import dev.bulwark.dispatch.Codecs;
import dev.bulwark.dispatch.Outcome;
import dev.bulwark.testhandlers.Sleeps;
import dev.bulwark.testhandlers.Throws;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Worker verticles on a real event bus: handlers run on worker threads, failures become failed replies. */
@ExtendWith(VertxExtension.class)
class WorkerVerticleTest {
  private static ServiceConfig service(String name, Class<?> handler, int instances) {
    return new ServiceConfig(name, new HandlerSource.ClassName(handler.getName()), instances, Map.of(), Limits.DEFAULT);
  }

  private static void deploy(Vertx vertx, ServiceConfig s, VertxTestContext ctx, Runnable then) throws Exception {
    Codecs.register(vertx.eventBus());
    HandlerFactory f = HandlerFactory.load(s);
    java.util.concurrent.atomic.AtomicInteger index = new java.util.concurrent.atomic.AtomicInteger();
    vertx.deployVerticle(() -> new WorkerVerticle(s, f, Env.empty(), index.getAndIncrement()), new DeploymentOptions()
            .setThreadingModel(ThreadingModel.WORKER).setInstances(s.instances())
            .setWorkerPoolName("test-" + s.name()).setWorkerPoolSize(s.instances()))
        .onComplete(ctx.succeeding(id -> then.run()));
  }

  @Test
  void handlersRunOnWorkerThreadsInParallelAcrossInstances(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServiceConfig s = service("sleepy", Sleeps.class, 4);
    deploy(vertx, s, ctx, () -> {
      long t0 = System.nanoTime();
      List<Future<Message<Response>>> replies = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        replies.add(vertx.eventBus().request(s.address(), Request.get("/?ms=300")));
      }
      Future.all(replies).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        for (var r : replies) {
          assertEquals("slept\n", r.result().body().text());
        }
        assertTrue(ms < 1100, "four 300 ms handlers on four instances ran in parallel: " + ms + " ms");
        ctx.completeNow();
      })));
    });
  }

  @Test
  void aThrowingHandlerGivesAFailedReplyCarryingTheRequestId(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServiceConfig s = service("throws", Throws.class, 1);
    deploy(vertx, s, ctx, () -> vertx.eventBus().request(s.address(),
            Request.of("GET", "/", dev.bulwark.api.Headers.empty(), null, "", "rid-7"))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          ReplyException re = (ReplyException) err;
          assertEquals(WorkerVerticle.HANDLER_FAILED, re.failureCode());
          assertEquals("rid-7", re.getMessage());
          ctx.completeNow();
        }))));
  }

  @Test
  void aRequestWhoseDeadlinePassedInTheQueueIsNotRun(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServiceConfig s = service("late", Sleeps.class, 1);
    deploy(vertx, s, ctx, () -> vertx.eventBus().request(s.address(), Request.get("/"), new DeliveryOptions()
            .setSendTimeout(300)
            .addHeader(WorkerVerticle.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() - 1)))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(io.vertx.core.eventbus.ReplyFailure.TIMEOUT, ((ReplyException) err).failureType());
          ctx.completeNow();
        }))));
  }

  /** Sends {@code s} one batch of GET requests for {@code paths}, numbered from {@code firstId}. */
  private static void sendBatch(Vertx vertx, ServiceConfig s, String replyTo, long deadlineMillis, long firstId,
                                String... paths) {
    List<Batch.Item> items = new ArrayList<>();
    for (int i = 0; i < paths.length; i++) {
      items.add(new Batch.Item(firstId + i, Request.get(paths[i])));
    }
    vertx.eventBus().send(s.address(), new Batch(replyTo, deadlineMillis, items));
  }

  /** Collects the outcomes that come back to a consumer of ours at {@code replyTo}. */
  private static List<Outcome> collect(Vertx vertx, String replyTo) {
    List<Outcome> got = java.util.Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().<Outcome>consumer(replyTo, m -> got.add(m.body()));
    return got;
  }

  @Test
  void eachItemOfABatchIsAnsweredOnItsOwnAsSoonAsItsHandlerIsDone(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    ServiceConfig s = service("batched", Sleeps.class, 1);
    deploy(vertx, s, ctx, () -> {
      long t0 = System.nanoTime();
      vertx.eventBus().<Outcome>consumer("test.outcomes", m -> ctx.verify(() -> {
        Outcome o = m.body();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (o.id() == 1) {
          assertEquals("slept\n", o.response().text());
          assertTrue(ms < 500, "the fast first item is answered before the slow second one ends: " + ms + " ms");
        } else {
          assertEquals(2, o.id());
          assertTrue(ms >= 800, "the slow item took its time: " + ms + " ms");
          ctx.completeNow();
        }
      }));
      sendBatch(vertx, s, "test.outcomes", System.currentTimeMillis() + 10_000, 1, "/?ms=0", "/?ms=800");
    });
  }

  @Test
  void aFailingItemFailsAloneWithItsCode(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServiceConfig s = service("batched-throws", Throws.class, 1);
    deploy(vertx, s, ctx, () -> {
      List<Outcome> got = collect(vertx, "test.failures");
      sendBatch(vertx, s, "test.failures", System.currentTimeMillis() + 10_000, 7, "/a", "/b");
      vertx.setTimer(500, t -> ctx.verify(() -> {
        assertEquals(2, got.size(), "every item is answered: " + got);
        for (var o : got) {
          assertEquals(WorkerVerticle.HANDLER_FAILED, o.failure());
          assertEquals(null, o.response());
        }
        ctx.completeNow();
      }));
    });
  }

  @Test
  void aBatchWhoseDeadlinePassedIsNotRun(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServiceConfig s = service("batched-late", dev.bulwark.testhandlers.Counts.class, 1);
    deploy(vertx, s, ctx, () -> {
      List<Outcome> got = collect(vertx, "test.late");
      int before = dev.bulwark.testhandlers.Counts.CALLS.get();
      sendBatch(vertx, s, "test.late", System.currentTimeMillis() - 1, 1, "/", "/");
      sendBatch(vertx, s, "test.late", System.currentTimeMillis() + 10_000, 3, "/");
      vertx.setTimer(500, t -> ctx.verify(() -> {
        assertEquals(1, dev.bulwark.testhandlers.Counts.CALLS.get() - before, "only the item still in time ran");
        assertEquals(3, got.size(), "every item is accounted for: " + got);
        var byId = new java.util.HashMap<Long, Outcome>();
        got.forEach(o -> byId.put(o.id(), o));
        for (long late = 1; late <= 2; late++) {
          assertEquals(WorkerVerticle.NOT_RUN, byId.get(late).failure(), "late item " + late);
          assertEquals(-1, byId.get(late).runNanos(), "late item " + late + " has no run time");
        }
        assertEquals(0, byId.get(3L).failure());
        assertTrue(byId.get(3L).runNanos() >= 0, "the item that ran reports its time");
        ctx.completeNow();
      }));
    });
  }

  @Test
  void eachInstanceTakesBatchesAtItsOwnAddressAndSaysSoInItsOutcomes(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    ServiceConfig s = service("addressed", Sleeps.class, 3);
    deploy(vertx, s, ctx, () -> {
      List<Outcome> got = collect(vertx, "test.addressed");
      for (int i = 0; i < 3; i++) {
        for (int round = 0; round < 3; round++) {
          vertx.eventBus().send(s.instanceAddress(i), new Batch("test.addressed", System.currentTimeMillis() + 10_000,
              List.of(new Batch.Item(10L * i + round, Request.get("/?ms=0")))));
        }
      }
      vertx.setTimer(500, t -> ctx.verify(() -> {
        assertEquals(9, got.size(), "every batch is answered: " + got);
        for (Outcome o : got) {
          assertEquals(o.id() / 10, o.instance(), "the instance a batch was sent to answers it: " + o);
        }
        ctx.completeNow();
      }));
    });
  }

  @Test
  void aBatchFromThisProcessIsAnsweredIntoItsSinkAndNotOverTheEventBus(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    ServiceConfig s = service("local", Throws.class, 1);
    deploy(vertx, s, ctx, () -> {
      List<Outcome> overTheBus = collect(vertx, "test.local");
      List<Outcome> sunk = java.util.Collections.synchronizedList(new ArrayList<>());
      List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
      dev.bulwark.dispatch.OutcomeSink sink = o -> {
        threads.add(Thread.currentThread().getName());
        sunk.add(o);
      };
      vertx.eventBus().send(s.address(), new Batch("test.local", System.currentTimeMillis() + 10_000,
          List.of(new Batch.Item(1, Request.get("/a")), new Batch.Item(2, Request.get("/b"))), sink));
      vertx.eventBus().send(s.address(), new Batch("test.local", System.currentTimeMillis() - 1,
          List.of(new Batch.Item(3, Request.get("/late"))), sink));
      vertx.setTimer(500, t -> ctx.verify(() -> {
        assertEquals(List.of(), overTheBus, "nothing came back over the event bus");
        assertEquals(3, sunk.size(), "every item is answered into the sink: " + sunk);
        var byId = new java.util.HashMap<Long, Outcome>();
        sunk.forEach(o -> byId.put(o.id(), o));
        assertEquals(WorkerVerticle.HANDLER_FAILED, byId.get(1L).failure());
        assertEquals(WorkerVerticle.HANDLER_FAILED, byId.get(2L).failure());
        assertEquals(WorkerVerticle.NOT_RUN, byId.get(3L).failure(), "a late item is answered there too");
        for (String name : threads) {
          assertTrue(name.startsWith("test-local"), "handed over on the worker thread, no hop first: " + name);
        }
        ctx.completeNow();
      }));
    });
  }

  @Test
  void aMessageThatIsNotARequestIsRefusedClearly(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServiceConfig s = service("typed", Sleeps.class, 1);
    deploy(vertx, s, ctx, () -> vertx.eventBus().request(s.address(), "hello")
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(WorkerVerticle.BAD_MESSAGE, ((ReplyException) err).failureCode());
          assertTrue(err.getMessage().contains("dev.bulwark.api.Request"), err.getMessage());
          ctx.completeNow();
        }))));
  }

  @Test
  void anItemThatRunsOutOfMemoryDoesNotLeaveTheRestOfItsBatchUnanswered(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    ServiceConfig s = service("oom", dev.bulwark.testhandlers.RunsOutOfMemory.class, 1);
    deploy(vertx, s, ctx, () -> {
      List<Outcome> got = collect(vertx, "test.oom");
      sendBatch(vertx, s, "test.oom", System.currentTimeMillis() + 10_000, 1, "/oom", "/ok");
      vertx.setTimer(500, t -> ctx.verify(() -> {
        assertEquals(2, got.size(), "both items are answered: " + got);
        var byId = new java.util.HashMap<Long, Outcome>();
        got.forEach(o -> byId.put(o.id(), o));
        assertEquals(WorkerVerticle.HANDLER_FAILED, byId.get(1L).failure());
        assertEquals("fine\n", byId.get(2L).response().text());
        ctx.completeNow();
      }));
    });
  }
}
