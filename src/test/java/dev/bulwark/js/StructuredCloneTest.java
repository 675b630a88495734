package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** structuredClone per HTML's structured serialization, in a real isolate. */
class StructuredCloneTest {
  private static final String ATTEMPT =
      "const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.name + ':' + (e instanceof DOMException); } };\n";

  @Test
  void clonesBuiltInsDeeplyAndKeepsSharingAndCycles() throws Exception {
    Object v = JsHarness.eval("""
        const shared = { s: 1 };
        const src = {
          n: -0, big: 12345678901234567890n, str: 'x', u: undefined, nul: null,
          date: new Date(86400000), re: /a+b/gimsuy, map: new Map([[1, shared], [shared, 'key']]), set: new Set(['a', shared]),
          boxed: [Object(false), Object(2), Object('s'), Object(3n)],
          sparse: [1, , 3], nested: { deep: [shared, shared] }, ['__proto__']: 'own',
        };
        Object.defineProperty(src, '__proto__', { value: { p: 1 }, enumerable: true, configurable: true, writable: true });
        src.self = src;
        const c = structuredClone(src);
        return {
          distinct: c !== src && c.map !== src.map && c.date !== src.date,
          negZero: Object.is(c.n, -0), big: String(c.big) + typeof c.big, str: c.str, u: 'u' in c && c.u === undefined, nul: c.nul,
          date: [c.date instanceof Date, c.date.getTime()],
          re: [c.re instanceof RegExp, c.re.source, c.re.flags, c.re.lastIndex],
          map: [c.map instanceof Map, c.map.size, c.map.get(1) === c.map.keys().next().value ? 'no' : 'ok', c.map.get(c.map.get(1))],
          set: [c.set instanceof Set, [...c.set][1] === c.map.get(1)],
          boxed: c.boxed.map((b) => typeof b + ':' + b.valueOf()),
          sparse: [c.sparse.length, 1 in c.sparse, c.sparse[2]],
          sharing: c.nested.deep[0] === c.nested.deep[1] && c.nested.deep[0] === c.map.get(1),
          cycle: c.self === c,
          protoKey: [Object.getPrototypeOf(c) === Object.prototype, Object.prototype.hasOwnProperty.call(c, '__proto__'), c.p === undefined],
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(true, o.getBoolean("distinct"));
    assertEquals(true, o.getBoolean("negZero"));
    assertEquals("12345678901234567890bigint", o.getString("big"));
    assertEquals(true, o.getBoolean("u"));
    assertEquals(new JsonArray("[true,86400000]"), o.getJsonArray("date"));
    assertEquals(new JsonArray("[true,\"a+b\",\"gimsuy\",0]"), o.getJsonArray("re"));
    assertEquals(new JsonArray("[true,2,\"ok\",\"key\"]"), o.getJsonArray("map"));
    assertEquals(new JsonArray("[true,true]"), o.getJsonArray("set"));
    assertEquals(new JsonArray("[\"object:false\",\"object:2\",\"object:s\",\"object:3\"]"), o.getJsonArray("boxed"));
    assertEquals(new JsonArray("[3,false,3]"), o.getJsonArray("sparse"));
    assertEquals(true, o.getBoolean("sharing"));
    assertEquals(true, o.getBoolean("cycle"));
    assertEquals(new JsonArray("[true,true,true]"), o.getJsonArray("protoKey"));
  }

  @Test
  void clonesBinaryDataErrorsAndBlobs() throws Exception {
    Object v = JsHarness.eval("""
        const buf = new ArrayBuffer(8);
        const u8 = new Uint8Array(buf, 2, 4);
        u8.set([1, 2, 3, 4]);
        const dv = new DataView(buf, 1, 3);
        const resizable = new ArrayBuffer(4, { maxByteLength: 16 });
        const c = structuredClone({ buf, u8, dv, f64: new Float64Array([1.5]), resizable });
        u8[0] = 99;
        const err = new RangeError('bad', { cause: 1 });
        err.extra = 1;
        class Custom extends Error { constructor() { super('custom'); this.name = 'CustomError'; } }
        const errs = structuredClone([err, new Custom(), new DOMException('gone', 'NotFoundError'), new TypeError()]);
        const file = new File(['hello'], 'a.txt', { type: 'text/plain', lastModified: 42 });
        const blobs = structuredClone({ blob: new Blob(['xyz'], { type: 'application/x-y' }), file });
        return {
          buffer: [c.u8.buffer === c.buf, c.dv.buffer === c.buf, c.buf !== buf, [...new Uint8Array(c.buf)]],
          view: [c.u8 instanceof Uint8Array, c.u8.byteOffset, c.u8.length, [...c.u8]],
          dv: [c.dv instanceof DataView, c.dv.byteOffset, c.dv.byteLength, c.dv.getUint8(1)],
          f64: [c.f64 instanceof Float64Array, c.f64[0]],
          resizable: [c.resizable.resizable, c.resizable.maxByteLength],
          errors: errs.map((e) => [Object.getPrototypeOf(e).constructor.name, e.name, e.message, 'extra' in e, Object.keys(e).length]),
          domException: [errs[2] instanceof DOMException, errs[2].code],
          noMessage: Object.prototype.hasOwnProperty.call(errs[3], 'message'),
          blob: [blobs.blob instanceof Blob, blobs.blob.type, await blobs.blob.text()],
          file: [blobs.file instanceof File, blobs.file.name, blobs.file.type, blobs.file.lastModified, await blobs.file.text(), blobs.file !== file],
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[true,true,true,[0,0,1,2,3,4,0,0]]"), o.getJsonArray("buffer"));
    assertEquals(new JsonArray("[true,2,4,[1,2,3,4]]"), o.getJsonArray("view"));
    assertEquals(new JsonArray("[true,1,3,1]"), o.getJsonArray("dv"));
    assertEquals(new JsonArray("[true,1.5]"), o.getJsonArray("f64"));
    assertEquals(new JsonArray("[true,16]"), o.getJsonArray("resizable"));
    assertEquals(new JsonArray("[[\"RangeError\",\"RangeError\",\"bad\",false,0],[\"Error\",\"Error\",\"custom\",false,0],"
        + "[\"DOMException\",\"NotFoundError\",\"gone\",false,0],[\"TypeError\",\"TypeError\",\"\",false,0]]"), o.getJsonArray("errors"));
    assertEquals(new JsonArray("[true,8]"), o.getJsonArray("domException"));
    assertEquals(false, o.getBoolean("noMessage"));
    assertEquals(new JsonArray("[true,\"application/x-y\",\"xyz\"]"), o.getJsonArray("blob"));
    assertEquals(new JsonArray("[true,\"a.txt\",\"text/plain\",42,\"hello\",true]"), o.getJsonArray("file"));
  }

  @Test
  void uncloneableValuesThrowDataCloneError() throws Exception {
    Object v = JsHarness.eval(ATTEMPT + """
        return {
          fn: attempt(() => structuredClone(() => 1)),
          nestedFn: attempt(() => structuredClone({ a: [1, { f() {} }] })),
          symbol: attempt(() => structuredClone(Symbol('s'))),
          symbolObject: attempt(() => structuredClone(Object(Symbol('s')))),
          weakMap: attempt(() => structuredClone(new WeakMap())),
          promise: attempt(() => structuredClone(Promise.resolve())),
          request: attempt(() => structuredClone(new Request('http://x/'))),
          headers: attempt(() => structuredClone(new Headers())),
          signal: attempt(() => structuredClone(new AbortController().signal)),
          noArgument: attempt(() => structuredClone()),
          symbolKeysIgnored: Object.getOwnPropertySymbols(structuredClone({ [Symbol('k')]: 1 })).length,
          classInstance: Object.getPrototypeOf(structuredClone(new (class A { constructor() { this.x = 1; } })())) === Object.prototype,
        };
        """);
    JsonObject o = (JsonObject) v;
    for (String k : new String[] {"fn", "nestedFn", "symbol", "symbolObject", "weakMap", "promise", "request", "headers", "signal"}) {
      assertEquals("DataCloneError:true", o.getString(k), k);
    }
    assertEquals("TypeError:false", o.getString("noArgument"));
    assertEquals(0, o.getInteger("symbolKeysIgnored"));
    assertEquals(true, o.getBoolean("classInstance"));
  }

  @Test
  void transferDetachesBuffersOnlyWhenTheWholeCloneSucceeds() throws Exception {
    Object v = JsHarness.eval(ATTEMPT + """
        const buf = new Uint8Array([1, 2, 3]).buffer;
        const view = new Uint16Array(new ArrayBuffer(4));
        view[1] = 7;
        const c = structuredClone({ buf, again: buf, view }, { transfer: [buf, view.buffer] });
        const kept = new ArrayBuffer(2);
        const failed = attempt(() => structuredClone({ kept, f: () => 1 }, { transfer: [kept] }));
        const d = new ArrayBuffer(1);
        return {
          moved: [buf.detached, buf.byteLength, [...new Uint8Array(c.buf)], c.again === c.buf],
          view: [view.buffer.detached, c.view[1], c.view.buffer.byteLength],
          failedKeepsBuffer: [failed, kept.detached],
          duplicate: attempt(() => structuredClone(d, { transfer: [d, d] })),
          detached: attempt(() => structuredClone(buf, { transfer: [buf] })),
          cloneDetached: attempt(() => structuredClone(buf)),
          notTransferable: attempt(() => structuredClone(1, { transfer: [{}] })),
          primitiveInList: attempt(() => structuredClone(1, { transfer: [1] })),
          notSequence: attempt(() => structuredClone(1, { transfer: 5 })),
          onlyListed: (() => { const b = new ArrayBuffer(1); structuredClone(b, { transfer: [] }); return b.detached; })(),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[true,0,[1,2,3],true]"), o.getJsonArray("moved"));
    assertEquals(new JsonArray("[true,7,4]"), o.getJsonArray("view"));
    assertEquals(new JsonArray("[\"DataCloneError:true\",false]"), o.getJsonArray("failedKeepsBuffer"));
    assertEquals("DataCloneError:true", o.getString("duplicate"));
    assertEquals("DataCloneError:true", o.getString("detached"));
    assertEquals("DataCloneError:true", o.getString("cloneDetached"));
    assertEquals("DataCloneError:true", o.getString("notTransferable"));
    assertEquals("TypeError:false", o.getString("primitiveInList"));
    assertEquals("TypeError:false", o.getString("notSequence"));
    assertEquals(false, o.getBoolean("onlyListed"));
  }

  @Test
  void largeGraphClonesWithinBudget() throws Exception {
    Object v = JsHarness.eval("""
        const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: 'n' + i, tags: ['a', 'b'], at: new Date(i) }));
        const t0 = Date.now();
        const c = structuredClone(items);
        return { ms: Date.now() - t0, ok: c.length === 2000 && c[1999].name === 'n1999' && c[5].at.getTime() === 5 };
        """);
    JsonObject o = (JsonObject) v;
    System.out.println("structuredClone of 2000 objects: " + o.getInteger("ms") + " ms");
    assertEquals(true, o.getBoolean("ok"));
    assertTrue(o.getInteger("ms") < 5000, "took " + o.getInteger("ms") + " ms");
  }
}
