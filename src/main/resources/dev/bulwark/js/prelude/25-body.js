(function (host, internal, global) {
  'use strict';
  // Blob, File, FormData and the Body mixin shared by Request and Response (Fetch standard, "body mixin").
  const utf8 = internal.utf8Encode;
  const decode = internal.utf8Decode;
  // Form data is decoded without BOM handling (URL Standard and multipart parsing say "UTF-8 decode without BOM").
  const decodeWithoutBOM = internal.utf8DecodeWithoutBOM;

  function toBytes(part) {
    if (part instanceof Blob) return part[BYTES];
    if (part instanceof ArrayBuffer) return new Uint8Array(part.slice(0));
    if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength));
    return utf8(String(part));
  }
  function concat(chunks) {
    let n = 0;
    for (const c of chunks) n += c.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }
  internal.concatBytes = concat;

  const BYTES = Symbol('bytes');
  class Blob {
    constructor(parts = [], options = {}) {
      if (parts === null || typeof parts !== 'object' || typeof parts[Symbol.iterator] !== 'function') {
        if (parts !== undefined) throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
        parts = [];
      }
      this[BYTES] = concat(Array.from(parts, toBytes));
      const type = options && options.type !== undefined ? String(options.type) : '';
      this.type = /[^\u0020-\u007e]/.test(type) ? '' : type.toLowerCase();
    }
    get size() { return this[BYTES].length; }
    slice(start = 0, end = this.size, contentType = '') {
      const size = this.size;
      const rel = (x) => (x < 0 ? Math.max(size + x, 0) : Math.min(x, size));
      const s = rel(Math.trunc(Number(start)) || 0);
      const e = rel(end === undefined ? size : Math.trunc(Number(end)) || 0);
      const b = new Blob([], { type: contentType });
      b[BYTES] = this[BYTES].slice(s, Math.max(s, e));
      return b;
    }
    async arrayBuffer() { return this[BYTES].slice().buffer; }
    async bytes() { return this[BYTES].slice(); }
    async text() { return decode(this[BYTES]); }
    stream() { return internal.streamOf(this[BYTES]); }
    get [Symbol.toStringTag]() { return 'Blob'; }
  }
  Object.defineProperty(Blob.prototype, 'type', { writable: true, enumerable: true, value: '' });
  class File extends Blob {
    constructor(parts, name, options = {}) {
      if (arguments.length < 2) throw new TypeError("Failed to construct 'File': 2 arguments required.");
      super(parts, options);
      this.name = String(name);
      this.lastModified = options && options.lastModified !== undefined ? Number(options.lastModified) : Date.now();
    }
    get [Symbol.toStringTag]() { return 'File'; }
  }

  const ENTRIES = Symbol('entries');
  function entryValue(value, filename) {
    if (value instanceof Blob) {
      if (!(value instanceof File) || filename !== undefined) {
        const f = new File([], filename !== undefined ? String(filename) : value instanceof File ? value.name : 'blob', { type: value.type });
        f[BYTES] = value[BYTES];
        return f;
      }
      return value;
    }
    return String(value);
  }
  class FormData {
    constructor(form = undefined) {
      if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
      this[ENTRIES] = [];
    }
    append(name, value, filename = undefined) { this[ENTRIES].push([String(name), entryValue(value, filename)]); }
    delete(name) { const n = String(name); this[ENTRIES] = this[ENTRIES].filter((e) => e[0] !== n); }
    get(name) { const n = String(name); const e = this[ENTRIES].find((x) => x[0] === n); return e ? e[1] : null; }
    getAll(name) { const n = String(name); return this[ENTRIES].filter((x) => x[0] === n).map((x) => x[1]); }
    has(name) { const n = String(name); return this[ENTRIES].some((x) => x[0] === n); }
    set(name, value, filename = undefined) {
      const n = String(name);
      const entry = [n, entryValue(value, filename)];
      const i = this[ENTRIES].findIndex((x) => x[0] === n);
      if (i < 0) { this[ENTRIES].push(entry); return; }
      this[ENTRIES][i] = entry;
      this[ENTRIES] = this[ENTRIES].filter((x, j) => j <= i || x[0] !== n);
    }
    forEach(callback, thisArg = undefined) { for (const [n, v] of this) callback.call(thisArg, v, n, this); }
    *entries() { for (let i = 0; i < this[ENTRIES].length; i++) yield [this[ENTRIES][i][0], this[ENTRIES][i][1]]; }
    *keys() { for (const [n] of this.entries()) yield n; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'FormData'; }
  }

  function escapeName(s) {
    return s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
  }
  function multipart(form) {
    const boundary = '----BulwarkFormBoundary' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    const chunks = [];
    for (const [name, value] of form[ENTRIES]) {
      let head = '--' + boundary + '\r\nContent-Disposition: form-data; name="' + escapeName(name.replace(/\r\n|\r(?!\n)|\n/g, '\r\n')) + '"';
      if (value instanceof File) {
        head += '; filename="' + escapeName(value.name) + '"\r\nContent-Type: ' + (value.type || 'application/octet-stream');
        chunks.push(utf8(head + '\r\n\r\n'), value[BYTES], utf8('\r\n'));
      } else {
        chunks.push(utf8(head + '\r\n\r\n' + value.replace(/\r\n|\r(?!\n)|\n/g, '\r\n') + '\r\n'));
      }
    }
    chunks.push(utf8('--' + boundary + '--\r\n'));
    return [concat(chunks), 'multipart/form-data; boundary=' + boundary];
  }

  function indexOf(bytes, pattern, from) {
    outer: for (let i = from; i <= bytes.length - pattern.length; i++) {
      for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  }
  function parseMultipart(bytes, contentType) {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    if (!m) throw new TypeError('multipart/form-data body without a boundary');
    const delimiter = utf8('--' + (m[1] || m[2]).trim());
    const form = new FormData();
    let at = indexOf(bytes, delimiter, 0);
    if (at < 0) throw new TypeError('Failed to parse the body as multipart/form-data');
    for (;;) {
      at += delimiter.length;
      if (bytes[at] === 45 && bytes[at + 1] === 45) break; // "--": the last delimiter
      at += 2; // CRLF
      const headerEnd = indexOf(bytes, utf8('\r\n\r\n'), at);
      if (headerEnd < 0) throw new TypeError('Failed to parse the body as multipart/form-data');
      const headers = decodeWithoutBOM(bytes.subarray(at, headerEnd)).split('\r\n');
      const next = indexOf(bytes, delimiter, headerEnd + 4);
      if (next < 0) throw new TypeError('Failed to parse the body as multipart/form-data');
      const content = bytes.slice(headerEnd + 4, next - 2);
      let name = null;
      let filename;
      let type = 'text/plain';
      for (const h of headers) {
        const [k, ...rest] = h.split(':');
        const v = rest.join(':').trim();
        if (k.trim().toLowerCase() === 'content-disposition') {
          const n = /\bname="([^"]*)"/i.exec(v);
          const f = /\bfilename="([^"]*)"/i.exec(v);
          name = n ? n[1] : null;
          filename = f ? f[1] : undefined;
        } else if (k.trim().toLowerCase() === 'content-type') {
          type = v;
        }
      }
      if (name === null) throw new TypeError('multipart/form-data part without a name');
      if (filename !== undefined) {
        const file = new File([], filename, { type });
        file[BYTES] = content;
        form.append(name, file);
      } else {
        form.append(name, decodeWithoutBOM(content));
      }
      at = next;
    }
    return form;
  }

  /**
   * Extracts a body (Fetch standard "extract a body"): returns {bytes, stream, type}. Bytes are copied, so later
   * changes to the caller's buffer do not show.
   */
  internal.extractBody = function (init) {
    if (init instanceof ArrayBuffer) return { bytes: new Uint8Array(init.slice(0)), type: null };
    if (ArrayBuffer.isView(init)) return { bytes: toBytes(init), type: null };
    if (typeof URLSearchParams === 'function' && init instanceof URLSearchParams) {
      return { bytes: utf8(init.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    }
    if (init instanceof FormData) {
      const [bytes, type] = multipart(init);
      return { bytes, type };
    }
    if (init instanceof Blob) return { bytes: init[BYTES], type: init.type || null };
    if (internal.isReadableStream(init)) {
      if (init.locked || init[internal.DISTURBED]) throw new TypeError('The body stream is locked or has already been read from');
      return { stream: init, type: null };
    }
    // Kept as a string: most bodies are written out unchanged, and the host encodes UTF-8 faster than a copy here.
    return { text: String(init), type: 'text/plain;charset=UTF-8' };
  };

  const STATE = Symbol('body');
  internal.BODY = STATE;

  /** The body state of a Request or Response: {bytes, stream, text, used}; at most one of the three is set. */
  internal.bodyState = (bytes, stream, text) =>
    ({ bytes: bytes || null, stream: stream || null, text: text === undefined ? null : text, used: false });
  /** Whether a body state holds a body at all. */
  internal.hasBody = (st) => st.bytes !== null || st.stream !== null || st.text !== null;

  async function consume(self) {
    const st = self[STATE];
    if (st.used || (st.stream && (st.stream.locked || st.stream[internal.DISTURBED]))) {
      throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
    }
    st.used = true;
    if (st.stream) return internal.readAll(st.stream);
    if (st.text !== null) return utf8(st.text);
    return st.bytes || new Uint8Array(0);
  }
  internal.consumeBody = consume;
  /**
   * The body as a stream to send while it is read (fetch()), when it is one of unknown length: a stream the script
   * made, or a request body still arriving. It is taken (the body is used); anything else gives null, and is sent
   * whole.
   */
  internal.takeStream = (self) => {
    const st = self[STATE];
    if (!st.stream || st.used || st.stream.locked || st.stream[internal.DISTURBED]) return null;
    if (internal.knownBytes(st.stream) !== null) return null;
    st.used = true;
    return st.stream;
  };

  /** Methods and accessors of the body mixin, installed on Request.prototype and Response.prototype. */
  internal.installBody = function (proto) {
    Object.defineProperties(proto, {
      bodyUsed: {
        get() {
          const st = this[STATE];
          return st.used || Boolean(st.stream && st.stream[internal.DISTURBED]);
        },
        enumerable: true, configurable: true,
      },
      body: {
        get() {
          const st = this[STATE];
          if (st.stream) return st.stream;
          if (st.bytes === null && st.text === null) return null;
          st.stream = internal.streamOf(st.text !== null ? utf8(st.text) : st.bytes);
          st.bytes = null;
          st.text = null;
          return st.stream;
        },
        enumerable: true, configurable: true,
      },
    });
    const methods = {
      async arrayBuffer() { const b = await consume(this); return b.buffer.byteLength === b.byteLength ? b.buffer : b.slice().buffer; },
      async bytes() { return (await consume(this)).slice(); },
      async text() {
        const st = this[STATE];
        if (st.text !== null && !st.used) {
          st.used = true;
          return st.text;
        }
        return decode(await consume(this));
      },
      async json() { return JSON.parse(decode(await consume(this))); },
      async blob() { const b = await consume(this); return new Blob([b], { type: this.headers.get('content-type') || '' }); },
      async formData() {
        const type = this.headers.get('content-type') || '';
        const b = await consume(this);
        if (/^multipart\/form-data/i.test(type)) return parseMultipart(b, type);
        if (/^application\/x-www-form-urlencoded/i.test(type)) {
          const form = new FormData();
          for (const [k, v] of new URLSearchParams(decodeWithoutBOM(b))) form.append(k, v);
          return form;
        }
        throw new TypeError('Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded');
      },
    };
    for (const [name, fn] of Object.entries(methods)) {
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: true });
    }
  };

  /** A copy of a body for clone(): bytes are shared (immutable here), a stream is teed. */
  internal.cloneBody = function (self) {
    const st = self[STATE];
    if (st.used) throw new TypeError('Body has already been used. It can only be used once.');
    if (st.stream) {
      const [a, b] = internal.tee(st.stream);
      st.stream = a;
      return internal.bodyState(null, b);
    }
    return internal.bodyState(st.bytes, null, st.text === null ? undefined : st.text);
  };

  for (const [name, value] of Object.entries({ Blob, File, FormData })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
