(function (host, internal, global) {
  'use strict';
  // Request (Fetch standard, with workerd's choices: no mode/credentials/cache semantics, redirect follow|manual|error).
  const { Headers, BODY } = internal;
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
  const FORBIDDEN = new Set(['CONNECT', 'TRACE', 'TRACK']);
  const REDIRECT = new Set(['follow', 'manual', 'error']);

  function normalizeMethod(m) {
    const method = String(m);
    if (!TOKEN.test(method)) throw new TypeError("'" + method + "' is not a valid HTTP method.");
    const upper = method.toUpperCase();
    if (FORBIDDEN.has(upper)) throw new TypeError("'" + method + "' HTTP method is unsupported.");
    // The standard upper-cases only these six; others (e.g. "patch") stay as written.
    return NORMALIZED.has(upper) ? upper : method;
  }

  const URL_ = Symbol('url');
  const METHOD = Symbol('method');
  const HEADERS = Symbol('headers');
  const REDIRECT_MODE = Symbol('redirect');
  const SIGNAL = Symbol('signal');
  const RAW_HEADERS = Symbol('rawHeaders');

  class Request {
    constructor(input, init = {}) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
      if (init === null || init === undefined) init = {};
      if (typeof init !== 'object') throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
      let url;
      let method = 'GET';
      let headers;
      let redirect = 'follow';
      let signal = null;
      let source = null;
      if (input instanceof Request) {
        source = input;
        url = input[URL_];
        method = input[METHOD];
        headers = new Headers(input.headers);
        redirect = input[REDIRECT_MODE];
        signal = input[SIGNAL];
      } else {
        const parsed = internal.parseUrl(input);
        if (parsed.username || parsed.password) {
          throw new TypeError('Request cannot be constructed from a URL that includes credentials: ' + String(input));
        }
        url = parsed.href;
        headers = new Headers();
      }
      if (init.method !== undefined) method = normalizeMethod(init.method);
      if (init.headers !== undefined) headers = new Headers(init.headers);
      if (init.redirect !== undefined) {
        const r = String(init.redirect);
        if (!REDIRECT.has(r)) throw new TypeError("Failed to construct 'Request': '" + r + "' is not a valid value for 'redirect'.");
        redirect = r;
      }
      if (init.signal !== undefined) signal = init.signal;
      let body;
      if (init.body !== undefined && init.body !== null) {
        if (method === 'GET' || method === 'HEAD') {
          throw new TypeError("Failed to construct 'Request': Request with GET/HEAD method cannot have body.");
        }
        const extracted = internal.extractBody(init.body);
        if (extracted.type && !headers.has('content-type')) headers.append('content-type', extracted.type);
        body = internal.bodyState(extracted.bytes, extracted.stream, extracted.text);
      } else if (source && init.body === undefined && internal.hasBody(source[BODY])) {
        if (source.bodyUsed) throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a Request object that has already been used.");
        if ((method === 'GET' || method === 'HEAD')) {
          throw new TypeError("Failed to construct 'Request': Request with GET/HEAD method cannot have body.");
        }
        // The body moves to the new request; the input counts as used (the standard's "disturbed").
        const from = source[BODY];
        body = internal.bodyState(from.bytes, from.stream, from.text === null ? undefined : from.text);
        from.used = true;
      } else {
        body = internal.bodyState(null, null);
      }
      this[URL_] = url;
      this[METHOD] = method;
      this[HEADERS] = headers;
      this[REDIRECT_MODE] = redirect;
      this[SIGNAL] = internal.newAbortSignal(signal);
      this[BODY] = body;
    }
    get method() { return this[METHOD]; }
    get url() { return this[URL_]; }
    get headers() {
      // An incoming request's headers are parsed from the host's list on first use: many handlers never look.
      let h = this[HEADERS];
      if (h === null) {
        h = this[HEADERS] = internal.headersFromJoined(this[RAW_HEADERS], 'immutable');
        this[RAW_HEADERS] = null;
      }
      return h;
    }
    get redirect() { return this[REDIRECT_MODE]; }
    // An incoming request's signal is made on first use (most handlers never ask): never null, as the spec says. It
    // does not abort when the client goes away: the answer is buffered and written once the handler is done.
    get signal() { return this[SIGNAL] || (this[SIGNAL] = internal.newAbortSignal(null)); }
    get cf() { return this.__cf; }
    get integrity() { return ''; }
    get keepalive() { return false; }
    clone() {
      if (this.bodyUsed) throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
      const r = Object.create(Request.prototype);
      r[URL_] = this[URL_];
      r[METHOD] = this[METHOD];
      r[HEADERS] = internal.setGuard(new Headers(this.headers), internal.guardOf(this.headers));
      r[REDIRECT_MODE] = this[REDIRECT_MODE];
      r[SIGNAL] = this[SIGNAL];
      r[BODY] = internal.cloneBody(this);
      return r;
    }
    get [Symbol.toStringTag]() { return 'Request'; }
  }
  internal.installBody(Request.prototype);

  /** The request a handler receives: built from host values without re-validating them; headers are immutable. */
  internal.incomingRequest = function (method, url, headersJoined, bodyBytes, cf, bodyStream = null) {
    const r = Object.create(Request.prototype);
    r[URL_] = url;
    r[METHOD] = method;
    r[HEADERS] = null;
    r[RAW_HEADERS] = headersJoined;
    r[REDIRECT_MODE] = 'manual';
    r[SIGNAL] = null;
    r[BODY] = internal.bodyState(bodyBytes, bodyStream);
    if (cf) Object.defineProperty(r, '__cf', { value: cf });
    return r;
  };
  internal.requestParts = (r) => ({ url: r[URL_], method: r[METHOD], headers: r.headers, redirect: r[REDIRECT_MODE], signal: r[SIGNAL] });
  internal.Request = Request;
  Object.defineProperty(global, 'Request', { value: Request, writable: true, configurable: true, enumerable: false });
});
