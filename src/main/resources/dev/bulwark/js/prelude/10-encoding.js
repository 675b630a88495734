(function (host, internal, global) {
  'use strict';
  // TextEncoder / TextDecoder (WHATWG Encoding: UTF-8, and UTF-16LE/BE for decoding); the codec work is Java's.
  const text = host.text;

  /** A Uint8Array over UTF-8 bytes of a string. */
  function utf8(s) {
    return copy(text.encode(String(s)));
  }
  /**
   * Copies a host ByteBuffer into a Uint8Array owned by the script, with one set(), which GraalJS does in bulk;
   * slice() on a view of a host buffer copies byte by byte instead (about 50 ms a megabyte in the interpreter).
   */
  function copy(byteBuffer) {
    const view = new Uint8Array(byteBuffer);
    const out = new Uint8Array(view.length);
    out.set(view);
    return out;
  }
  internal.copyHostBytes = copy;
  /** The bytes of any BufferSource as [ArrayBuffer, offset, length]. */
  function bufferOf(input) {
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) {
      return [input, 0, input.byteLength];
    }
    if (ArrayBuffer.isView(input)) {
      return [input.buffer, input.byteOffset, input.byteLength];
    }
    throw new TypeError('The "input" argument must be an ArrayBuffer, a TypedArray or a DataView');
  }
  function decodeBytes(bytes, fatal, encoding = 'utf-8') {
    try {
      if (encoding === 'utf-8') return text.decode(bytes.buffer, bytes.byteOffset, bytes.byteLength, fatal);
      return text.decodeUtf16(bytes.buffer, bytes.byteOffset, bytes.byteLength, encoding === 'utf-16be', fatal);
    } catch (e) {
      throw new TypeError('The encoded data was not valid for encoding ' + encoding);
    }
  }
  internal.utf8Encode = utf8;
  /**
   * The Encoding standard's "UTF-8 decode", which Body's text() and json() and Blob's text() use: a leading BOM is
   * dropped. "UTF-8 decode without BOM" (form field names and values) keeps it.
   */
  internal.utf8Decode = (bytes) => {
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return decodeBytes(bom ? bytes.subarray(3) : bytes, false);
  };
  internal.utf8DecodeWithoutBOM = (bytes) => decodeBytes(bytes, false);
  internal.bufferOf = bufferOf;
  internal.dictionary = (value, what) => dictionary(value, what);

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') {
      return utf8(`${input}`);
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError('The "destination" argument must be a Uint8Array');
      }
      const s = `${source}`;
      let read = 0;
      let written = 0;
      // Whole code points only, as many as fit.
      for (const ch of s) {
        const cp = ch.codePointAt(0);
        const isLoneSurrogate = cp >= 0xd800 && cp <= 0xdfff;
        const n = isLoneSurrogate ? 3 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + n > destination.length) break;
        const bytes = isLoneSurrogate ? [0xef, 0xbf, 0xbd] : n === 1 ? [cp]
          : n === 2 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : n === 3 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
          : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
        destination.set(bytes, written);
        written += n;
        read += ch.length;
      }
      return { read, written };
    }
    get [Symbol.toStringTag]() { return 'TextEncoder'; }
  }

  // The labels of UTF-8 and UTF-16 in the Encoding standard's table. Its legacy single- and multi-byte encodings
  // are not offered: their labels get the RangeError of an unknown label.
  const ENCODINGS = new Map([
    ...['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'].map((l) => [l, 'utf-8']),
    ...['unicodefffe', 'utf-16be'].map((l) => [l, 'utf-16be']),
    ...['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16', 'utf-16le'].map((l) => [l, 'utf-16le']),
  ]);

  /** A WebIDL dictionary argument: undefined and null are empty, other non-objects are a TypeError. */
  function dictionary(value, what) {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' && typeof value !== 'function') {
      throw new TypeError('The "' + what + '" argument must be an object');
    }
    return value;
  }

  /**
   * Length of the incomplete UTF-8 sequence at the end of bytes that the standard's decoder would still be waiting
   * on (0 if none): a lead byte and continuation bytes each within the bounds the decoder accepts. Anything else is
   * an error the decoder reports at once, so it is decoded (to U+FFFD, or a TypeError when fatal) in this call.
   */
  function incompleteTail(bytes) {
    const n = bytes.length;
    for (let back = 1; back <= Math.min(3, n); back++) {
      const lead = bytes[n - back];
      if (lead >= 0x80 && lead <= 0xbf) continue;
      const need = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 1;
      if (need <= back) return 0;
      if (back >= 2) {
        const second = bytes[n - back + 1];
        const lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
        const upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
        if (second < lower || second > upper) return 0;
      }
      return back;
    }
    return 0;
  }

  /**
   * Length of the end of bytes that the standard's UTF-16 decoder would still hold: an odd byte, and a lead
   * surrogate just before it (a lead surrogate is always pending: if it follows another one, that one is the error).
   */
  function incompleteUtf16Tail(bytes, bigEndian) {
    const odd = bytes.length % 2;
    const end = bytes.length - odd;
    if (end < 2) return odd;
    const unit = bigEndian ? (bytes[end - 2] << 8) | bytes[end - 1] : (bytes[end - 1] << 8) | bytes[end - 2];
    return unit >= 0xd800 && unit <= 0xdbff ? odd + 2 : odd;
  }

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #pending = new Uint8Array(0);
    #bomSeen = false;
    #doNotFlush = false;
    constructor(label = 'utf-8', options = undefined) {
      const l = `${label}`.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase();
      this.#encoding = ENCODINGS.get(l);
      if (this.#encoding === undefined) {
        throw new RangeError('The "' + label + '" encoding is not supported');
      }
      const o = dictionary(options, 'options');
      this.#fatal = Boolean(o.fatal);
      this.#ignoreBOM = Boolean(o.ignoreBOM);
    }
    get encoding() { return this.#encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input = undefined, options = undefined) {
      let bytes;
      if (input === undefined) {
        bytes = new Uint8Array(0);
      } else {
        const [buf, off, len] = bufferOf(input);
        bytes = new Uint8Array(buf, off, len);
      }
      const stream = Boolean(dictionary(options, 'options').stream);
      // A call after a flushing one starts a new stream (the standard's "do not flush" flag).
      if (!this.#doNotFlush) {
        this.#pending = new Uint8Array(0);
        this.#bomSeen = false;
      }
      this.#doNotFlush = stream;
      if (this.#pending.length) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = new Uint8Array(0);
      }
      if (stream) {
        const tail = this.#encoding === 'utf-8' ? incompleteTail(bytes) : incompleteUtf16Tail(bytes, this.#encoding === 'utf-16be');
        if (tail) {
          this.#pending = bytes.slice(bytes.length - tail);
          bytes = bytes.subarray(0, bytes.length - tail);
        }
      }
      let out = bytes.length ? decodeBytes(bytes, this.#fatal, this.#encoding) : '';
      // Only the first code point of a stream can be a BOM to strip.
      if (!this.#ignoreBOM && !this.#bomSeen && out.length) {
        if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
        this.#bomSeen = true;
      }
      return out;
    }
    get [Symbol.toStringTag]() { return 'TextDecoder'; }
  }

  for (const [name, value] of Object.entries({ TextEncoder, TextDecoder })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
