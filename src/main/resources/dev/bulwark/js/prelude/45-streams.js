(function (host, internal, global) {
  'use strict';
  // Streams (WHATWG Streams Standard) from the vendored web-streams-polyfill bundle (42-web-streams.js), the encoding
  // streams (Encoding Standard) on the prelude's TextEncoder and TextDecoder, and the hooks with which the body
  // mixin (25-body.js) turns bodies into streams and back.
  const vendor = global.__bulwarkVendorStreams;
  delete global.__bulwarkVendorStreams;
  const { ReadableStream, ReadableStreamDefaultReader, ReadableByteStreamController, TransformStream,
    TransformStreamDefaultController } = vendor;
  // The prelude's own, whatever a script later assigns to the globals or their prototypes.
  const { TextEncoder, TextDecoder, DOMException } = global;
  const concat = internal.concatBytes;
  const isView = ArrayBuffer.isView;
  const getReader = ReadableStream.prototype.getReader;
  const teeStream = ReadableStream.prototype.tee;
  const isLocked = Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked').get;
  const read = ReadableStreamDefaultReader.prototype.read;
  const cancel = ReadableStreamDefaultReader.prototype.cancel;
  const enqueueBytes = ReadableByteStreamController.prototype.enqueue;
  const closeBytes = ReadableByteStreamController.prototype.close;
  const errorBytes = ReadableByteStreamController.prototype.error;
  const desiredBytes = Object.getOwnPropertyDescriptor(ReadableByteStreamController.prototype, 'desiredSize').get;
  const enqueue = TransformStreamDefaultController.prototype.enqueue;
  const readableOf = Object.getOwnPropertyDescriptor(TransformStream.prototype, 'readable').get;
  const writableOf = Object.getOwnPropertyDescriptor(TransformStream.prototype, 'writable').get;
  const encode = TextEncoder.prototype.encode;
  const decode = TextDecoder.prototype.decode;
  const decoderGetter = (name) => Object.getOwnPropertyDescriptor(TextDecoder.prototype, name).get;
  const [encodingOf, fatalOf, ignoreBOMOf] = ['encoding', 'fatal', 'ignoreBOM'].map(decoderGetter);
  const ignore = () => {};
  const then = Promise.prototype.then;

  /**
   * The standard's [[disturbed]] flag (the stream was read from or cancelled), which makes a body "used". The polyfill
   * keeps it as _disturbed; this read-only getter, keyed by a symbol of the prelude, is how 25-body.js asks.
   */
  const DISTURBED = Symbol('disturbed');
  Object.defineProperty(ReadableStream.prototype, DISTURBED, { get() { return this._disturbed === true; } });
  internal.DISTURBED = DISTURBED;

  /** Whether v is a ReadableStream (the brand check of the locked getter, not instanceof). */
  internal.isReadableStream = (v) => {
    if (v === null || typeof v !== 'object') return false;
    try {
      isLocked.call(v);
      return true;
    } catch (e) {
      return false;
    }
  };

  /**
   * A byte stream delivering a copy of bytes in one chunk, then closing. A copy, because enqueueing transfers the
   * chunk's buffer, and a clone of the Request or Response may still hold these bytes.
   */
  internal.streamOf = (bytes) => {
    const chunk = bytes.slice();
    const stream = new ReadableStream({
      __proto__: null,
      type: 'bytes',
      start(controller) {
        if (chunk.byteLength > 0) enqueueBytes.call(controller, chunk);
        closeBytes.call(controller);
      },
    });
    known.set(stream, bytes);
    return stream;
  };
  /** The bytes of each stream made by streamOf: until it is read, a response with it can be sent whole. */
  const known = new WeakMap();
  /** The bytes a stream is known to hold, if streamOf made it and nobody has read from or locked it; else null. */
  internal.knownBytes = (stream) => (known.has(stream) && !stream._disturbed && !isLocked.call(stream)
    ? known.get(stream) : null);

  /** A byte stream that fails every read with {@code error} (a fetched body that cannot be decoded). */
  internal.erroredStream = (error) => new ReadableStream({
    __proto__: null,
    type: 'bytes',
    start(controller) {
      errorBytes.call(controller, error);
    },
  });

  /**
   * A byte stream the host pushes into as bytes arrive (a fetch() response body sent without a length, a request
   * body still arriving, a service binding's streamed answer: JsPushedBody.java, FetchHost.java): chunk(buf)
   * enqueues a copy and says whether the stream wants more now (its queue is under 64 KiB); onPull() is called when
   * it wants more again, onCancel() when its reader cancels it. end() closes it, error(e) errors it, fail(message)
   * errors it with a TypeError.
   */
  internal.pushedStream = (onPull, onCancel) => {
    let controller;
    let over = false;
    const stream = new ReadableStream({
      __proto__: null,
      type: 'bytes',
      start(c) { controller = c; },
      pull() { if (!over) onPull(); },
      cancel() {
        if (!over) {
          over = true;
          onCancel();
        }
      },
    }, { __proto__: null, highWaterMark: 65536 });
    return {
      __proto__: null,
      stream,
      chunk(buf) {
        if (over) return false;
        const bytes = internal.copyHostBytes(buf); // a JS-owned copy, as dispatch() makes
        if (bytes.byteLength > 0) enqueueBytes.call(controller, bytes);
        return desiredBytes.call(controller) > 0;
      },
      end() {
        if (!over) {
          over = true;
          closeBytes.call(controller);
        }
      },
      error(e) {
        if (!over) {
          over = true;
          errorBytes.call(controller, e);
        }
      },
      fail(message) {
        this.error(new TypeError(message));
      },
    };
  };

  /** The two branches of a stream (clone() of a Request or Response). */
  internal.tee = (stream) => teeStream.call(stream);

  /** A chunk of a body stream as a Uint8Array over the same memory; null if it is not a BufferSource. */
  function bytesOf(chunk) {
    if (chunk instanceof Uint8Array) return chunk;
    if (isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    return null;
  }
  function describe(chunk) {
    if (chunk === null) return 'null';
    if (typeof chunk !== 'object') return typeof chunk;
    const tag = Object.prototype.toString.call(chunk).slice(8, -1);
    return tag === 'Object' ? 'an object' : 'a ' + tag;
  }

  /**
   * Reads a stream to its end (Fetch standard, "fully read"): a promise of all its bytes in one Uint8Array. A chunk
   * that is not a Uint8Array (or another BufferSource, as workerd accepts) rejects with a TypeError and cancels the
   * stream with it.
   */
  internal.readAll = async (stream) => {
    const reader = getReader.call(stream);
    const chunks = [];
    for (;;) {
      const result = await read.call(reader);
      if (result.done) break;
      const bytes = bytesOf(result.value);
      if (bytes === null) {
        const error = new TypeError('A body stream must deliver Uint8Array chunks (or other BufferSources), not '
          + describe(result.value));
        then.call(cancel.call(reader, error), ignore, ignore);
        throw error;
      }
      chunks.push(bytes);
    }
    return concat(chunks);
  };

  /**
   * The pump of a body sent while it is made: a response's (JsBodyStream.java), after the head has gone, or a
   * fetch() request's (FetchHost.java, with what = 'request'). The host calls
   * start(write, end, fail) once: each chunk read goes to write(ArrayBuffer), which says whether there is room for
   * more; with none, reading waits for resume(). cancel() is the client leaving: the stream is cancelled, as
   * workerd cancels it. A chunk that is not a BufferSource fails the body (the client sees it cut short) and cancels
   * the stream with the TypeError.
   */
  internal.bodyPump = (stream, what = 'response') => {
    const reader = getReader.call(stream);
    let write, end, fail;
    let running = false;
    let waiting = false;
    let over = false;
    const run = async () => {
      running = true;
      try {
        while (!waiting && !over) {
          const result = await read.call(reader);
          if (over) return;
          if (result.done) {
            over = true;
            end();
            return;
          }
          const bytes = bytesOf(result.value);
          if (bytes === null) {
            throw new TypeError('A ' + what + ' body stream must deliver Uint8Array chunks (or other BufferSources), not '
              + describe(result.value) + ' (encode text with TextEncoder, or pipe it through a TextEncoderStream)');
          }
          if (bytes.byteLength > 0 && !write(internal.exactBuffer(bytes))) waiting = true;
        }
      } catch (e) {
        if (!over) {
          over = true;
          then.call(cancel.call(reader, e), ignore, ignore);
          fail(internal.describeError(e));
        }
      } finally {
        running = false;
      }
    };
    return {
      __proto__: null,
      start(w, e, f) {
        write = w;
        end = e;
        fail = f;
        run();
      },
      resume() {
        waiting = false;
        if (!running && !over) run();
      },
      cancel() {
        if (over) return;
        over = true;
        then.call(cancel.call(reader, new DOMException('The client disconnected', 'AbortError')), ignore, ignore);
      },
    };
  };

  /** WebIDL DOMString conversion: a Symbol is a TypeError (String(symbol) would not be). */
  const toDOMString = (v) => `${v}`;
  const STREAM = Object.freeze({ __proto__: null, stream: true });

  class TextEncoderStream {
    #transform;
    constructor() {
      const encoder = new TextEncoder();
      // A lead surrogate at the end of a chunk waits for the next chunk, which may start with its trail surrogate.
      let pendingLead = '';
      this.#transform = new TransformStream({
        __proto__: null,
        transform(chunk, controller) {
          let s = pendingLead + toDOMString(chunk);
          pendingLead = '';
          const last = s.charCodeAt(s.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pendingLead = s.slice(-1);
            s = s.slice(0, -1);
          }
          if (s.length > 0) enqueue.call(controller, encode.call(encoder, s));
        },
        flush(controller) {
          if (pendingLead !== '') enqueue.call(controller, new Uint8Array([0xef, 0xbf, 0xbd])); // U+FFFD
        },
      });
    }
    get encoding() {
      if (!(#transform in this)) throw new TypeError('Illegal invocation');
      return 'utf-8';
    }
    get readable() { return readableOf.call(this.#transform); }
    get writable() { return writableOf.call(this.#transform); }
    get [Symbol.toStringTag]() { return 'TextEncoderStream'; }
  }

  class TextDecoderStream {
    #decoder;
    #transform;
    constructor(label = 'utf-8', options = undefined) {
      const decoder = new TextDecoder(label, options);
      this.#decoder = decoder;
      this.#transform = new TransformStream({
        __proto__: null,
        transform(chunk, controller) {
          if (!isView(chunk) && !(chunk instanceof ArrayBuffer)) {
            throw new TypeError('TextDecoderStream: a chunk must be an ArrayBuffer or an ArrayBufferView, not ' + describe(chunk));
          }
          const s = decode.call(decoder, chunk, STREAM);
          if (s.length > 0) enqueue.call(controller, s);
        },
        flush(controller) {
          const s = decode.call(decoder);
          if (s.length > 0) enqueue.call(controller, s);
        },
      });
    }
    get encoding() { return encodingOf.call(this.#decoder); }
    get fatal() { return fatalOf.call(this.#decoder); }
    get ignoreBOM() { return ignoreBOMOf.call(this.#decoder); }
    get readable() { return readableOf.call(this.#transform); }
    get writable() { return writableOf.call(this.#transform); }
    get [Symbol.toStringTag]() { return 'TextDecoderStream'; }
  }

  // CompressionStream and DecompressionStream (Compression Streams standard): gzip, deflate (zlib) and deflate-raw;
  // the codec work is CompressionHost.java's. Chunks must be BufferSources; bad compressed data, data after its end,
  // or data that stops before its end error the stream with a TypeError.
  const FORMATS = ['gzip', 'deflate', 'deflate-raw'];
  const compression = host.compression;
  /** The bytes a coder gave back, as a Uint8Array of the script's, or a TypeError for the reason it failed. */
  function coded(result, what) {
    if (typeof result === 'string') throw new TypeError(what + ': ' + result);
    return result === null || result === undefined ? null : internal.copyHostBytes(result);
  }
  function codecStream(name, format, compress) {
    const f = `${format}`;
    if (!FORMATS.includes(f)) {
      throw new TypeError(`Failed to construct '${name}': Unsupported compression format: '${f}'`);
    }
    const coder = compression.open(f, compress);
    return new TransformStream({
      __proto__: null,
      transform(chunk, controller) {
        let buffer;
        let offset;
        let length;
        if (chunk instanceof ArrayBuffer) {
          [buffer, offset, length] = [chunk, 0, chunk.byteLength];
        } else if (isView(chunk)) {
          [buffer, offset, length] = [chunk.buffer, chunk.byteOffset, chunk.byteLength];
        } else {
          coder.close();
          throw new TypeError(name + ': a chunk must be an ArrayBuffer or an ArrayBufferView, not ' + describe(chunk));
        }
        const out = coded(coder.push(buffer, offset, length), name);
        if (out !== null) enqueue.call(controller, out);
      },
      flush(controller) {
        const out = coded(coder.finish(), name);
        if (out !== null) enqueue.call(controller, out);
      },
      cancel() { coder.close(); },
    });
  }
  /** CompressionStream or DecompressionStream: the same interface, one direction each. */
  function codecClass(name, compress) {
    const C = class {
      #transform;
      constructor(format) {
        if (arguments.length < 1) throw new TypeError(`Failed to construct '${name}': 1 argument required, but only 0 present.`);
        this.#transform = codecStream(name, format, compress);
      }
      get readable() { return readableOf.call(this.#transform); }
      get writable() { return writableOf.call(this.#transform); }
      get [Symbol.toStringTag]() { return name; }
    };
    Object.defineProperty(C, 'name', { value: name, configurable: true });
    return C;
  }
  const CompressionStream = codecClass('CompressionStream', true);
  const DecompressionStream = codecClass('DecompressionStream', false);

  for (const [name, value] of Object.entries({ ...vendor, TextEncoderStream, TextDecoderStream, CompressionStream,
    DecompressionStream })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
