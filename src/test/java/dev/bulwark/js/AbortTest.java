package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Event, EventTarget, AbortController and AbortSignal per the DOM standard, in a real isolate. */
class AbortTest {
  private static final String ATTEMPT = "const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.name; } };\n";

  @Test
  void eventTargetListenersRunInOrderWithOptions() throws Exception {
    Object v = JsHarness.eval(ATTEMPT + """
        const log = [];
        const t = new EventTarget();
        const f = (e) => log.push('f:' + e.eventPhase + ':' + (e.currentTarget === t) + ':' + (e.target === t));
        t.addEventListener('x', f);
        t.addEventListener('x', f); // same callback and capture: not added twice
        t.addEventListener('x', () => log.push('capture'), { capture: true });
        t.addEventListener('x', () => log.push('once'), { once: true });
        t.addEventListener('x', { handleEvent(e) { log.push('object:' + (this !== t)); } });
        t.addEventListener('x', (e) => { e.preventDefault(); log.push('passive:' + e.defaultPrevented); }, { passive: true });
        t.addEventListener('y', () => { throw new Error('reported, not thrown'); });
        t.addEventListener('y', () => log.push('after throw'));
        const first = t.dispatchEvent(new Event('x', { cancelable: true }));
        t.dispatchEvent(new Event('x'));
        t.removeEventListener('x', f, { capture: true }); // a different listener: nothing removed
        t.removeEventListener('x', f);
        t.dispatchEvent(new Event('x'));
        t.dispatchEvent(new Event('y'));
        const canceled = new EventTarget();
        canceled.addEventListener('c', (e) => e.preventDefault());
        canceled.addEventListener('c', (e) => e.stopImmediatePropagation());
        canceled.addEventListener('c', () => log.push('never'));
        const e = new Event('c', { cancelable: true });
        const result = canceled.dispatchEvent(e);
        return {
          log, first, result, defaultPrevented: e.defaultPrevented, phaseAfter: e.eventPhase, currentTargetAfter: e.currentTarget,
          targetAfter: e.target === canceled, isTrusted: e.isTrusted,
          ownIsTrusted: Object.getOwnPropertyDescriptor(e, 'isTrusted').configurable,
          redispatch: attempt(() => { const ev = new Event('z'); const tt = new EventTarget(); tt.addEventListener('z', () => log.push('inner:' + attempt(() => tt.dispatchEvent(ev)))); tt.dispatchEvent(ev); }),
          badCallback: attempt(() => t.addEventListener('x', 5)),
          noType: attempt(() => new Event()),
          custom: new CustomEvent('k', { detail: { a: 1 } }).detail,
          constants: [Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE],
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[\"capture\",\"f:2:true:true\",\"once\",\"object:true\",\"passive:false\","
        + "\"capture\",\"f:2:true:true\",\"object:true\",\"passive:false\","
        + "\"capture\",\"object:true\",\"passive:false\",\"after throw\",\"inner:InvalidStateError\"]"), o.getJsonArray("log"));
    assertEquals(true, o.getBoolean("first"));
    assertEquals(false, o.getBoolean("result"));
    assertEquals(true, o.getBoolean("defaultPrevented"));
    assertEquals(0, o.getInteger("phaseAfter"));
    assertEquals(null, o.getValue("currentTargetAfter"));
    assertEquals(true, o.getBoolean("targetAfter"));
    assertEquals(false, o.getBoolean("isTrusted"));
    assertEquals(false, o.getBoolean("ownIsTrusted"));
    assertEquals("ok", o.getString("redispatch"));
    assertEquals("TypeError", o.getString("badCallback"));
    assertEquals("TypeError", o.getString("noType"));
    assertEquals(new JsonObject().put("a", 1), o.getJsonObject("custom"));
    assertEquals(new JsonArray("[0,1,2,3]"), o.getJsonArray("constants"));
  }

  @Test
  void abortControllerAbortsOnceWithReasonAndFiresTrustedAbort() throws Exception {
    Object v = JsHarness.eval(ATTEMPT + """
        const log = [];
        const c = new AbortController();
        const s = c.signal;
        s.onabort = (e) => log.push('onabort:' + e.type + ':' + e.isTrusted + ':' + (e.target === s));
        s.addEventListener('abort', () => log.push('listener:' + s.aborted + ':' + s.reason.name));
        const before = [s.aborted, s.reason === undefined, attempt(() => s.throwIfAborted())];
        c.abort();
        c.abort('second'); // no effect: already aborted
        let thrown;
        try { s.throwIfAborted(); } catch (e) { thrown = e; }
        const custom = new AbortController();
        custom.abort('why');
        const replaced = new AbortController();
        replaced.signal.onabort = () => log.push('replaced-first');
        replaced.signal.onabort = () => log.push('replaced-second');
        replaced.signal.onabort = null;
        replaced.signal.onabort = () => log.push('re-added');
        replaced.abort();
        const removed = new AbortController();
        const l = new AbortController();
        removed.signal.addEventListener('abort', () => log.push('removed by signal'), { signal: l.signal });
        l.abort();
        removed.abort();
        return {
          before, log,
          reason: [s.reason instanceof DOMException, s.reason.name, s.reason.code, thrown === s.reason],
          custom: custom.signal.reason,
          illegal: attempt(() => new AbortSignal()),
          staticAbort: [AbortSignal.abort().aborted, AbortSignal.abort().reason.name, AbortSignal.abort(42).reason],
          brand: attempt(() => Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get.call({})),
          isEventTarget: s instanceof EventTarget,
          requestSignal: [new Request('http://x/').signal instanceof AbortSignal, new Request('http://x/').signal.aborted],
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[false,true,\"ok\"]"), o.getJsonArray("before"));
    assertEquals(new JsonArray("[\"onabort:abort:true:true\",\"listener:true:AbortError\",\"re-added\"]"), o.getJsonArray("log"));
    assertEquals(new JsonArray("[true,\"AbortError\",20,true]"), o.getJsonArray("reason"));
    assertEquals("why", o.getString("custom"));
    assertEquals("TypeError", o.getString("illegal"));
    assertEquals(new JsonArray("[true,\"AbortError\",42]"), o.getJsonArray("staticAbort"));
    assertEquals("TypeError", o.getString("brand"));
    assertEquals(true, o.getBoolean("isEventTarget"));
    assertEquals(new JsonArray("[true,false]"), o.getJsonArray("requestSignal"));
  }

  @Test
  void anyFollowsSourcesAndTimeoutAbortsWithTimeoutError() throws Exception {
    Object v = JsHarness.eval(ATTEMPT + """
        const log = [];
        const a = new AbortController();
        const b = new AbortController();
        const any = AbortSignal.any([a.signal, b.signal]);
        const nested = AbortSignal.any([any]);
        any.onabort = () => log.push('any:' + any.reason);
        nested.onabort = () => log.push('nested:' + nested.reason);
        a.signal.onabort = () => log.push('a');
        b.abort('b-reason');
        a.abort('a-reason');
        const pre = AbortSignal.any([new AbortController().signal, AbortSignal.abort('already')]);
        const t0 = Date.now();
        const timed = AbortSignal.timeout(30);
        const early = timed.aborted;
        const event = await new Promise((resolve) => timed.addEventListener('abort', (e) => resolve(e.type)));
        return {
          log, nested: [nested.aborted, nested.reason], a: a.signal.reason,
          pre: [pre.aborted, pre.reason],
          empty: AbortSignal.any([]).aborted,
          notSignal: attempt(() => AbortSignal.any([{}])),
          timeout: [early, event, timed.reason.name, timed.reason.code, Date.now() - t0 >= 25],
          badTimeout: [attempt(() => AbortSignal.timeout(-1)), attempt(() => AbortSignal.timeout(NaN))],
        };
        """);
    JsonObject o = (JsonObject) v;
    // Only b's abort reaches the dependent signals, which are aborted before either fires its event.
    assertEquals(new JsonArray("[\"any:b-reason\",\"nested:b-reason\",\"a\"]"), o.getJsonArray("log"));
    assertEquals(new JsonArray("[true,\"b-reason\"]"), o.getJsonArray("nested"));
    assertEquals("a-reason", o.getString("a"));
    assertEquals(new JsonArray("[true,\"already\"]"), o.getJsonArray("pre"));
    assertEquals(false, o.getBoolean("empty"));
    assertEquals("TypeError", o.getString("notSignal"));
    assertEquals(new JsonArray("[false,\"abort\",\"TimeoutError\",23,true]"), o.getJsonArray("timeout"));
    assertEquals(new JsonArray("[\"TypeError\",\"TypeError\"]"), o.getJsonArray("badTimeout"));
  }

  @Test
  void requestSignalFollowsTheSignalItWasGiven() throws Exception {
    Object v = JsHarness.eval(ATTEMPT + """
        const c = new AbortController();
        const r = new Request('http://x/', { signal: c.signal });
        const copy = new Request(r);
        const before = [r.signal === c.signal, r.signal.aborted, copy.signal.aborted];
        c.abort('stop');
        return {
          before, after: [r.signal.aborted, r.signal.reason, copy.signal.aborted, copy.signal.reason],
          nullSignal: new Request(r, { signal: null }).signal.aborted,
          notSignal: attempt(() => new Request('http://x/', { signal: {} })),
          alreadyAborted: new Request('http://x/', { signal: AbortSignal.abort('early') }).signal.reason,
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[false,false,false]"), o.getJsonArray("before"));
    assertEquals(new JsonArray("[true,\"stop\",true,\"stop\"]"), o.getJsonArray("after"));
    assertEquals(false, o.getBoolean("nullSignal"));
    assertEquals("TypeError", o.getString("notSignal"));
    assertEquals("early", o.getString("alreadyAborted"));
  }
}
