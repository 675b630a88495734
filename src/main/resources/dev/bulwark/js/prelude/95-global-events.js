(function (host, internal, global) {
  'use strict';
  // The worker's global scope as an event target, as in workerd (both worker formats): addEventListener,
  // removeEventListener and dispatchEvent on globalThis, and the "unhandledrejection" event. A promise rejected
  // with no handler attached by the end of the microtask checkpoint dispatches a cancelable PromiseRejectionEvent
  // on globalThis; unless a listener calls preventDefault(), the log gets "Uncaught (in promise) ..." with the stack,
  // tagged with the request id, like workerd's. The request is not affected either way.
  const scope = new EventTarget();

  class PromiseRejectionEvent extends Event {
    #promise;
    #reason;
    constructor(type, init) {
      if (arguments.length < 2) {
        throw new TypeError("Failed to construct 'PromiseRejectionEvent': 2 arguments required, but only " + arguments.length + ' present.');
      }
      const dict = internal.dictionary(init, 'eventInitDict');
      if (!('promise' in dict)) {
        throw new TypeError("Failed to construct 'PromiseRejectionEvent': required member promise is undefined.");
      }
      super(type, dict);
      this.#promise = dict.promise;
      this.#reason = dict.reason;
    }
    get promise() { return this.#promise; }
    get reason() { return this.#reason; }
  }

  const define = (name, value) =>
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  define('PromiseRejectionEvent', PromiseRejectionEvent);
  for (const name of ['addEventListener', 'removeEventListener', 'dispatchEvent']) {
    const method = EventTarget.prototype[name];
    define(name, { [name](...args) { return method.apply(scope, args); } }[name]);
  }
  /** The global event target, for the service-worker format's addEventListener (90-worker.js). */
  internal.globalEvents = scope;

  function unhandled(reason, promise) {
    let event;
    try {
      event = new PromiseRejectionEvent('unhandledrejection', { cancelable: true, promise, reason });
      scope.dispatchEvent(event);
    } catch (e) {
      // A broken listener is reported by the dispatch itself; the rejection is still logged below.
    }
    if (event === undefined || !event.defaultPrevented) {
      console.error('Uncaught (in promise) ' + (reason instanceof Error ? internal.describeError(reason) : internal.inspect(reason)));
    }
  }
  // The engine calls this (js.unhandled-rejections=handler) once per promise still unhandled after the microtasks
  // ran. The Graal global that registers it is removed before any user code runs (Prelude.java).
  if (global.Graal && typeof global.Graal.setUnhandledPromiseRejectionHandler === 'function') {
    global.Graal.setUnhandledPromiseRejectionHandler(unhandled);
  }
});
