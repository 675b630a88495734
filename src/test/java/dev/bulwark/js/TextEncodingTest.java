package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** TextEncoder and TextDecoder against the WHATWG Encoding standard (UTF-8), in a real isolate. */
class TextEncodingTest {
  /** Hex of a string's UTF-16 code units, so that U+FFFD and lone surrogates survive the trip through JSON. */
  private static final String HEX = "const hex = (s) => [...s].map((c) => c.codePointAt(0).toString(16)).join(' ');\n";

  @Test
  void streamingDecodeSplitsEveryMultibyteSequenceAtEveryPosition() throws Exception {
    // "a", U+00E9 (2 bytes), U+20AC (3), U+1F600 (4), "z": every split of the bytes into two and three chunks.
    Object v = JsHarness.eval("""
        const text = 'a\\u00e9\\u20ac\\u{1F600}z';
        const bytes = new TextEncoder().encode(text);
        const bad = [];
        for (const fatal of [false, true]) {
          for (let i = 0; i <= bytes.length; i++) {
            for (let j = i; j <= bytes.length; j++) {
              const d = new TextDecoder('utf-8', { fatal });
              const out = d.decode(bytes.subarray(0, i), { stream: true })
                + d.decode(bytes.subarray(i, j), { stream: true }) + d.decode(bytes.subarray(j));
              if (out !== text) bad.push([fatal, i, j, out]);
            }
          }
          // One byte per call.
          const d = new TextDecoder('utf-8', { fatal });
          let out = '';
          for (const b of bytes) out += d.decode(Uint8Array.of(b), { stream: true });
          out += d.decode();
          if (out !== text) bad.push([fatal, 'bytewise', out]);
        }
        return { length: bytes.length, bad };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(11, o.getInteger("length"));
    assertEquals(new JsonArray(), o.getJsonArray("bad"));
  }

  @Test
  void invalidSequencesBecomeReplacementCharactersByMaximalSubpart() throws Exception {
    Object v = JsHarness.eval(HEX + """
        const d = (bytes) => hex(new TextDecoder().decode(Uint8Array.from(bytes)));
        const s = (chunks) => { const t = new TextDecoder(); return hex(chunks.map((c, i) => t.decode(Uint8Array.from(c), { stream: i < chunks.length - 1 })).join('')); };
        return {
          truncated4: d([0xf0, 0x9f, 0x98]),
          overlong: d([0xc0, 0x80]),
          surrogate: d([0xed, 0xa0, 0x80]),
          badSecond: d([0xe0, 0x80, 0x41]),
          tooBig: d([0xf4, 0x90, 0x80, 0x80]),
          f5: d([0xf5, 0x41]),
          loneContinuation: d([0x80, 0xbf]),
          truncatedThenAscii: d([0xe2, 0x82, 0x41]),
          streamTruncatedAtEnd: s([[0xf0, 0x9f], [0x98], []]),
          streamInvalidSecond: s([[0xe0], [0x80], [0x41]]),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals("fffd", o.getString("truncated4"));
    assertEquals("fffd fffd", o.getString("overlong"));
    assertEquals("fffd fffd fffd", o.getString("surrogate"));
    assertEquals("fffd fffd 41", o.getString("badSecond"));
    assertEquals("fffd fffd fffd fffd", o.getString("tooBig"));
    assertEquals("fffd 41", o.getString("f5"));
    assertEquals("fffd fffd", o.getString("loneContinuation"));
    assertEquals("fffd 41", o.getString("truncatedThenAscii"));
    assertEquals("fffd", o.getString("streamTruncatedAtEnd"));
    assertEquals("fffd fffd 41", o.getString("streamInvalidSecond"));
  }

  @Test
  void fatalModeThrowsTypeError() throws Exception {
    Object v = JsHarness.eval("""
        const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.constructor.name; } };
        const fatal = () => new TextDecoder('utf-8', { fatal: true });
        const streaming = fatal();
        return {
          fatalFlag: fatal().fatal,
          invalid: attempt(() => fatal().decode(Uint8Array.of(0xc0, 0x80))),
          truncatedAtEnd: attempt(() => fatal().decode(Uint8Array.of(0xe2, 0x82))),
          // A valid prefix is no error while streaming, but is at the flush.
          prefixWhileStreaming: attempt(() => streaming.decode(Uint8Array.of(0xe2, 0x82), { stream: true })),
          prefixAtFlush: attempt(() => streaming.decode()),
          // An impossible second byte is an error in the very call that sees it.
          badSecondWhileStreaming: attempt(() => fatal().decode(Uint8Array.of(0xe0, 0x80), { stream: true })),
          valid: fatal().decode(Uint8Array.of(0xe2, 0x82, 0xac)),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(true, o.getBoolean("fatalFlag"));
    assertEquals("TypeError", o.getString("invalid"));
    assertEquals("TypeError", o.getString("truncatedAtEnd"));
    assertEquals("ok", o.getString("prefixWhileStreaming"));
    assertEquals("TypeError", o.getString("prefixAtFlush"));
    assertEquals("TypeError", o.getString("badSecondWhileStreaming"));
    assertEquals("\u20ac", o.getString("valid"));
  }

  @Test
  void bomIsStrippedOnceAtStreamStartUnlessIgnored() throws Exception {
    Object v = JsHarness.eval(HEX + """
        const bom = [0xef, 0xbb, 0xbf];
        const two = Uint8Array.from([...bom, ...bom, 0x41]);
        const d = new TextDecoder();
        const streamed = [d.decode(Uint8Array.of(0xef, 0xbb), { stream: true }), d.decode(Uint8Array.of(0xbf, 0x41), { stream: true }),
          d.decode(Uint8Array.from(bom), { stream: true }), d.decode()].join('');
        const reused = new TextDecoder();
        reused.decode(Uint8Array.of(0x41));
        return {
          once: hex(new TextDecoder().decode(two)),
          ignored: hex(new TextDecoder('utf-8', { ignoreBOM: true }).decode(two)),
          ignoreFlag: new TextDecoder('utf-8', { ignoreBOM: true }).ignoreBOM,
          streamed: hex(streamed),
          // Each flushing decode() starts a new stream, whose BOM is stripped again.
          newStream: hex(reused.decode(Uint8Array.from([...bom, 0x42]))),
          notAtStart: hex(new TextDecoder().decode(Uint8Array.from([0x41, ...bom]))),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals("feff 41", o.getString("once"));
    assertEquals("feff feff 41", o.getString("ignored"));
    assertEquals(true, o.getBoolean("ignoreFlag"));
    assertEquals("41 feff", o.getString("streamed"));
    assertEquals("42", o.getString("newStream"));
    assertEquals("41 feff", o.getString("notAtStart"));
  }

  @Test
  void encodeAndEncodeIntoCountCodeUnitsAndBytes() throws Exception {
    Object v = JsHarness.eval("""
        const e = new TextEncoder();
        const into = (s, n) => { const dst = new Uint8Array(n); const r = e.encodeInto(s, dst); return [r.read, r.written, [...dst]]; };
        return {
          encoding: e.encoding,
          lone: [...e.encode('a\\ud800b')],
          loneLow: [...e.encode('\\udc00')],
          pair: [...e.encode('\\u{1F600}')],
          empty: e.encode().length,
          intoAll: into('a\\u00e9\\u{1F600}', 8),
          pairTooBig: into('ab\\u{1F600}', 5),
          threeByteTooBig: into('\\u20ac', 2),
          loneInto: into('\\ud800x', 4),
          zero: into('abc', 0),
          symbol: (() => { try { e.encode(Symbol()); return 'ok'; } catch (x) { return x.constructor.name; } })(),
          notUint8: (() => { try { e.encodeInto('a', new Uint16Array(2)); return 'ok'; } catch (x) { return x.constructor.name; } })(),
          // A body from a string with a lone surrogate gets the same bytes.
          body: [...new Uint8Array(await new Response('\\ud800').arrayBuffer())],
          // Body's text() and json() are "UTF-8 decode": one leading BOM is dropped.
          bodyText: await new Response(Uint8Array.of(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x41)).text(),
          bodyJson: await new Response(Uint8Array.of(0xef, 0xbb, 0xbf, 0x5b, 0x31, 0x5d)).json(),
          blobText: await new Blob([Uint8Array.of(0xef, 0xbb, 0xbf, 0x42)]).text(),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals("utf-8", o.getString("encoding"));
    assertEquals(new JsonArray("[97,239,191,189,98]"), o.getJsonArray("lone"));
    assertEquals(new JsonArray("[239,191,189]"), o.getJsonArray("loneLow"));
    assertEquals(new JsonArray("[240,159,152,128]"), o.getJsonArray("pair"));
    assertEquals(0, o.getInteger("empty"));
    assertEquals(new JsonArray("[4,7,[97,195,169,240,159,152,128,0]]"), o.getJsonArray("intoAll"));
    assertEquals(new JsonArray("[2,2,[97,98,0,0,0]]"), o.getJsonArray("pairTooBig"));
    assertEquals(new JsonArray("[0,0,[0,0]]"), o.getJsonArray("threeByteTooBig"));
    assertEquals(new JsonArray("[2,4,[239,191,189,120]]"), o.getJsonArray("loneInto"));
    assertEquals(new JsonArray("[0,0,[]]"), o.getJsonArray("zero"));
    assertEquals("TypeError", o.getString("symbol"));
    assertEquals("TypeError", o.getString("notUint8"));
    assertEquals(new JsonArray("[239,191,189]"), o.getJsonArray("body"));
    assertEquals("\ufeffA", o.getString("bodyText"));
    assertEquals(new JsonArray("[1]"), o.getJsonArray("bodyJson"));
    assertEquals("B", o.getString("blobText"));
  }

  @Test
  void labelsAndBufferSources() throws Exception {
    Object v = JsHarness.eval("""
        const attempt = (f) => { try { return f(); } catch (e) { return e.constructor.name; } };
        const bytes = new TextEncoder().encode('xhello!y');
        return {
          labels: ['utf8', ' UTF-8 ', '\\tunicode-1-1-utf-8\\n', 'UTF8'].map((l) => new TextDecoder(l).encoding),
          unknown: attempt(() => new TextDecoder('utf-9')),
          nbspIsNotWhitespace: attempt(() => new TextDecoder('\\u00a0utf-8')),
          arrayBuffer: new TextDecoder().decode(bytes.buffer),
          subarray: new TextDecoder().decode(bytes.subarray(1, 7)),
          dataView: new TextDecoder().decode(new DataView(bytes.buffer, 1, 5)),
          uint16: new TextDecoder().decode(new Uint16Array(bytes.buffer, 2, 2)),
          noInput: new TextDecoder().decode(),
          notBuffer: attempt(() => new TextDecoder().decode('abc')),
          nullInput: attempt(() => new TextDecoder().decode(null)),
          badOptions: attempt(() => new TextDecoder('utf-8', 5)),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[\"utf-8\",\"utf-8\",\"utf-8\",\"utf-8\"]"), o.getJsonArray("labels"));
    assertEquals("RangeError", o.getString("unknown"));
    assertEquals("RangeError", o.getString("nbspIsNotWhitespace"));
    assertEquals("xhello!y", o.getString("arrayBuffer"));
    assertEquals("hello!", o.getString("subarray"));
    assertEquals("hello", o.getString("dataView"));
    assertEquals("ello", o.getString("uint16"));
    assertEquals("", o.getString("noInput"));
    assertEquals("TypeError", o.getString("notBuffer"));
    assertEquals("TypeError", o.getString("nullInput"));
    assertEquals("TypeError", o.getString("badOptions"));
  }

  @Test
  void utf16DecodesBothByteOrdersWithSurrogatesSplitAnywhere() throws Exception {
    Object v = JsHarness.eval(HEX + """
        const le = (units) => { const b = new Uint8Array(units.length * 2); units.forEach((u, i) => { b[2 * i] = u & 255; b[2 * i + 1] = u >> 8; }); return b; };
        const be = (units) => { const b = new Uint8Array(units.length * 2); units.forEach((u, i) => { b[2 * i] = u >> 8; b[2 * i + 1] = u & 255; }); return b; };
        const text = 'a\\u00e9\\u{1F600}\\u20ac';
        const units = [...text].flatMap((c) => c.length === 2 ? [c.charCodeAt(0), c.charCodeAt(1)] : [c.charCodeAt(0)]);
        const bad = [];
        for (const [label, enc] of [['utf-16le', le], ['utf-16be', be]]) {
          const bytes = enc(units);
          for (let i = 0; i <= bytes.length; i++) {
            for (let j = i; j <= bytes.length; j++) {
              const d = new TextDecoder(label, { fatal: true });
              const out = d.decode(bytes.subarray(0, i), { stream: true }) + d.decode(bytes.subarray(i, j), { stream: true }) + d.decode(bytes.subarray(j));
              if (out !== text) bad.push([label, i, j, hex(out)]);
            }
          }
        }
        const attempt = (f) => { try { return hex(f()); } catch (e) { return e.name; } };
        return {
          bad,
          names: ['utf-16', 'UTF-16LE', 'ucs-2', 'unicodefffe', 'utf-16be'].map((l) => new TextDecoder(l).encoding),
          bom: hex(new TextDecoder('utf-16le').decode(le([0xfeff, 0xfeff, 0x41]))),
          loneLead: hex(new TextDecoder('utf-16le').decode(le([0xd800, 0x41]))),
          loneTrail: hex(new TextDecoder('utf-16be').decode(be([0xdc00, 0x41]))),
          twoLeads: hex(new TextDecoder('utf-16le').decode(le([0xd800, 0xd83d, 0xde00]))),
          oddByte: hex(new TextDecoder('utf-16le').decode(Uint8Array.of(0x41, 0, 0x42))),
          leadThenOdd: hex(new TextDecoder('utf-16le').decode(Uint8Array.of(0, 0xd8, 0x42))),
          fatalLone: attempt(() => new TextDecoder('utf-16le', { fatal: true }).decode(le([0xdc00]))),
          legacy: attempt(() => new TextDecoder('latin1')),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray(), o.getJsonArray("bad"));
    assertEquals(new JsonArray("[\"utf-16le\",\"utf-16le\",\"utf-16le\",\"utf-16be\",\"utf-16be\"]"), o.getJsonArray("names"));
    assertEquals("feff 41", o.getString("bom"));
    assertEquals("fffd 41", o.getString("loneLead"));
    assertEquals("fffd 41", o.getString("loneTrail"));
    assertEquals("fffd 1f600", o.getString("twoLeads"));
    assertEquals("41 fffd", o.getString("oddByte"));
    // A lead surrogate and then an odd byte at the end are one error, not two.
    assertEquals("fffd", o.getString("leadThenOdd"));
    assertEquals("TypeError", o.getString("fatalLone"));
    // windows-1252 and the other legacy encodings are not offered.
    assertEquals("RangeError", o.getString("legacy"));
  }
}
