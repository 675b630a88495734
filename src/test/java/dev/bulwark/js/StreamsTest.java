package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streams (WHATWG Streams Standard, from the bundled web-streams-polyfill), the encoding streams, and bodies as
 * streams in Request and Response, in a real isolate. The cases share one worker: POST /eval runs its body as an
 * async function; the other paths are handlers that answer with or read streams.
 */
class StreamsTest {
  private static final String WORKER = """
      const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
      const encoder = new TextEncoder();
      const helpers = {
        /** The name of what f throws or rejects with, or 'ok'. */
        async attempt(f) { try { await f(); return 'ok'; } catch (e) { return e.name; } },
        /** A closed stream of the UTF-8 bytes of each string. */
        chunks(...parts) {
          return new ReadableStream({ start(c) { for (const p of parts) c.enqueue(encoder.encode(p)); c.close(); } });
        },
        settled(promise) { return promise.then(() => 'resolved', (e) => e.name + ': ' + e.message); },
        tick() { return new Promise((resolve) => setTimeout(resolve, 0)); },
      };
      export default {
        async fetch(request) {
          const path = new URL(request.url).pathname;
          if (path === '/eval') {
            const run = new AsyncFunction('helpers', 'const { attempt, chunks, settled, tick } = helpers;\\n' + await request.text());
            const value = await run(helpers);
            return Response.json({ value: value === undefined ? null : value });
          }
          if (path === '/pulled') {
            let i = 0;
            return new Response(new ReadableStream({
              async pull(controller) {
                await new Promise((resolve) => setTimeout(resolve, 1));
                if (++i > 5) controller.close(); else controller.enqueue(encoder.encode('chunk ' + i + '\\n'));
              },
            }), { status: 202, headers: { 'content-type': 'text/plain' } });
          }
          if (path === '/written') {
            const { readable, writable } = new TransformStream();
            const writer = writable.getWriter();
            (async () => {
              for (const word of ['written', ' ', 'through', ' ', 'a', ' ', 'writer']) await writer.write(encoder.encode(word));
              await writer.close();
            })();
            return new Response(readable);
          }
          if (path === '/upload') {
            const body = request.body;
            const reader = body.getReader();
            const sizes = [];
            let sum = 0;
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              sizes.push(value.byteLength);
              for (const b of value) sum += b;
            }
            let again;
            try { await request.arrayBuffer(); again = 'ok'; } catch (e) { again = e.name; }
            return Response.json({ sizes, sum, used: request.bodyUsed, same: request.body === body,
              isStream: body instanceof ReadableStream, again });
          }
          if (path === '/text-chunks') {
            return new Response(new ReadableStream({ start(c) { c.enqueue('not bytes'); c.close(); } }));
          }
          if (path === '/errored') {
            return new Response(new ReadableStream({
              pull(c) { c.error(new RangeError('the source failed')); },
            }));
          }
          return new Response('no such case', { status: 404 });
        },
      };
      """;

  private static JsHarness js;

  @BeforeAll
  static void start() throws Exception {
    js = JsHarness.module(WORKER);
  }

  @AfterAll
  static void stop() throws Exception {
    if (js != null) {
      js.close();
    }
  }

  /** Runs {@code asyncBody} in the shared worker and returns what it returns, as JSON. */
  private static Object eval(String asyncBody) throws Exception {
    Response r = js.fetch(Request.of("POST", "/eval", Headers.of("content-type", "text/javascript"),
        asyncBody.getBytes(StandardCharsets.UTF_8), "", "eval"));
    assertEquals(200, r.status(), r.text());
    return new JsonObject(r.text()).getValue("value");
  }

  @Test
  void globalsAreNonEnumerableClassesWithTheirNames() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const names = ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader', 'ReadableStreamBYOBRequest',
          'ReadableStreamDefaultController', 'ReadableByteStreamController', 'WritableStream', 'WritableStreamDefaultWriter',
          'WritableStreamDefaultController', 'TransformStream', 'TransformStreamDefaultController', 'ByteLengthQueuingStrategy',
          'CountQueuingStrategy', 'TextEncoderStream', 'TextDecoderStream'];
        const wrong = names.filter((n) => {
          const d = Object.getOwnPropertyDescriptor(globalThis, n);
          return !d || d.enumerable || !d.writable || !d.configurable || typeof d.value !== 'function' || d.value.name !== n;
        });
        const tags = [new ReadableStream(), new ReadableStream().getReader(), new WritableStream(), new WritableStream().getWriter(),
          new TransformStream(), new CountQueuingStrategy({ highWaterMark: 1 }), new ByteLengthQueuingStrategy({ highWaterMark: 1 }),
          new TextEncoderStream(), new TextDecoderStream()].map((o) => Object.prototype.toString.call(o).slice(8, -1));
        const illegal = await Promise.all([
          () => new ReadableStreamDefaultController(),
          () => new ReadableByteStreamController(),
          () => new TransformStreamDefaultController(),
          () => ReadableStream.prototype.getReader.call({}),
          () => Object.getOwnPropertyDescriptor(TextDecoderStream.prototype, 'readable').get.call({}),
          () => Object.getOwnPropertyDescriptor(TextEncoderStream.prototype, 'encoding').get.call(new TextDecoderStream()),
          () => new CountQueuingStrategy(),
        ].map(attempt));
        return {
          wrong, tags, illegal,
          clone: await attempt(() => structuredClone(new ReadableStream())),
          vendor: typeof globalThis.__bulwarkVendorStreams,
          hooks: Object.getOwnPropertyNames(ReadableStream.prototype).filter((n) => !/^(constructor|cancel|getReader|pipeThrough|pipeTo|tee|values|locked)$/.test(n)),
        };
        """);
    assertEquals(new JsonArray(), o.getJsonArray("wrong"));
    assertEquals(new JsonArray("[\"ReadableStream\",\"ReadableStreamDefaultReader\",\"WritableStream\","
        + "\"WritableStreamDefaultWriter\",\"TransformStream\",\"CountQueuingStrategy\",\"ByteLengthQueuingStrategy\","
        + "\"TextEncoderStream\",\"TextDecoderStream\"]"), o.getJsonArray("tags"));
    assertEquals(new JsonArray("[\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\","
        + "\"TypeError\"]"), o.getJsonArray("illegal"));
    assertEquals("DataCloneError", o.getString("clone"));
    assertEquals("undefined", o.getString("vendor"));
    assertEquals(new JsonArray(), o.getJsonArray("hooks"), "no string-keyed additions to ReadableStream.prototype");
  }

  @Test
  void aReaderLocksTheStreamUntilReleased() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const s = chunks('a', 'b');
        const first = s.getReader();
        const second = await attempt(() => s.getReader());
        const constructed = await attempt(() => new ReadableStreamDefaultReader(s));
        const locked = s.locked;
        const a = new TextDecoder().decode((await first.read()).value);
        const cancel = await settled(s.cancel());
        const pipe = await settled(s.pipeTo(new WritableStream()));
        const tee = await attempt(() => s.tee());
        first.releaseLock();
        const released = [s.locked, await settled(first.read()), await settled(first.closed)];
        const next = s.getReader();
        const b = new TextDecoder().decode((await next.read()).value);
        const end = await next.read();
        return { second, constructed, locked, a, cancel, pipe, tee, released, b, end: [end.done, end.value === undefined],
          closed: await settled(next.closed) };
        """);
    assertEquals("TypeError", o.getString("second"));
    assertEquals("TypeError", o.getString("constructed"));
    assertEquals(true, o.getBoolean("locked"));
    assertEquals("a", o.getString("a"));
    assertTrue(o.getString("cancel").startsWith("TypeError: "), o.getString("cancel"));
    assertTrue(o.getString("pipe").startsWith("TypeError: "), o.getString("pipe"));
    assertEquals("TypeError", o.getString("tee"));
    JsonArray released = o.getJsonArray("released");
    assertEquals(false, released.getBoolean(0));
    assertTrue(released.getString(1).startsWith("TypeError: "), released.encode());
    assertTrue(released.getString(2).startsWith("TypeError: "), released.encode());
    assertEquals("b", o.getString("b"));
    assertEquals(new JsonArray("[true,true]"), o.getJsonArray("end"));
    assertEquals("resolved", o.getString("closed"));
  }

  @Test
  void chunksArriveInOrderThroughReadsAndAsyncIteration() throws Exception {
    JsonObject o = (JsonObject) eval("""
        let pulls = 0;
        const pulled = new ReadableStream({
          pull(c) { pulls++; if (pulls > 3) c.close(); else c.enqueue('chunk' + pulls); },
        }, { highWaterMark: 0 });
        const got = [];
        for await (const c of pulled) got.push(c);
        const from = [];
        for await (const c of ReadableStream.from(['x', Promise.resolve('y'), 'z'])) from.push(c);
        const generated = [];
        for await (const c of ReadableStream.from((async function* () { yield 1; yield 2; })())) generated.push(c);
        let cancelled = 'not cancelled';
        const endless = new ReadableStream({ pull(c) { c.enqueue(1); }, cancel(reason) { cancelled = String(reason); } });
        for await (const c of endless) break;
        const kept = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
        for await (const c of kept.values({ preventCancel: true })) break;
        return { got, pulls, from, generated, cancelled, endlessLocked: endless.locked, kept: (await kept.getReader().read()).value };
        """);
    assertEquals(new JsonArray("[\"chunk1\",\"chunk2\",\"chunk3\"]"), o.getJsonArray("got"));
    assertEquals(4, o.getInteger("pulls"));
    assertEquals(new JsonArray("[\"x\",\"y\",\"z\"]"), o.getJsonArray("from"));
    assertEquals(new JsonArray("[1,2]"), o.getJsonArray("generated"));
    assertEquals("undefined", o.getString("cancelled"), "breaking out of for await cancels the stream");
    assertEquals(false, o.getBoolean("endlessLocked"));
    assertEquals(2, o.getInteger("kept"));
  }

  @Test
  void cancelReachesTheSourceAndEndsPendingReads() throws Exception {
    JsonObject o = (JsonObject) eval("""
        let reason = null;
        const s = new ReadableStream({
          cancel(r) { reason = r; return new Promise((resolve) => setTimeout(resolve, 5)); },
        }, { highWaterMark: 0 });
        const reader = s.getReader();
        const pending = reader.read();
        const cancelled = await reader.cancel('enough');
        const pendingResult = await pending;
        const after = await reader.read();
        const direct = chunks('x');
        await direct.cancel();
        const readAfterCancel = await direct.getReader().read();
        const failing = await settled(new ReadableStream({ cancel() { throw new RangeError('cannot cancel'); } }).cancel());
        const res = new Response('abc');
        await res.body.cancel();
        return { reason, cancelled: cancelled === undefined, pendingDone: pendingResult.done, afterDone: after.done,
          closed: await settled(reader.closed), readAfterCancel: readAfterCancel.done, failing,
          bodyUsed: res.bodyUsed, text: await attempt(() => res.text()) };
        """);
    assertEquals("enough", o.getString("reason"));
    assertEquals(true, o.getBoolean("cancelled"));
    assertEquals(true, o.getBoolean("pendingDone"));
    assertEquals(true, o.getBoolean("afterDone"));
    assertEquals("resolved", o.getString("closed"));
    assertEquals(true, o.getBoolean("readAfterCancel"));
    assertEquals("RangeError: cannot cancel", o.getString("failing"));
    assertEquals(true, o.getBoolean("bodyUsed"), "a cancelled body stream is disturbed");
    assertEquals("TypeError", o.getString("text"));
  }

  @Test
  void errorsPropagateThroughReadersPipesAndTransforms() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const boom = new Error('boom');
        let controller;
        const s = new ReadableStream({ start(c) { controller = c; } });
        const reader = s.getReader();
        const pending = reader.read().then(() => 'resolved', (e) => e === boom);
        controller.error(boom);
        const startThrows = await attempt(() => new ReadableStream({ start() { throw new RangeError('start failed'); } }));
        const startRejects = await settled(new ReadableStream({ start() { return Promise.reject(new RangeError('start failed')); } })
          .getReader().read());
        const pull = await settled(new ReadableStream({ pull() { return Promise.reject(new SyntaxError('pull failed')); } }).getReader().read());
        let aborted = null;
        const sourceError = await settled(new ReadableStream({ pull(c) { c.error(new Error('source failed')); } })
          .pipeTo(new WritableStream({ abort(r) { aborted = r.message; } })));
        let cancelledWith = null;
        const sinkError = await settled(new ReadableStream({ pull(c) { c.enqueue('x'); }, cancel(r) { cancelledWith = r.message; } })
          .pipeTo(new WritableStream({ write() { throw new Error('sink failed'); } })));
        const ts = new TransformStream({ transform() { throw new TypeError('bad chunk'); } });
        // The write waits for a read (the readable side's highWaterMark is 0), then both fail.
        const [write, readSide] = await Promise.all([settled(ts.writable.getWriter().write('a')), settled(ts.readable.getReader().read())]);
        const ac = new AbortController();
        const slow = new ReadableStream({ pull(c) { return new Promise((resolve) => setTimeout(() => { c.enqueue('x'); resolve(); }, 5)); } });
        const piping = settled(slow.pipeTo(new WritableStream(), { signal: ac.signal }));
        ac.abort();
        let sinkSignal = null;
        const ws = new WritableStream({ start(c) { sinkSignal = c.signal; } });
        const abort = await settled(ws.abort('stop'));
        return { pending: await pending, closed: await reader.closed.then(() => 'resolved', (e) => e === boom), startThrows, startRejects, pull,
          sourceError, aborted, sinkError, cancelledWith, write, readSide, signal: await piping, abort,
          sinkSignal: [sinkSignal instanceof AbortSignal, sinkSignal.aborted, sinkSignal.reason] };
        """);
    assertEquals(true, o.getBoolean("pending"));
    assertEquals(true, o.getBoolean("closed"));
    assertEquals("RangeError", o.getString("startThrows"), "start() throwing makes the constructor throw");
    assertEquals("RangeError: start failed", o.getString("startRejects"));
    assertEquals("SyntaxError: pull failed", o.getString("pull"));
    assertEquals("Error: source failed", o.getString("sourceError"));
    assertEquals("source failed", o.getString("aborted"));
    assertEquals("Error: sink failed", o.getString("sinkError"));
    assertEquals("sink failed", o.getString("cancelledWith"));
    assertEquals("TypeError: bad chunk", o.getString("write"));
    assertEquals("TypeError: bad chunk", o.getString("readSide"));
    assertTrue(o.getString("signal").startsWith("AbortError: "), o.getString("signal"));
    assertEquals("resolved", o.getString("abort"));
    assertEquals(new JsonArray("[true,true,\"stop\"]"), o.getJsonArray("sinkSignal"));
  }

  @Test
  void backpressureFollowsTheHighWaterMark() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const pulls = [];
        const s = new ReadableStream({ pull(c) { pulls.push(c.desiredSize); c.enqueue(pulls.length); } },
          new CountQueuingStrategy({ highWaterMark: 3 }));
        await tick();
        const filled = pulls.length;
        const reader = s.getReader();
        await reader.read();
        await tick();
        let bytes;
        new ReadableStream({ start(c) { bytes = c; } }, new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
        bytes.enqueue(new Uint8Array(4));
        const afterFour = bytes.desiredSize;
        bytes.enqueue(new Uint8Array(8));
        const afterTwelve = bytes.desiredSize;
        const written = [];
        const release = [];
        const w = new WritableStream({
          write(chunk) { written.push(chunk); return new Promise((resolve) => release.push(resolve)); },
        }, { highWaterMark: 2 });
        const writer = w.getWriter();
        const sizes = [writer.desiredSize];
        for (const c of ['a', 'b', 'c']) { writer.write(c); sizes.push(writer.desiredSize); }
        let ready = false;
        writer.ready.then(() => { ready = true; });
        await tick();
        const readyWhenFull = ready;
        const writtenWhenFull = written.length;
        release.shift()();
        await tick();
        release.shift()();
        await tick();
        return { filled, pulls, afterFour, afterTwelve, sizes, readyWhenFull, writtenWhenFull, ready, written,
          strategySizes: [new CountQueuingStrategy({ highWaterMark: 5 }).size('anything'),
            new ByteLengthQueuingStrategy({ highWaterMark: 1 }).size(new Uint8Array(7))],
          negative: await attempt(() => new ReadableStream({}, { highWaterMark: -1 })),
          notANumber: await attempt(() => new WritableStream({}, { highWaterMark: NaN })) };
        """);
    assertEquals(3, o.getInteger("filled"), "pulled until the queue holds highWaterMark chunks");
    assertEquals(new JsonArray("[3,2,1,1]"), o.getJsonArray("pulls"), "desiredSize at each pull; one more after a read");
    assertEquals(6, o.getInteger("afterFour"));
    assertEquals(-2, o.getInteger("afterTwelve"));
    assertEquals(new JsonArray("[2,1,0,-1]"), o.getJsonArray("sizes"));
    assertEquals(false, o.getBoolean("readyWhenFull"));
    assertEquals(1, o.getInteger("writtenWhenFull"), "one write at a time reaches the sink");
    assertEquals(true, o.getBoolean("ready"));
    assertEquals(new JsonArray("[\"a\",\"b\",\"c\"]"), o.getJsonArray("written"));
    assertEquals(new JsonArray("[1,7]"), o.getJsonArray("strategySizes"));
    assertEquals("RangeError", o.getString("negative"));
    assertEquals("RangeError", o.getString("notANumber"));
  }

  @Test
  void byteStreamsServeByobReaders() throws Exception {
    JsonObject o = (JsonObject) eval("""
        let calls = 0;
        const s = new ReadableStream({
          type: 'bytes',
          pull(c) {
            calls++;
            const v = c.byobRequest.view;
            v[0] = 10 * calls;
            v[1] = 10 * calls + 1;
            c.byobRequest.respond(2);
            if (calls === 2) c.close();
          },
        });
        const reader = s.getReader({ mode: 'byob' });
        const buffer = new Uint8Array(8);
        const r1 = await reader.read(buffer);
        const first = [r1.done, Array.from(r1.value)];
        const detached = buffer.byteLength;
        const r2 = await reader.read(new Uint8Array(r1.value.buffer));
        const r3 = await reader.read(new Uint8Array(4));
        const auto = new ReadableStream({
          type: 'bytes', autoAllocateChunkSize: 16,
          pull(c) { c.byobRequest.view.set([1, 2, 3]); c.byobRequest.respond(3); c.close(); },
        });
        const autoRead = await auto.getReader().read();
        const queued = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5])); c.close(); } });
        const qr = queued.getReader({ mode: 'byob' });
        const part = await qr.read(new Uint8Array(2));
        const rest = await qr.read(new Uint16Array(4));
        const body = new Response('hello world').body.getReader({ mode: 'byob' });
        const hello = await body.read(new Uint8Array(5));
        const [t1, t2] = new Response('tee').body.tee();
        return {
          r1: first, detached, reused: r1.value.byteLength, r2: Array.from(r2.value), r3: [r3.done, r3.value.byteLength], calls,
          auto: [autoRead.value.buffer.byteLength, Array.from(autoRead.value)], part: Array.from(part.value),
          rest: [rest.value.constructor.name, rest.value.byteLength, Array.from(new Uint8Array(rest.value.buffer, 0, 2))],
          hello: new TextDecoder().decode(hello.value),
          tee: [await new Response(t1).text(), await new Response(t2).text()],
          byobOnDefault: await attempt(() => new ReadableStream().getReader({ mode: 'byob' })),
          badMode: await attempt(() => new ReadableStream({ type: 'bytes' }).getReader({ mode: 'nope' })),
          empty: await attempt(() => new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array(0)); } })),
          notAView: await attempt(() => new ReadableStream({ type: 'bytes', start(c) { c.enqueue([1]); } })),
        };
        """);
    assertEquals(new JsonArray("[false,[10,11]]"), o.getJsonArray("r1"));
    assertEquals(0, o.getInteger("detached"), "a BYOB read transfers the buffer it was given");
    assertEquals(0, o.getInteger("reused"), "and again when the result's buffer is read into");
    assertEquals(new JsonArray("[20,21]"), o.getJsonArray("r2"));
    assertEquals(new JsonArray("[true,0]"), o.getJsonArray("r3"));
    assertEquals(2, o.getInteger("calls"));
    assertEquals(new JsonArray("[16,[1,2,3]]"), o.getJsonArray("auto"));
    assertEquals(new JsonArray("[1,2]"), o.getJsonArray("part"));
    // Three bytes are left, but a Uint16Array read takes whole elements: one now, the odd byte stays queued.
    assertEquals(new JsonArray("[\"Uint16Array\",2,[3,4]]"), o.getJsonArray("rest"));
    assertEquals("hello", o.getString("hello"));
    assertEquals(new JsonArray("[\"tee\",\"tee\"]"), o.getJsonArray("tee"));
    assertEquals("TypeError", o.getString("byobOnDefault"));
    assertEquals("TypeError", o.getString("badMode"));
    assertEquals("TypeError", o.getString("empty"));
    assertEquals("TypeError", o.getString("notAView"));
  }

  @Test
  void aResponseBodyIsAStreamOfItsBytes() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const r = new Response('h\\u00e9llo');
        const body = r.body;
        const same = r.body === body;
        const usedBefore = r.bodyUsed;
        const reader = body.getReader();
        const usedWhileLocked = r.bodyUsed;
        const textWhileLocked = await attempt(() => r.text());
        const read = [];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          read.push([value.constructor.name, Array.from(value)]);
        }
        const req = new Request('http://example.com/', { method: 'POST', body: chunks('p', 'q') });
        const reqBody = req.body;
        const viaGetter = new Response('direct');
        viaGetter.body;
        return {
          isStream: body instanceof ReadableStream, same, usedBefore, usedWhileLocked, textWhileLocked, read,
          usedAfter: r.bodyUsed, again: await attempt(() => r.text()), cloneAfter: await attempt(() => r.clone()),
          nulls: [new Response(null).body, new Response(null, { status: 204 }).body, new Request('http://example.com/').body],
          bytes: Array.from(new Uint8Array(await new Response(new Response(new Uint8Array([1, 2, 3])).body).arrayBuffer())),
          blob: await new Response(new Blob(['a', new Uint8Array([98])]).stream()).text(),
          request: [reqBody instanceof ReadableStream, await req.text(), req.bodyUsed],
          viaGetter: await viaGetter.text(),
        };
        """);
    assertEquals(true, o.getBoolean("isStream"));
    assertEquals(true, o.getBoolean("same"), "body returns the same stream each time");
    assertEquals(false, o.getBoolean("usedBefore"));
    assertEquals(false, o.getBoolean("usedWhileLocked"), "locked is not disturbed");
    assertEquals("TypeError", o.getString("textWhileLocked"));
    assertEquals(new JsonArray("[[\"Uint8Array\",[104,195,169,108,108,111]]]"), o.getJsonArray("read"));
    assertEquals(true, o.getBoolean("usedAfter"));
    assertEquals("TypeError", o.getString("again"));
    assertEquals("TypeError", o.getString("cloneAfter"));
    assertEquals(new JsonArray("[null,null,null]"), o.getJsonArray("nulls"));
    assertEquals(new JsonArray("[1,2,3]"), o.getJsonArray("bytes"));
    assertEquals("ab", o.getString("blob"));
    assertEquals(new JsonArray("[true,\"pq\",true]"), o.getJsonArray("request"));
    assertEquals("direct", o.getString("viaGetter"));
  }

  @Test
  void streamBodiesAreReadWholeAndTeedByClone() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const mixed = new ReadableStream({ start(c) {
          c.enqueue(new Uint16Array([0x4141]));
          c.enqueue(new Uint8Array([0x42]).buffer);
          c.enqueue(new DataView(new Uint8Array([0x43, 0x44]).buffer, 1));
          c.close();
        } });
        let cancelReason = null;
        const strings = new ReadableStream({ start(c) { c.enqueue('not bytes'); }, cancel(r) { cancelReason = r.name; } });
        const badResponse = new Response(strings);
        const bad = await settled(badResponse.text());
        const locked = chunks('x');
        locked.getReader();
        const disturbed = chunks('x', 'y');
        const dr = disturbed.getReader();
        await dr.read();
        dr.releaseLock();
        const original = new Response(chunks('one', ' ', 'two'), { status: 201, headers: { 'x-a': '1' } });
        const usedBefore = original.bodyUsed;
        const copy = original.clone();
        const texts = [await original.text(), await copy.text()];
        const request = new Request('http://example.com/', { method: 'PUT', body: chunks('req', 'uest') });
        const requestCopy = request.clone();
        const moved = new Request(request);
        return {
          text: await new Response(chunks('a', 'b', 'c')).text(),
          json: await new Response(chunks('{"k":', '[1,2]}')).json(),
          mixed: await new Response(mixed).text(),
          bad, cancelReason, badUsed: badResponse.bodyUsed,
          locked: await attempt(() => new Response(locked)),
          disturbed: await attempt(() => new Response(disturbed)),
          disturbedRequest: await attempt(() => new Request('http://example.com/', { method: 'POST', body: disturbed })),
          usedBefore, texts, usedAfter: [original.bodyUsed, copy.bodyUsed], copy: [copy.status, copy.headers.get('x-a')],
          requests: [await requestCopy.text(), request.bodyUsed, await moved.text()],
          empty: (await new Response(new ReadableStream({ start(c) { c.close(); } })).arrayBuffer()).byteLength,
        };
        """);
    assertEquals("abc", o.getString("text"));
    assertEquals(new JsonObject("{\"k\":[1,2]}"), o.getJsonObject("json"));
    assertEquals("AABD", o.getString("mixed"), "any BufferSource chunk is taken, as in workerd");
    assertTrue(o.getString("bad").startsWith("TypeError: A body stream must deliver Uint8Array chunks"), o.getString("bad"));
    assertEquals("TypeError", o.getString("cancelReason"), "the stream is cancelled with the error");
    assertEquals(true, o.getBoolean("badUsed"));
    assertEquals("TypeError", o.getString("locked"));
    assertEquals("TypeError", o.getString("disturbed"));
    assertEquals("TypeError", o.getString("disturbedRequest"));
    assertEquals(false, o.getBoolean("usedBefore"));
    assertEquals(new JsonArray("[\"one two\",\"one two\"]"), o.getJsonArray("texts"));
    assertEquals(new JsonArray("[true,true]"), o.getJsonArray("usedAfter"));
    assertEquals(new JsonArray("[201,\"1\"]"), o.getJsonArray("copy"));
    assertEquals(new JsonArray("[\"request\",true,\"request\"]"), o.getJsonArray("requests"));
    assertEquals(0, o.getInteger("empty"));
  }

  @Test
  void transformStreamsPipeAndTerminate() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const out = [];
        const upper = new TransformStream({
          transform(chunk, c) { c.enqueue(chunk.toUpperCase()); },
          flush(c) { c.enqueue('!'); },
        });
        await new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } })
          .pipeThrough(upper).pipeTo(new WritableStream({ write(c) { out.push(c); } }));
        const reversed = await new Response(new Response('stream me').body
          .pipeThrough(new TransformStream())
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new TransformStream({ transform(s, c) { c.enqueue([...s].reverse().join('')); } }))
          .pipeThrough(new TextEncoderStream())).text();
        const split = new TransformStream({ transform(chunk, c) { for (const b of chunk) c.enqueue(new Uint8Array([b])); } });
        const reader = new Response('abc').body.pipeThrough(split).getReader();
        let pieces = 0;
        while (!(await reader.read()).done) pieces++;
        const term = new TransformStream({ transform(chunk, c) { c.enqueue(chunk); c.terminate(); } });
        const termWriter = term.writable.getWriter();
        const termReader = term.readable.getReader();
        termWriter.write('only').catch(() => {});
        const first = await termReader.read();
        const second = await termReader.read();
        const kept = new WritableStream({ write(c) { out.push('kept:' + c); } });
        await new ReadableStream({ start(c) { c.enqueue('x'); c.close(); } }).pipeTo(kept, { preventClose: true });
        const keptWriter = kept.getWriter();
        await keptWriter.write('y');
        return { out, reversed, pieces, first: first.value, second: second.done,
          afterTerminate: await settled(termWriter.write('more')).then((s) => s.split(':')[0]) };
        """);
    assertEquals(new JsonArray("[\"A\",\"B\",\"!\",\"kept:x\",\"kept:y\"]"), o.getJsonArray("out"));
    assertEquals("em maerts", o.getString("reversed"));
    assertEquals(3, o.getInteger("pieces"));
    assertEquals("only", o.getString("first"));
    assertEquals(true, o.getBoolean("second"));
    assertEquals("TypeError", o.getString("afterTerminate"));
  }

  @Test
  void encodingStreamsHandleCodePointsSplitAcrossChunks() throws Exception {
    JsonObject o = (JsonObject) eval("""
        const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
        const text = 'a\\u00e9\\u20ac\\u{1F600}z';
        const bytes = new TextEncoder().encode(text);
        const decodeChunks = async (parts, label, options) => {
          const d = new TextDecoderStream(label, options);
          const w = d.writable.getWriter();
          for (const p of parts) w.write(p).catch(() => {});
          w.close().catch(() => {});
          let s = '';
          for await (const chunk of d.readable) s += chunk;
          return s;
        };
        const encodeChunks = async (parts) => {
          const e = new TextEncoderStream();
          const w = e.writable.getWriter();
          for (const p of parts) w.write(p);
          w.close();
          const out = [];
          for await (const chunk of e.readable) out.push(hex(chunk));
          return out;
        };
        const bytewise = await decodeChunks(Array.from(bytes, (b) => new Uint8Array([b])));
        const splits = [];
        for (let i = 0; i <= bytes.length; i++) {
          if (await decodeChunks([bytes.slice(0, i), bytes.slice(i).buffer]) !== text) splits.push(i);
        }
        const decoder = new TextDecoderStream('UTF-16LE', { fatal: true, ignoreBOM: true });
        return {
          bytewise: bytewise === text, splits,
          bom: await decodeChunks([new Uint8Array([0xef]), new Uint8Array([0xbb, 0xbf, 0x41])]),
          keptBom: (await decodeChunks([new Uint8Array([0xef, 0xbb, 0xbf, 0x41])], 'utf-8', { ignoreBOM: true })).length,
          truncated: (await decodeChunks([new Uint8Array([0x41, 0xe2, 0x82])])).codePointAt(1).toString(16),
          fatal: await settled(decodeChunks([new Uint8Array([0xff])], 'utf-8', { fatal: true })).then((s) => s.split(':')[0]),
          notBytes: await settled(decodeChunks(['text'])).then((s) => s.split(':')[0]),
          utf16: await decodeChunks([new Uint8Array([0x68, 0x00, 0x69])], 'utf-16le', { fatal: true }).catch((e) => e.name),
          options: [decoder.encoding, decoder.fatal, decoder.ignoreBOM, new TextDecoderStream().encoding, new TextEncoderStream().encoding],
          badLabel: await attempt(() => new TextDecoderStream('latin2')),
          pair: await encodeChunks(['x\\ud83d', '\\ude00y']),
          loneAtEnd: await encodeChunks(['a\\ud83d']),
          loneThenText: await encodeChunks(['\\ud83d', 'b']),
          twoLeads: await encodeChunks(['\\ud83d', '\\ud83d', '\\ude00']),
          empties: await encodeChunks(['', 'ab', '', 'c']),
          converted: await encodeChunks([42, null]),
          symbol: await (async () => {
            const e = new TextEncoderStream();
            const [write, read] = await Promise.all([settled(e.writable.getWriter().write(Symbol('s'))), settled(e.readable.getReader().read())]);
            return [write.split(':')[0], read.split(':')[0]];
          })(),
        };
        """);
    assertEquals(true, o.getBoolean("bytewise"));
    assertEquals(new JsonArray(), o.getJsonArray("splits"));
    assertEquals("A", o.getString("bom"), "a BOM split across chunks is still stripped");
    assertEquals(2, o.getInteger("keptBom"));
    assertEquals("fffd", o.getString("truncated"), "an incomplete sequence at the end is flushed as U+FFFD");
    assertEquals("TypeError", o.getString("fatal"));
    assertEquals("TypeError", o.getString("notBytes"));
    assertEquals("TypeError", o.getString("utf16"), "a fatal UTF-16 decoder rejects the odd byte left at the end");
    assertEquals(new JsonArray("[\"utf-16le\",true,true,\"utf-8\",\"utf-8\"]"), o.getJsonArray("options"));
    assertEquals("RangeError", o.getString("badLabel"));
    assertEquals(new JsonArray("[\"78\",\"f0 9f 98 80 79\"]"), o.getJsonArray("pair"));
    assertEquals(new JsonArray("[\"61\",\"ef bf bd\"]"), o.getJsonArray("loneAtEnd"));
    assertEquals(new JsonArray("[\"ef bf bd 62\"]"), o.getJsonArray("loneThenText"));
    assertEquals(new JsonArray("[\"ef bf bd\",\"f0 9f 98 80\"]"), o.getJsonArray("twoLeads"),
        "the second lead surrogate shows that the first was alone");
    assertEquals(new JsonArray("[\"61 62\",\"63\"]"), o.getJsonArray("empties"), "no empty chunks");
    assertEquals(new JsonArray("[\"34 32\",\"6e 75 6c 6c\"]"), o.getJsonArray("converted"));
    assertEquals(new JsonArray("[\"TypeError\",\"TypeError\"]"), o.getJsonArray("symbol"));
  }

  @Test
  void aHandlerAnswersWithAStreamOfChunks() throws Exception {
    Response pulled = js.fetch(Request.get("/pulled"));
    assertEquals(202, pulled.status());
    assertEquals("chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n", pulled.text());
    assertEquals("text/plain", pulled.headers().get("content-type").orElseThrow());
    Response written = js.fetch(Request.get("/written"));
    assertEquals(200, written.status());
    assertEquals("written through a writer", written.text());
    assertEquals(false, written.headers().contains("content-type"), "a stream body has no content type of its own");
  }

  @Test
  void aHandlerReadsTheRequestBodyThroughAReader() throws Exception {
    byte[] body = new byte[100_000];
    int sum = 0;
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i % 251);
      sum += i % 251;
    }
    Response r = js.fetch(Request.of("POST", "/upload", Headers.of("content-type", "application/octet-stream"), body,
        "", "upload"));
    assertEquals(200, r.status(), r.text());
    JsonObject o = new JsonObject(r.text());
    assertEquals(100_000, o.getJsonArray("sizes").stream().mapToInt(n -> (Integer) n).sum());
    assertEquals(sum, o.getInteger("sum"));
    assertEquals(true, o.getBoolean("used"));
    assertEquals(true, o.getBoolean("same"));
    assertEquals(true, o.getBoolean("isStream"));
    assertEquals("TypeError", o.getString("again"), "the body can be read once");
  }

  @Test
  void aResponseStreamThatFailsFailsTheRequest() throws Exception {
    Exception text = assertThrows(Exception.class, () -> js.fetch(Request.get("/text-chunks")));
    assertTrue(text.getMessage().contains("TypeError: A response body stream must deliver Uint8Array chunks"),
        text.getMessage());
    Exception errored = assertThrows(Exception.class, () -> js.fetch(Request.get("/errored")));
    assertTrue(errored.getMessage().contains("RangeError: the source failed"), errored.getMessage());
  }

  @Test
  void streamsKeepWorkingWhenAScriptReplacesGlobals() throws Exception {
    JsonObject o = (JsonObject) JsHarness.eval("""
        const RS = ReadableStream;
        globalThis.queueMicrotask = () => { throw new Error('hijacked queueMicrotask'); };
        globalThis.AbortController = undefined;
        RS.prototype.getReader = () => { throw new Error('hijacked getReader'); };
        RS.prototype.tee = () => { throw new Error('hijacked tee'); };
        globalThis.ReadableStream = undefined;
        const source = () => new RS({ start(c) { c.enqueue(new TextEncoder().encode('still works')); c.close(); } });
        const iterated = [];
        for await (const chunk of source()) iterated.push(chunk.length);
        let signal = null;
        new WritableStream({ start(c) { signal = c.signal; } });
        const original = new Response(source());
        const copy = original.clone();
        return {
          text: await new Response(source()).text(),
          body: await new Response(new Response('via body').body).text(),
          clone: [await original.text(), await copy.text()],
          iterated,
          signal: Object.prototype.toString.call(signal),
        };
        """);
    assertEquals("still works", o.getString("text"));
    assertEquals("via body", o.getString("body"));
    assertEquals(new JsonArray("[\"still works\",\"still works\"]"), o.getJsonArray("clone"));
    assertEquals(new JsonArray("[11]"), o.getJsonArray("iterated"));
    assertEquals("[object AbortSignal]", o.getString("signal"));
  }
}
