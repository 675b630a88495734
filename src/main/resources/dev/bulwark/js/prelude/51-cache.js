(function (host, internal, global) {
  'use strict';
  // The Cache API as workerd has it: `caches.default` and `caches.open(name)`, each a Cache with match(), put() and
  // delete() (add() and addAll() are not implemented, as in workerd). Entries live in the service's store
  // (CacheStore.java): in memory, shared by the service's isolates, bounded by its cache.maxBytes. The argument
  // steps are done here, in workerd's order and with its messages; what is stored, for how long, and how a lookup
  // answers conditional and range requests is the store's.
  const store = host.cache;
  const ILLEGAL = Symbol('illegal constructor');
  const NULL_BODY = new Set([101, 103, 204, 205, 304]);

  function refuse() {
    const refusal = store.refusal();
    if (refusal) throw new Error(refusal);
  }
  /**
   * The key and the request headers of a Cache method's first argument: a Request, or a URL string for a GET with no
   * headers. A string's key is remembered (the last 256), because parsing a URL costs the interpreter about 0.5 ms
   * and scripts tend to use the same few; one that does not parse throws the Request constructor's TypeError.
   */
  const STRING_KEYS = new Map();
  function target(input) {
    if (input instanceof internal.Request) {
      return { key: keyOf(input), method: internal.requestParts(input).method, headers: internal.headersToJoined(input.headers) };
    }
    const text = String(input);
    let key = STRING_KEYS.get(text);
    if (key === undefined) {
      key = keyOf(new internal.Request(text));
      if (STRING_KEYS.size >= 256) STRING_KEYS.clear();
      STRING_KEYS.set(text, key);
    }
    return { key, method: 'GET', headers: '' };
  }
  /**
   * The key of a request: its URL without the fragment, as the Cache API matches requests. The URL is already
   * serialized, where the first '#' starts the fragment; parsing it again would cost the interpreter about 0.5 ms.
   */
  function keyOf(request) {
    const href = internal.requestParts(request).url;
    const hash = href.indexOf('#');
    return hash < 0 ? href : href.slice(0, hash);
  }
  function ignoresMethod(options) {
    return options !== undefined && options !== null && Boolean(options.ignoreMethod);
  }
  function notImplemented(method) {
    throw new Error("Failed to execute '" + method + "' on 'Cache': the method is not implemented.");
  }

  class Cache {
    #name;
    constructor(key, name) {
      if (key !== ILLEGAL) throw new TypeError('Illegal constructor');
      this.#name = name;
    }

    async match(request, options = undefined) {
      const name = this.#name;
      refuse();
      const req = target(request);
      if (!ignoresMethod(options) && req.method !== 'GET') return undefined;
      let found;
      store.match(name, req.key, req.headers, (status, statusText, joined, buf, manual) => {
        const bytes = NULL_BODY.has(status) ? null : buf === null || buf === undefined ? new Uint8Array(0) : internal.copyHostBytes(buf);
        found = internal.fetchedResponse(status, statusText, joined === '' ? [] : joined.split('\0'), bytes, '', null, manual);
      });
      return found;
    }

    async put(request, response) {
      const name = this.#name;
      refuse();
      const req = target(request);
      if (!(response instanceof internal.Response)) {
        throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
      }
      if (response.type === 'error') throw new TypeError('Cache is unable to store an error response');
      if (req.method !== 'GET') throw new TypeError('Cannot cache response to non-GET request.');
      if (response.status === 206) {
        throw new TypeError('Cannot cache response to a range request (206 Partial Content).');
      }
      const vary = response.headers.get('vary');
      if (vary !== null && vary.includes('*')) throw new TypeError("Cannot cache response with 'Vary: *' header.");
      if (response.bodyUsed) throw new TypeError("Failed to execute 'put' on 'Cache': Response body is already used");
      const [status, headers, body, manual, statusText] = await internal.serializeResponse(response, true);
      const problem = store.put(name, req.key, req.headers, status, statusText, headers, body, manual);
      if (problem) throw new TypeError("Failed to execute 'put' on 'Cache': " + problem);
    }

    async delete(request, options = undefined) {
      const name = this.#name;
      refuse();
      const req = target(request);
      if (!ignoresMethod(options) && req.method !== 'GET') return false;
      return store.delete(name, req.key);
    }

    add(request) { notImplemented('add'); }
    addAll(requests) { notImplemented('addAll'); }
    get [Symbol.toStringTag]() { return 'Cache'; }
  }

  const opened = new Map();
  const defaultCache = new Cache(ILLEGAL, null);

  class CacheStorage {
    constructor(key) {
      if (key !== ILLEGAL) throw new TypeError('Illegal constructor');
    }
    get default() { return defaultCache; }
    async open(cacheName) {
      const name = String(cacheName);
      let cache = opened.get(name);
      if (cache === undefined) {
        cache = new Cache(ILLEGAL, name);
        opened.set(name, cache);
      }
      return cache;
    }
    get [Symbol.toStringTag]() { return 'CacheStorage'; }
  }

  const caches = new CacheStorage(ILLEGAL);
  for (const [name, value] of [['caches', caches], ['Cache', Cache], ['CacheStorage', CacheStorage]]) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: name === 'caches' });
  }
});
