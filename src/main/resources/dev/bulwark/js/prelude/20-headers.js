(function (host, internal, global) {
  'use strict';
  // Headers (Fetch standard): a list of (lower-cased name, value) pairs; iteration sorts by name and combines values,
  // except set-cookie, whose values stay apart.
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const HTTP_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;

  function normalizeName(name) {
    const n = String(name);
    if (!TOKEN.test(n)) throw new TypeError('Invalid header name: "' + n + '"');
    return n.toLowerCase();
  }
  // WebIDL ByteString: a header value is bytes, one per code unit; '\u20ac' cannot be one (Node and workerd throw
  // this TypeError too, where before it failed only when sent, or went out as '?' on a fetch()).
  const NOT_BYTE = /[^\u0000-\u00ff]/;
  function normalizeValue(value) {
    const v = String(value).replace(HTTP_WS, '');
    const wide = NOT_BYTE.exec(v);
    if (wide) {
      throw new TypeError('Cannot convert argument to a ByteString because the character at index ' + wide.index
        + ' has a value of ' + v.charCodeAt(wide.index) + ' which is greater than 255.');
    }
    if (/[\0\r\n]/.test(v)) throw new TypeError('Invalid header value: ' + JSON.stringify(v));
    return v;
  }

  const LIST = Symbol('headerList');
  const GUARD = Symbol('guard');

  class Headers {
    constructor(init = undefined) {
      this[LIST] = [];
      this[GUARD] = 'none';
      if (init === undefined || init === null) return;
      if (typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'");
      }
      if (init instanceof Headers) {
        for (const [n, v] of init[LIST]) this[LIST].push([n, v]);
      } else if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = typeof pair === 'string' ? null : Array.from(pair);
          if (!p || p.length !== 2) {
            throw new TypeError("Failed to construct 'Headers': Invalid value (each header must be a [name, value] pair)");
          }
          this.append(p[0], p[1]);
        }
      } else {
        for (const key of Reflect.ownKeys(init)) {
          const d = Reflect.getOwnPropertyDescriptor(init, key);
          if (d === undefined || !d.enumerable) continue;
          if (typeof key === 'symbol') throw new TypeError('Header names must be strings');
          this.append(key, init[key]);
        }
      }
    }
    #check() {
      if (this[GUARD] === 'immutable') throw new TypeError("Can't modify immutable headers.");
    }
    append(name, value) {
      const n = normalizeName(name);
      const v = normalizeValue(value);
      this.#check();
      this[LIST].push([n, v]);
    }
    delete(name) {
      const n = normalizeName(name);
      this.#check();
      this[LIST] = this[LIST].filter((p) => p[0] !== n);
    }
    get(name) {
      const n = normalizeName(name);
      const values = [];
      for (const p of this[LIST]) if (p[0] === n) values.push(p[1]);
      return values.length ? values.join(', ') : null;
    }
    getSetCookie() {
      return this[LIST].filter((p) => p[0] === 'set-cookie').map((p) => p[1]);
    }
    getAll(name) {
      // workerd's non-standard getAll, for set-cookie only.
      const n = normalizeName(name);
      if (n !== 'set-cookie') throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
      return this.getSetCookie();
    }
    has(name) {
      const n = normalizeName(name);
      return this[LIST].some((p) => p[0] === n);
    }
    set(name, value) {
      const n = normalizeName(name);
      const v = normalizeValue(value);
      this.#check();
      const i = this[LIST].findIndex((p) => p[0] === n);
      if (i < 0) {
        this[LIST].push([n, v]);
      } else {
        this[LIST][i] = [n, v];
        this[LIST] = this[LIST].filter((p, j) => j <= i || p[0] !== n);
      }
    }
    /** The sorted-and-combined view the standard iterates over. */
    #sorted() {
      const names = [...new Set(this[LIST].map((p) => p[0]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const out = [];
      for (const n of names) {
        if (n === 'set-cookie') {
          for (const v of this.getSetCookie()) out.push([n, v]);
        } else {
          out.push([n, this.get(n)]);
        }
      }
      return out;
    }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function');
      // Live iteration: the list is re-read each step, as the standard's iterator does.
      for (let i = 0; ; i++) {
        const pairs = this.#sorted();
        if (i >= pairs.length) break;
        callback.call(thisArg, pairs[i][1], pairs[i][0], this);
      }
    }
    *entries() {
      for (let i = 0; ; i++) {
        const pairs = this.#sorted();
        if (i >= pairs.length) return;
        yield pairs[i];
      }
    }
    *keys() {
      for (const [n] of this.entries()) yield n;
    }
    *values() {
      for (const [, v] of this.entries()) yield v;
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    get [Symbol.toStringTag]() { return 'Headers'; }
  }

  internal.Headers = Headers;
  internal.headerList = (h) => h[LIST];
  internal.setGuard = (h, guard) => { h[GUARD] = guard; return h; };
  internal.guardOf = (h) => h[GUARD];
  /** Headers from the flat [name, value, ...] list the host passes (already valid: they came off the wire). */
  internal.headersFromFlat = (flat, guard) => {
    const h = new Headers();
    const list = h[LIST];
    for (let i = 0; i + 1 < flat.length; i += 2) list.push([String(flat[i]).toLowerCase(), String(flat[i + 1])]);
    h[GUARD] = guard;
    return h;
  };
  /**
   * Headers from the host's "name\0value\0name\0value" string (one string crosses into the isolate faster than a
   * list); names are already lower-case and everything is valid, it came off the wire.
   */
  internal.headersFromJoined = (joined, guard) => {
    const h = new Headers();
    const list = h[LIST];
    if (joined) {
      const parts = joined.split('\0');
      for (let i = 0; i + 1 < parts.length; i += 2) list.push([parts[i], parts[i + 1]]);
    }
    h[GUARD] = guard;
    return h;
  };
  /** The "name\0value\0..." string for the host (insertion order). */
  internal.headersToJoined = (h) => {
    const list = h[LIST];
    if (list.length === 1) return list[0][0] + '\0' + list[0][1];
    const out = [];
    for (const [n, v] of list) out.push(n, v);
    return out.join('\0');
  };
  /** The flat [name, value, ...] list for the host, in insertion order. */
  internal.headersToFlat = (h) => {
    const out = [];
    for (const [n, v] of h[LIST]) out.push(n, v);
    return out;
  };
  Object.defineProperty(global, 'Headers', { value: Headers, writable: true, configurable: true, enumerable: false });
});
