(function (host, internal, global) {
  'use strict';
  // AbortController and AbortSignal (DOM standard, "Aborting ongoing activities"), on 38-events.js's EventTarget.
  const DOMException = global.DOMException; // the prelude's, whatever a script later assigns to the global
  const setTimer = global.setTimeout;
  const CONSTRUCT = Symbol('construct'); // only the prelude can make signals: `new AbortSignal()` is illegal

  let stateOf; // signal -> {aborted, reason, algorithms, dependent, sources, dependents}
  class AbortSignal extends EventTarget {
    #s;
    constructor(key = undefined) {
      if (key !== CONSTRUCT) throw new TypeError('Illegal constructor');
      super();
      this.#s = { aborted: false, reason: undefined, algorithms: new Set(), dependent: false, sources: new Set(), dependents: new Set() };
    }
    static {
      stateOf = (signal) => {
        if (signal === null || typeof signal !== 'object' || !(#s in signal)) throw new TypeError('Illegal invocation');
        return signal.#s;
      };
      internal.isAbortSignal = (value) => value !== null && typeof value === 'object' && #s in value;
    }
    static abort(reason = undefined) {
      const signal = new AbortSignal(CONSTRUCT);
      const s = stateOf(signal);
      s.aborted = true;
      s.reason = reason !== undefined ? reason : defaultReason();
      return signal;
    }
    static timeout(milliseconds) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'timeout' on 'AbortSignal': 1 argument required, but only 0 present.");
      const ms = enforceRange(milliseconds);
      const signal = new AbortSignal(CONSTRUCT);
      // A timer of the current request (timers do not exist in a worker's global scope, as in workerd).
      setTimer(() => signalAbort(signal, new DOMException('The operation timed out.', 'TimeoutError')), ms);
      return signal;
    }
    static any(signals) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'any' on 'AbortSignal': 1 argument required, but only 0 present.");
      if (signals === null || typeof signals !== 'object' || typeof signals[Symbol.iterator] !== 'function') {
        throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
      }
      const list = Array.from(signals);
      for (const x of list) {
        if (!internal.isAbortSignal(x)) throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
      }
      const result = new AbortSignal(CONSTRUCT);
      const r = stateOf(result);
      for (const x of list) {
        if (x.aborted) {
          r.aborted = true;
          r.reason = x.reason;
          return result;
        }
      }
      r.dependent = true;
      for (const x of list) {
        const s = stateOf(x);
        // A dependent signal follows the sources of its sources, never another dependent signal.
        for (const source of s.dependent ? s.sources : [x]) {
          r.sources.add(source);
          stateOf(source).dependents.add(result);
        }
      }
      return result;
    }
    get aborted() { return stateOf(this).aborted; }
    get reason() { return stateOf(this).reason; }
    throwIfAborted() {
      const s = stateOf(this);
      if (s.aborted) throw s.reason;
    }
    get [Symbol.toStringTag]() { return 'AbortSignal'; }
  }
  internal.defineEventHandler(AbortSignal.prototype, 'abort');

  function defaultReason() {
    return new DOMException('This operation was aborted', 'AbortError');
  }
  /** WebIDL [EnforceRange] unsigned long long. */
  function enforceRange(value) {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new TypeError('The timeout must be a finite number');
    const t = Math.trunc(n);
    if (t < 0 || t > Number.MAX_SAFE_INTEGER) throw new TypeError('The timeout is outside the range of an unsigned long long');
    return t;
  }

  /** The standard's "signal abort": the signal and the dependent signals that follow it. */
  function signalAbort(signal, reason) {
    const s = stateOf(signal);
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason !== undefined ? reason : defaultReason();
    const toAbort = [];
    for (const dependent of s.dependents) {
      const d = stateOf(dependent);
      if (!d.aborted) {
        d.aborted = true;
        d.reason = s.reason;
        toAbort.push(dependent);
      }
    }
    runAbortSteps(signal);
    for (const dependent of toAbort) runAbortSteps(dependent);
  }
  function runAbortSteps(signal) {
    const s = stateOf(signal);
    const algorithms = [...s.algorithms];
    s.algorithms.clear();
    // An aborted signal can never fire again: let go of the signals it was linked with.
    for (const source of s.sources) stateOf(source).dependents.delete(signal);
    s.sources.clear();
    s.dependents.clear();
    for (const algorithm of algorithms) algorithm();
    internal.fireEvent(signal, 'abort');
  }

  class AbortController {
    #signal = new AbortSignal(CONSTRUCT);
    get signal() {
      if (!(#signal in this)) throw new TypeError('Illegal invocation');
      return this.#signal;
    }
    abort(reason = undefined) {
      if (!(#signal in this)) throw new TypeError('Illegal invocation');
      signalAbort(this.#signal, reason);
    }
    get [Symbol.toStringTag]() { return 'AbortController'; }
  }

  /**
   * A Request's signal (Fetch, the Request constructor): a fresh signal, dependent on {@code follow} when that is
   * given (init.signal or the input request's signal), so that aborting it aborts the request too.
   */
  internal.newAbortSignal = (follow = null) => {
    if (follow === null || follow === undefined) return new AbortSignal(CONSTRUCT);
    if (!internal.isAbortSignal(follow)) throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
    return AbortSignal.any([follow]);
  };
  /** For the prelude's own operations (fetch, streams): abort a signal, and run steps when one aborts. */
  internal.signalAbort = signalAbort;
  internal.addAbortAlgorithm = (signal, algorithm) => {
    const s = stateOf(signal);
    if (!s.aborted) s.algorithms.add(algorithm);
  };
  internal.removeAbortAlgorithm = (signal, algorithm) => stateOf(signal).algorithms.delete(algorithm);

  for (const [name, value] of Object.entries({ AbortController, AbortSignal })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
