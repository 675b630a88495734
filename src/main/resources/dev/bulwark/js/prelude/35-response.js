(function (host, internal, global) {
  'use strict';
  // Response (Fetch standard).
  const { Headers, BODY } = internal;
  const REDIRECTS = new Set([301, 302, 303, 307, 308]);
  const REASON = /^[\t\x20-\x7e\x80-\xff]*$/;

  const STATUS = Symbol('status');
  const STATUS_TEXT = Symbol('statusText');
  const HEADERS = Symbol('headers');
  const TYPE = Symbol('type');
  const URL_LIST = Symbol('url');
  const BODY_TYPE = Symbol('bodyType');
  // workerd's ResponseInit.encodeBody: 'automatic' (the body is unencoded; content-encoding says how to send it) or
  // 'manual' (the body is already encoded as content-encoding says: sent as it is).
  const MANUAL = Symbol('encodeBodyManual');

  function init(r, status, statusText, headers, body, type) {
    r[STATUS] = status;
    r[STATUS_TEXT] = statusText;
    r[HEADERS] = headers; // null: only the content type of the body, see the headers getter
    r[BODY_TYPE] = null;
    r[BODY] = body;
    r[TYPE] = type;
    r[URL_LIST] = '';
    return r;
  }

  class Response {
    constructor(body = null, options = undefined) {
      let status = 200;
      let statusText = '';
      let headers = null; // without init headers, the Headers object is made on first use
      if (options !== undefined && options !== null) {
        if (typeof options !== 'object') throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
        if (options.status !== undefined) {
          status = Number(options.status);
          if (!Number.isInteger(status) || status < 200 || status > 599) {
            throw new RangeError("Failed to construct 'Response': The status provided (" + options.status + ') is outside the range [200, 599].');
          }
        }
        if (options.statusText !== undefined) {
          statusText = String(options.statusText);
          if (!REASON.test(statusText)) throw new TypeError("Failed to construct 'Response': Invalid statusText.");
        }
        if (options.headers !== undefined) headers = new Headers(options.headers);
        if (options.encodeBody !== undefined && options.encodeBody !== 'automatic' && options.encodeBody !== 'manual') {
          throw new TypeError("Failed to construct 'Response': encodeBody must be 'automatic' or 'manual'.");
        }
        this[MANUAL] = options.encodeBody === 'manual';
      }
      let state;
      let type = null;
      if (body === null || body === undefined) {
        state = internal.bodyState(null, null);
      } else {
        if (status === 204 || status === 205 || status === 304 || status === 101 || status === 103) {
          throw new TypeError("Failed to construct 'Response': Response with null body status cannot have body");
        }
        // The common case first: a string body stays a string until someone needs bytes.
        const extracted = typeof body === 'string' ? { text: body, type: 'text/plain;charset=UTF-8' } : internal.extractBody(body);
        if (extracted.type) {
          if (headers === null) type = extracted.type;
          else if (!headers.has('content-type')) headers.append('content-type', extracted.type);
        }
        state = internal.bodyState(extracted.bytes, extracted.stream, extracted.text);
      }
      this[STATUS] = status;
      this[STATUS_TEXT] = statusText;
      this[HEADERS] = headers;
      this[BODY_TYPE] = type;
      this[BODY] = state;
      this[TYPE] = 'default';
      this[URL_LIST] = '';
    }
    static error() {
      return init(Object.create(Response.prototype), 0, '', internal.setGuard(new Headers(), 'immutable'),
        internal.bodyState(null, null), 'error');
    }
    static redirect(url, status = 302) {
      const href = internal.parseUrl(url).href;
      const s = Number(status);
      if (!REDIRECTS.has(s)) throw new RangeError("Failed to execute 'redirect' on 'Response': Invalid status code");
      const headers = new Headers([['location', href]]);
      return init(Object.create(Response.prototype), s, '', internal.setGuard(headers, 'immutable'),
        internal.bodyState(null, null), 'default');
    }
    static json(data, options = {}) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable");
      const o = options === null || options === undefined ? {} : options;
      const headers = new Headers(o.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(text, { status: o.status, statusText: o.statusText, headers });
    }
    get type() { return this[TYPE]; }
    get url() { return this[URL_LIST]; }
    get redirected() { return false; }
    get status() { return this[STATUS]; }
    get ok() { return this[STATUS] >= 200 && this[STATUS] <= 299; }
    get statusText() { return this[STATUS_TEXT]; }
    get headers() {
      let h = this[HEADERS];
      if (h === null) {
        h = this[HEADERS] = new Headers(this[BODY_TYPE] === null ? undefined : [['content-type', this[BODY_TYPE]]]);
      }
      return h;
    }
    get webSocket() { return null; }
    clone() {
      if (this.bodyUsed) throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
      const headers = internal.setGuard(new Headers(this.headers), internal.guardOf(this.headers));
      const r = init(Object.create(Response.prototype), this[STATUS], this[STATUS_TEXT], headers,
        internal.cloneBody(this), this[TYPE]);
      r[URL_LIST] = this[URL_LIST];
      r[MANUAL] = this[MANUAL];
      return r;
    }
    get [Symbol.toStringTag]() { return 'Response'; }
  }
  internal.installBody(Response.prototype);

  /**
   * A response as received by fetch(): immutable headers, the final URL. With {@code corrupt} (a body that could not
   * be decoded), reading the body fails with a TypeError saying so; with {@code manual}, the body is already encoded
   * as its content-encoding says (a cached response stored that way).
   */
  internal.fetchedResponse = function (status, statusText, headersFlat, bytes, url, corrupt = null, manual = false) {
    const body = corrupt !== null && corrupt !== undefined
      ? internal.bodyState(null, internal.erroredStream(new TypeError(corrupt)))
      : internal.isReadableStream(bytes) ? internal.bodyState(null, bytes) : internal.bodyState(bytes, null);
    // A server's reason phrase that is not one (a control character) is dropped, as the constructor would refuse it.
    const r = init(Object.create(Response.prototype), status, typeof statusText === 'string' && REASON.test(statusText) ? statusText : '',
      internal.headersFromFlat(headersFlat, 'immutable'), body, 'basic');
    r[URL_LIST] = url;
    if (manual) r[MANUAL] = true;
    return r;
  };

  /**
   * What the host writes: [status, flat headers, body, manual, statusText] with the body as a string, an
   * ArrayBuffer or null, and manual true when the body is already encoded (encodeBody: 'manual'). A stream body
   * (one not known whole) is sent while it is made: the body is then its pump (internal.bodyPump) and a sixth
   * element, true, says so; with {@code whole} it is read to its end first instead (then the result is a promise).
   */
  internal.serializeResponse = function (r, whole) {
    if (!(r instanceof Response)) {
      throw new TypeError('The handler must return a Response (or a promise of one), not ' + internal.inspect(r));
    }
    if (r[TYPE] === 'error') {
      throw new TypeError('Return value from the fetch handler must not be an error response (Response.error())');
    }
    const st = r[BODY];
    const headers = r[HEADERS] === null ? (r[BODY_TYPE] === null ? '' : 'content-type\0' + r[BODY_TYPE])
      : internal.headersToJoined(r[HEADERS]);
    if (st.used || (st.stream !== null && st.stream[internal.DISTURBED])) {
      throw new TypeError('The returned Response body has already been used');
    }
    if (st.text !== null) {
      st.used = true;
      return [r[STATUS], headers, st.text, r[MANUAL] === true, r[STATUS_TEXT]];
    }
    if (st.stream === null) {
      st.used = st.bytes !== null;
      return [r[STATUS], headers, st.bytes === null ? null : exact(st.bytes), r[MANUAL] === true, r[STATUS_TEXT]];
    }
    const known = internal.knownBytes(st.stream);
    if (known !== null) { // a known body behind a stream nobody read (new Response(response.body, response)): whole
      st.used = true;
      return [r[STATUS], headers, exact(known), r[MANUAL] === true, r[STATUS_TEXT]];
    }
    if (whole) {
      return internal.consumeBody(r).then((bytes) => [r[STATUS], headers, exact(bytes), r[MANUAL] === true, r[STATUS_TEXT]]);
    }
    // A body made while it is sent: the head goes now, the chunks as the stream gives them (internal.bodyPump).
    return [r[STATUS], headers, internal.bodyPump(st.stream), r[MANUAL] === true, r[STATUS_TEXT], true];
  };
  /** An ArrayBuffer holding exactly these bytes (the view's own buffer when it covers all of it). */
  function exact(bytes) {
    return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer;
  }
  internal.exactBuffer = exact;
  internal.Response = Response;
  Object.defineProperty(global, 'Response', { value: Response, writable: true, configurable: true, enumerable: false });
});
