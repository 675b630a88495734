(function (host, internal, global) {
  'use strict';
  // fetch() as in workerd: Fetch standard semantics for redirects (follow up to 20, manual, error), HTTP and HTTPS
  // only, AbortSignal support; the network side is host.fetch (FetchHost.java), one exchange per call.
  const net = host.fetch; // absent while the script is checked at start-up
  const MAX_REDIRECTS = 20;
  const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
  const NULL_BODY = new Set([101, 103, 204, 205, 304]);
  const CONTENT_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

  function abortReason(signal) {
    if (signal.reason !== undefined) return signal.reason;
    return new DOMException('The operation was aborted.', 'AbortError');
  }
  function isSignal(s) {
    return s !== null && typeof s === 'object' && 'aborted' in s;
  }
  /** The body bytes as an ArrayBuffer for the host, or null when there are none. */
  function bufferOf(bytes) {
    return bytes === null || bytes.byteLength === 0 ? null : internal.exactBuffer(bytes);
  }
  function withoutFragment(url) {
    const u = internal.parseUrl(url);
    u.hash = '';
    return u.href;
  }
  function origin(url) {
    const u = internal.parseUrl(url);
    return u.protocol + '//' + u.host;
  }

  /**
   * One exchange through the host {@code net}; resolves [status, statusText, flatHeaders, body, corrupt] (the body
   * decoded from its content-encoding, as a Uint8Array or null; corrupt: null, or why it could not be decoded). A
   * body the server sends without a length comes as a ReadableStream instead, fed as it arrives (the host's
   * done(..., true) is answered with the stream's pusher); a failure or an abort after that errors the stream.
   */
  function exchange(net, method, url, headersFlat, body, signal) {
    return new Promise((resolve, reject) => {
      let settled = false;
      let onAbort = null;
      const settle = (fn, v) => {
        if (settled) return;
        settled = true;
        if (onAbort && typeof signal.removeEventListener === 'function') signal.removeEventListener('abort', onAbort);
        fn(v);
      };
      let pusher = null;
      const u = internal.parseUrl(url);
      const id = net.send(method, u.protocol.slice(0, -1), u.hostname, u.port === '' ? -1 : Number(u.port),
        u.pathname + u.search, headersFlat, body,
        (status, statusText, flat, buf, corrupt, streamed) => {
          if (streamed === true) {
            pusher = internal.pushedStream(() => net.resume(id), () => net.cancel(id));
            settled = true; // the abort listener stays: aborting now errors the body
            resolve([status, statusText, Array.from(flat), pusher.stream, null]);
            return pusher;
          }
          settle(resolve, [status, statusText, Array.from(flat),
            buf === null || buf === undefined ? null : internal.copyHostBytes(buf), // a JS-owned copy, as dispatch() makes
            corrupt === undefined ? null : corrupt]);
          return undefined;
        },
        (kind, message) => {
          const error = kind === 'TypeError' ? new TypeError(message) : new Error(message);
          if (pusher !== null) pusher.error(error);
          else settle(reject, error);
        });
      if (signal && typeof signal.addEventListener === 'function') {
        onAbort = () => {
          net.cancel(id);
          if (pusher !== null) pusher.error(abortReason(signal));
          else settle(reject, abortReason(signal));
        };
        signal.addEventListener('abort', onAbort);
      }
    });
  }

  async function run(request, net) {
    const parts = internal.requestParts(request);
    const signal = isSignal(parts.signal) ? parts.signal : null;
    if (signal && signal.aborted) throw abortReason(signal);
    let url = parts.url;
    let method = parts.method;
    const headers = new internal.Headers(parts.headers);
    // A stream of unknown length (a ReadableStream, or the incoming request's body being passed on) is sent as it is
    // read, chunked; anything else whole, with its length.
    const stream = internal.takeStream(request);
    let body = stream === null ? bufferOf(await internal.consumeBody(request)) : internal.bodyPump(stream, 'request');
    for (let hops = 0; ; hops++) {
      const scheme = internal.parseUrl(url).protocol;
      if (scheme !== 'http:' && scheme !== 'https:') {
        throw new TypeError('Fetch API cannot load: ' + url + ' (only http: and https: URLs are supported)');
      }
      const [status, statusText, flat, bytes, corrupt] = await exchange(net, method, url, internal.headersToFlat(headers), body, signal);
      if (signal && signal.aborted) throw abortReason(signal);
      let target = null;
      for (let i = 0; REDIRECT_STATUS.has(status) && i + 1 < flat.length; i += 2) {
        if (flat[i] === 'location') { target = flat[i + 1]; break; }
      }
      if (target === null || parts.redirect === 'manual') {
        const res = internal.fetchedResponse(status, statusText, flat,
          NULL_BODY.has(status) || method === 'HEAD' ? null : bytes || new Uint8Array(0), withoutFragment(url),
          NULL_BODY.has(status) || method === 'HEAD' ? null : corrupt);
        if (hops > 0) Object.defineProperty(res, 'redirected', { value: true });
        return res;
      }
      if (parts.redirect === 'error') {
        throw new TypeError('Fetch API cannot load: ' + parts.url + ' redirected (' + status + ') and the request\'s '
          + 'redirect mode is "error"');
      }
      if (hops >= MAX_REDIRECTS) throw new TypeError('Too many redirects: ' + parts.url);
      // Fetch standard, "HTTP-redirect fetch", step 11: a body that was a stream cannot be sent again.
      if (stream !== null && body !== null && status !== 303) {
        throw new TypeError('Fetch API cannot load: ' + parts.url + ' redirected (' + status + ') and its request body '
          + 'was a stream, which cannot be sent again (use redirect: "manual", or a body of known bytes)');
      }
      let next;
      try {
        next = internal.parseUrl(target, url).href;
      } catch (e) {
        throw new TypeError('Invalid redirect location from ' + url + ': ' + target);
      }
      // Fetch standard, "HTTP-redirect fetch": 303 (except HEAD) and POST after 301/302 become GET without a body.
      if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
        for (const h of CONTENT_HEADERS) headers.delete(h);
      }
      if (origin(next) !== origin(url)) headers.delete('authorization');
      url = next;
    }
  }

  function fetch(input, init = undefined) {
    // Outside a request (the worker's global scope) fetch throws at once, as in workerd; bad input rejects.
    if (!net) throw new Error('fetch() is not allowed in the global scope of a worker (as in workerd): use it while handling a request');
    const refusal = net.refusal();
    if (refusal) throw new Error(refusal);
    return new Promise((resolve, reject) => {
      const request = new internal.Request(input, init);
      run(request, net).then(resolve, reject);
    });
  }
  internal.fetch = fetch;
  /** fetch() through another network side: the start-up warm-up's in-memory one (WarmUpHost.java). */
  internal.fetchThrough = (via, input, init = undefined) => run(new internal.Request(input, init), via);
  Object.defineProperty(global, 'fetch', { value: fetch, writable: true, configurable: true, enumerable: true });
});
