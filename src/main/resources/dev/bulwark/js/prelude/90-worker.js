(function (host, internal, global) {
  'use strict';
  // The two worker formats of workerd, and the dispatch of one request into the user's fetch handler.
  const bindings = JSON.parse(host.bindings);
  let handler = null; // (request, env, ctx) => Response | Promise<Response>
  let format = null;
  const listeners = [];

  function env() {
    const e = {};
    for (const [k, v] of Object.entries(bindings)) e[k] = v;
    for (const name of Object.keys(host.services)) e[name] = serviceBinding(name, host.services[name]);
    return e;
  }

  /** env.NAME of a service binding: a Fetcher whose fetch() goes over the event bus to the other service. */
  function serviceBinding(name, target) {
    return Object.freeze({
      async fetch(input, init = undefined) {
        const request = new Request(input, init);
        const parts = internal.requestParts(request);
        const url = new URL(parts.url);
        const headers = internal.headersToFlat(parts.headers);
        if (!parts.headers.has('host')) headers.push('host', url.host);
        const body = await internal.consumeBody(request);
        const buffer = body.length === 0 ? null : body.buffer.byteLength === body.byteLength ? body.buffer : body.slice().buffer;
        return new Promise((resolve, reject) => {
          let id = 0;
          id = target.fetch(parts.method, url.pathname + url.search, headers, buffer,
            (status, flat, bytes, corrupt, statusText, streamed) => {
              if (streamed === true) { // the other worker streams its body: it comes as it is made
                const pusher = internal.pushedStream(() => target.resume(id), () => target.cancel(id));
                resolve(internal.fetchedResponse(status, statusText || '', flat, pusher.stream, url.href));
                return pusher;
              }
              resolve(internal.fetchedResponse(status, statusText || '', flat,
                bytes === null || bytes === undefined ? null : internal.copyHostBytes(bytes), url.href,
                corrupt === undefined ? null : corrupt));
              return undefined;
            },
            (message) => reject(new Error(message)));
        });
      },
      toString() { return '[object Fetcher ' + name + ']'; },
    });
  }

  class ExtendableEvent {
    #type;
    constructor(type) { this.#type = String(type); }
    get type() { return this.#type; }
  }
  class FetchEvent extends ExtendableEvent {
    constructor(type, request, ctx) {
      super(type);
      this.request = request;
      this[CTX] = ctx;
      this[RESPONSE] = undefined;
    }
    respondWith(response) {
      if (this[RESPONSE] !== undefined) throw new DOMExceptionLike('respondWith() was already called.', 'InvalidStateError');
      this[RESPONSE] = Promise.resolve(response);
    }
    waitUntil(promise) { this[CTX].waitUntil(promise); }
    passThroughOnException() { this[CTX].passThroughOnException(); }
  }
  const CTX = Symbol('ctx');
  const RESPONSE = Symbol('response');
  function DOMExceptionLike(message, name) {
    if (typeof DOMException === 'function') return new DOMException(message, name);
    const e = new Error(message);
    e.name = name;
    return e;
  }

  internal.loadWorker = function (kind, exports) {
    format = kind;
    if (kind === 'module') {
      const def = exports ? exports.default : undefined;
      if (def === undefined || def === null) {
        throw new Error('the module has no default export; a module worker needs `export default { async fetch(request, env, ctx) { ... } }`');
      }
      if (typeof def.fetch !== 'function') {
        throw new Error('the default export has no fetch() method; it needs `export default { async fetch(request, env, ctx) { ... } }`');
      }
      const boundEnv = env();
      handler = (request, ctx) => def.fetch(request, boundEnv, ctx);
    } else {
      // Service-worker syntax: bindings are globals, handlers register with addEventListener("fetch", ...).
      for (const [k, v] of Object.entries(env())) {
        Object.defineProperty(global, k, { value: v, writable: true, configurable: true, enumerable: true });
      }
      // "fetch" listeners are kept here; any other type (e.g. "unhandledrejection") goes to the global event
      // target of 95-global-events.js, as in a module worker.
      Object.defineProperty(global, 'addEventListener', {
        value(type, listener, options = undefined) {
          if (String(type) !== 'fetch') return internal.globalEvents.addEventListener(type, listener, options);
          if (typeof listener !== 'function' && !(listener && typeof listener.handleEvent === 'function')) {
            throw new TypeError('addEventListener: the listener must be a function');
          }
          if (!listeners.includes(listener)) listeners.push(listener);
        },
        writable: true, configurable: true, enumerable: true,
      });
      Object.defineProperty(global, 'removeEventListener', {
        value(type, listener, options = undefined) {
          if (String(type) !== 'fetch') return internal.globalEvents.removeEventListener(type, listener, options);
          const i = listeners.indexOf(listener);
          if (i >= 0) listeners.splice(i, 1);
        },
        writable: true, configurable: true, enumerable: true,
      });
      handler = (request, ctx) => {
        const event = new FetchEvent('fetch', request, ctx);
        for (const l of listeners) {
          if (typeof l === 'function') l.call(global, event); else l.handleEvent(event);
          if (event[RESPONSE] !== undefined) break;
        }
        if (event[RESPONSE] === undefined) {
          throw new Error('no fetch event listener called event.respondWith()');
        }
        return event[RESPONSE];
      };
    }
  };

  internal.checkWorker = function () {
    if (format === 'service-worker' && listeners.length === 0) {
      throw new Error('the script registers no fetch handler: use `addEventListener("fetch", (event) => event.respondWith(...))`'
        + ' or an ES module with `export default { async fetch(request, env, ctx) { ... } }`');
    }
  };

  // A stack line of a prelude function: "at f (bulwark:05-timers.js:14:59)", or "at bulwark:..." when anonymous.
  const PRELUDE_FRAME = /^\s*at (?:.*\()?bulwark:/;
  /** An error as the log shows it: the user's stack frames only, not the prelude's. */
  function describe(e) {
    if (!(e instanceof Error)) return 'Uncaught (in promise) ' + internal.inspect(e);
    const stack = e.stack ? String(e.stack).split('\n').filter((l) => !PRELUDE_FRAME.test(l)).join('\n') : '';
    return stack.includes(e.message) ? stack : e.name + ': ' + e.message + (stack ? '\n' + stack : '');
  }
  internal.describeError = describe;

  /**
   * Called by the host for each request; answers through done(status, headers, body, manual) or fail(message). With
   * upload (JsPushedBody.java), the body comes as the client sends it: request.body is a stream the host pushes into.
   */
  internal.dispatch = function (method, url, headersJoined, body, clientAddress, requestId, done, fail, upload) {
    // A JS-owned copy: a byte stream must be able to transfer it (copyHostBytes says why not slice()).
    const bytes = body === null || body === undefined ? null : internal.copyHostBytes(body);
    let stream = null;
    if (upload !== null && upload !== undefined) {
      const pusher = internal.pushedStream(() => upload.resume(), () => upload.cancel());
      upload.attach(pusher);
      stream = pusher.stream;
    }
    const request = internal.incomingRequest(method, url, headersJoined, bytes, undefined, stream);
    const ctx = {
      waitUntil(promise) {
        Promise.resolve(promise).catch((e) => console.error('waitUntil() promise rejected: ' + describe(e)));
      },
      passThroughOnException() {},
    };
    let result;
    try {
      result = handler(request, ctx);
    } catch (e) {
      fail(describe(e));
      return;
    }
    const answer = (response) => {
      const parts = internal.serializeResponse(response);
      if (Array.isArray(parts)) done(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5] === true);
      else parts.then((p) => done(p[0], p[1], p[2], p[3], p[4]), (e) => fail(describe(e)));
    };
    const failed = (e) => fail(describe(e));
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      (result instanceof Promise ? result : Promise.resolve(result)).then((response) => {
        try { answer(response); } catch (e) { failed(e); }
      }, failed);
    } else {
      try { answer(result); } catch (e) { failed(e); }
    }
  };

  /**
   * Runs the prelude's own request path (no user code) a number of times, so that the first real requests do not
   * pay for cold code against their CPU budget. The engine shares what this warms with every isolate. With
   * {@code net} (WarmUpHost.java, which answers from memory) it also runs, {@code netRounds} times, the script side of fetch(), of a service
   * binding and of reading form bodies. Returns a promise of the problems met (none, unless the prelude is broken).
   */
  internal.warmUp = function (rounds, net, netRounds) {
    for (let i = 0; i < rounds; i++) {
      const req = internal.incomingRequest('GET', 'http://localhost/warm-up?i=' + i,
        'host\0localhost\0accept\0*/*\0user-agent\0bulwark', null, undefined);
      req.headers.get('accept');
      new URL(req.url).searchParams.get('i');
      const res = i % 2 ? new Response('warm ' + i, { headers: { 'x-warm': String(i) } }) : Response.json({ i });
      Promise.resolve(internal.serializeResponse(res)).then((parts) => parts.length);
      new TextEncoder().encode('warm');
      new TextDecoder().decode(new Uint8Array([104, 105]));
    }
    const problems = [];
    if (net) {
      const binding = serviceBinding('WARM_UP', net);
      const multipart = new TextEncoder().encode('--warm\r\ncontent-disposition: form-data; name="a"\r\n\r\nvalue\r\n'
        + '--warm\r\ncontent-disposition: form-data; name="f"; filename="f.txt"\r\ncontent-type: text/plain\r\n\r\n'
        + 'file body\r\n--warm--\r\n');
      const urlencoded = new TextEncoder().encode('a=1&b=two+words&c=%C3%A9');
      const round = async (i) => {
        const init = i % 2 ? { method: 'POST', body: 'x' + i, headers: { 'content-type': 'text/plain' } } : undefined;
        const r = await internal.fetchThrough(net, 'http://warm-up.invalid/fetch?i=' + i, init);
        r.headers.get('content-type');
        if (i % 3 === 0) await r.json(); else if (i % 3 === 1) await r.text(); else await r.arrayBuffer();
        const b = await binding.fetch('http://warm-up.invalid/binding?i=' + i, init);
        b.headers.get('x-warm-up');
        await (i % 2 ? b.json() : b.text());
        const form = internal.incomingRequest('POST', 'http://localhost/form',
          'content-type\0multipart/form-data; boundary=warm', multipart.slice(), undefined);
        const fd = await form.formData();
        fd.get('a');
        await fd.get('f').text();
        const plain = internal.incomingRequest('POST', 'http://localhost/form',
          'content-type\0application/x-www-form-urlencoded', urlencoded.slice(), undefined);
        (await plain.formData()).getAll('b');
      };
      for (let i = 0; i < netRounds; i++) {
        round(i).catch((e) => { if (problems.length < 3) problems.push(describe(e)); });
      }
    }
    return problems;
  };
});
