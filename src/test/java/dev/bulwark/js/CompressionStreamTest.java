package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** CompressionStream and DecompressionStream (Compression Streams standard): gzip, deflate, deflate-raw. */
class CompressionStreamTest {
  private static final String HELPERS = """
      const text = 'hello compression '.repeat(200);
      const collect = async (readable) => new Uint8Array(await new Response(readable).arrayBuffer());
      const through = (bytes, stream) => new Response(bytes).body.pipeThrough(stream);
      const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
      const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      const failure = async (make) => {
        try { await make(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; }
      };
      """;

  @Test
  void everyFormatRoundTripsInChunksAndCompresses() throws Exception {
    Object v = JsHarness.eval(HELPERS + """
        const out = [];
        for (const format of ['gzip', 'deflate', 'deflate-raw']) {
          const cs = new CompressionStream(format);
          const writer = cs.writable.getWriter();
          const encoded = new TextEncoder().encode(text);
          // Three chunks of different kinds: a Uint8Array, a DataView and an ArrayBuffer.
          writer.write(encoded.subarray(0, 100));
          writer.write(new DataView(encoded.buffer, 100, 1000));
          writer.write(encoded.slice(1100).buffer);
          writer.close();
          const packed = await collect(cs.readable);
          const back = new TextDecoder().decode(await collect(through(packed, new DecompressionStream(format))));
          out.push(format, back === text, packed.length < encoded.length / 10, String(cs));
        }
        out.push(CompressionStream.name, String(new DecompressionStream('gzip')));
        return out;
        """);
    assertEquals("[\"gzip\",true,true,\"[object CompressionStream]\",\"deflate\",true,true,"
        + "\"[object CompressionStream]\",\"deflate-raw\",true,true,\"[object CompressionStream]\","
        + "\"CompressionStream\",\"[object DecompressionStream]\"]", v.toString());
  }

  @Test
  void gzipIsTheSameFormatJavaReadsAndWrites() throws Exception {
    byte[] fromJava;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
      gz.write("zipped by java".getBytes(StandardCharsets.UTF_8));
    }
    fromJava = buf.toByteArray();
    Object v = JsHarness.eval(HELPERS + """
        const unpacked = new TextDecoder().decode(await collect(through(unb64('%s'), new DecompressionStream('gzip'))));
        const packed = await collect(through(new TextEncoder().encode('zipped by a worker'), new CompressionStream('gzip')));
        return [unpacked, b64(packed)];
        """.formatted(Base64.getEncoder().encodeToString(fromJava)));
    String[] parts = v.toString().replaceAll("[\\[\\]\"]", "").split(",");
    assertEquals("zipped by java", parts[0]);
    assertEquals("zipped by a worker", new String(new GZIPInputStream(new ByteArrayInputStream(
        Base64.getDecoder().decode(parts[1]))).readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void compressedDataArrivingOneByteAtATimeDecodesAndJunkAfterTheEndIsAnErrorInEveryFormat() throws Exception {
    Object v = JsHarness.eval(HELPERS + """
        const out = [];
        for (const format of ['gzip', 'deflate', 'deflate-raw']) {
          const packed = await collect(through(new TextEncoder().encode(text), new CompressionStream(format)));
          const ds = new DecompressionStream(format);
          const w = ds.writable.getWriter();
          for (const b of packed) w.write(new Uint8Array([b]));
          w.close();
          out.push(new TextDecoder().decode(await collect(ds.readable)) === text);
          const tail = new Uint8Array(packed.length + 1);
          tail.set(packed);
          out.push(await failure(() => collect(through(tail, new DecompressionStream(format)))));
        }
        return out;
        """);
    String junk = "\"TypeError: DecompressionStream: the compressed data goes on after its end\"";
    assertEquals("[true," + junk + ",true," + junk + ",true," + junk + "]", v.toString());
  }

  @Test
  void badFormatsChunksAndDataAreTypeErrors() throws Exception {
    Object v = JsHarness.eval(HELPERS + """
        const good = await collect(through(new TextEncoder().encode(text), new CompressionStream('gzip')));
        const withTail = new Uint8Array(good.length + 3);
        withTail.set(good);
        withTail.set([1, 2, 3], good.length);
        return [
          await failure(() => new CompressionStream('zstd')),
          await failure(() => new DecompressionStream()),
          await failure(() => collect(through(new TextEncoder().encode('not gzip at all'), new DecompressionStream('gzip')))),
          await failure(() => collect(through(good.subarray(0, good.length - 4), new DecompressionStream('gzip')))),
          await failure(() => collect(through(withTail, new DecompressionStream('gzip')))),
          await failure(async () => {
            const cs = new CompressionStream('deflate');
            const w = cs.writable.getWriter();
            w.write('a string').catch(() => {});
            await collect(cs.readable);
          }),
        ].map((m) => m.replace(/ \\(.*\\)$/, ''));
        """);
    assertEquals("[\"TypeError: Failed to construct 'CompressionStream': Unsupported compression format: 'zstd'\","
        + "\"TypeError: Failed to construct 'DecompressionStream': 1 argument required, but only 0 present.\","
        + "\"TypeError: DecompressionStream: the compressed data is not valid\","
        + "\"TypeError: DecompressionStream: the compressed data ends before the end of its stream\","
        + "\"TypeError: DecompressionStream: the compressed data goes on after its end\","
        + "\"TypeError: CompressionStream: a chunk must be an ArrayBuffer or an ArrayBufferView, not string\"]",
        v.toString());
  }
}
