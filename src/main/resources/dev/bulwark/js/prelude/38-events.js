(function (host, internal, global) {
  'use strict';
  // Event, CustomEvent and EventTarget (DOM standard, "Events"). Workers have no node tree, so an event's path is
  // its target alone: capturing listeners run first, then the others, both with eventPhase AT_TARGET.
  const DOMException = global.DOMException; // the prelude's, whatever a script later assigns to the global
  const consoleRef = global.console;
  const NONE = 0;
  const CAPTURING_PHASE = 1;
  const AT_TARGET = 2;
  const BUBBLING_PHASE = 3;

  /** An exception from a listener is reported, never thrown into the code that dispatched the event. */
  function report(error) {
    try {
      consoleRef.error('Uncaught', error);
    } catch (ignored) {
      // Reporting must not fail the dispatch.
    }
  }
  function illegal() {
    return new TypeError('Illegal invocation');
  }

  let stateOf; // event -> its internal state (the standard's flags), or a TypeError for a non-event
  class Event {
    #s;
    constructor(type, eventInitDict = undefined) {
      if (arguments.length < 1) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
      const init = internal.dictionary(eventInitDict, 'eventInitDict');
      this.#s = {
        type: `${type}`, target: null, currentTarget: null, phase: NONE,
        bubbles: Boolean(init.bubbles), cancelable: Boolean(init.cancelable), composed: Boolean(init.composed),
        canceled: false, stop: false, stopImmediate: false, inPassive: false, dispatching: false,
        initialized: true, trusted: false, timeStamp: Date.now(),
      };
      // isTrusted is [LegacyUnforgeable]: an own, non-configurable accessor of every event.
      Object.defineProperty(this, 'isTrusted', { get: isTrusted, enumerable: true, configurable: false });
    }
    static {
      stateOf = (e) => {
        if (e === null || typeof e !== 'object' || !(#s in e)) throw illegal();
        return e.#s;
      };
    }
    get type() { return stateOf(this).type; }
    get target() { return stateOf(this).target; }
    get srcElement() { return stateOf(this).target; }
    get currentTarget() { return stateOf(this).currentTarget; }
    composedPath() {
      const s = stateOf(this);
      return s.dispatching && s.currentTarget !== null ? [s.currentTarget] : [];
    }
    get eventPhase() { return stateOf(this).phase; }
    stopPropagation() { stateOf(this).stop = true; }
    get cancelBubble() { return stateOf(this).stop; }
    set cancelBubble(value) { if (value) stateOf(this).stop = true; }
    stopImmediatePropagation() {
      const s = stateOf(this);
      s.stop = true;
      s.stopImmediate = true;
    }
    get bubbles() { return stateOf(this).bubbles; }
    get cancelable() { return stateOf(this).cancelable; }
    get returnValue() { return !stateOf(this).canceled; }
    set returnValue(value) { if (!value) cancel(stateOf(this)); }
    preventDefault() { cancel(stateOf(this)); }
    get defaultPrevented() { return stateOf(this).canceled; }
    get composed() { return stateOf(this).composed; }
    get timeStamp() { return stateOf(this).timeStamp; }
    initEvent(type, bubbles = false, cancelable = false) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'initEvent' on 'Event': 1 argument required, but only 0 present.");
      const s = stateOf(this);
      if (s.dispatching) return;
      Object.assign(s, { initialized: true, stop: false, stopImmediate: false, canceled: false, trusted: false,
        target: null, type: `${type}`, bubbles: Boolean(bubbles), cancelable: Boolean(cancelable) });
    }
    get [Symbol.toStringTag]() { return 'Event'; }
  }
  function isTrusted() { return stateOf(this).trusted; }
  function cancel(s) {
    if (s.cancelable && !s.inPassive) s.canceled = true;
  }
  for (const [name, value] of Object.entries({ NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE })) {
    Object.defineProperty(Event, name, { value, enumerable: true });
    Object.defineProperty(Event.prototype, name, { value, enumerable: true });
  }

  class CustomEvent extends Event {
    #detail;
    constructor(type, eventInitDict = undefined) {
      if (arguments.length < 1) throw new TypeError("Failed to construct 'CustomEvent': 1 argument required, but only 0 present.");
      super(type, eventInitDict);
      const init = internal.dictionary(eventInitDict, 'eventInitDict');
      this.#detail = init.detail === undefined ? null : init.detail;
    }
    get detail() {
      if (!(#detail in this)) throw illegal();
      return this.#detail;
    }
    initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
      if (!(#detail in this)) throw illegal();
      if (stateOf(this).dispatching) return;
      this.initEvent(type, bubbles, cancelable);
      this.#detail = detail;
    }
    get [Symbol.toStringTag]() { return 'CustomEvent'; }
  }

  let listenersOf; // target -> Map(type -> [listener record])
  function flattenCapture(options) {
    return typeof options === 'boolean' ? options : options !== null && typeof options === 'object' ? Boolean(options.capture) : false;
  }
  function checkCallback(callback, method) {
    if (callback !== null && typeof callback !== 'object' && typeof callback !== 'function') {
      throw new TypeError("Failed to execute '" + method + "' on 'EventTarget': parameter 2 is not of type 'Object'.");
    }
  }
  /** Adds a listener record {type, callback, capture, once, passive, removed} unless an equal one is there. */
  function addListener(target, record) {
    const all = listenersOf(target);
    let list = all.get(record.type);
    if (!list) all.set(record.type, (list = []));
    if (list.some((l) => l.callback === record.callback && l.capture === record.capture)) return null;
    list.push(record);
    return record;
  }
  function removeListener(target, record) {
    record.removed = true;
    const list = listenersOf(target).get(record.type);
    const i = list ? list.indexOf(record) : -1;
    if (i >= 0) list.splice(i, 1);
  }

  class EventTarget {
    #listeners = new Map();
    static {
      listenersOf = (t) => {
        if (t === null || typeof t !== 'object' || !(#listeners in t)) throw illegal();
        return t.#listeners;
      };
    }
    addEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required.");
      listenersOf(this);
      checkCallback(callback, 'addEventListener');
      const o = options !== null && typeof options === 'object' ? options : {};
      const signal = o.signal;
      if (signal !== undefined && !internal.isAbortSignal(signal)) {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
      }
      const record = { type: `${type}`, callback, capture: flattenCapture(options), once: Boolean(o.once),
        passive: Boolean(o.passive), removed: false };
      if (signal !== undefined && signal.aborted) return;
      if (callback === null) return;
      if (addListener(this, record) && signal !== undefined) {
        internal.addAbortAlgorithm(signal, () => removeListener(this, record));
      }
    }
    removeEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'removeEventListener' on 'EventTarget': 2 arguments required.");
      checkCallback(callback, 'removeEventListener');
      const capture = flattenCapture(options);
      const list = listenersOf(this).get(`${type}`);
      const record = list && list.find((l) => l.callback === callback && l.capture === capture);
      if (record) removeListener(this, record);
    }
    dispatchEvent(event) {
      listenersOf(this);
      if (arguments.length < 1) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': 1 argument required, but only 0 present.");
      const s = stateOf(event);
      if (s.dispatching || !s.initialized) {
        throw new DOMException("Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.", 'InvalidStateError');
      }
      s.trusted = false;
      return dispatch(this, event);
    }
    get [Symbol.toStringTag]() { return 'EventTarget'; }
  }

  /** The standard's "dispatch" for a target with no parent; returns false if a listener canceled the event. */
  function dispatch(target, event) {
    const s = stateOf(event);
    s.dispatching = true;
    s.target = target;
    s.phase = AT_TARGET;
    invoke(target, event, s, true);
    invoke(target, event, s, false);
    s.phase = NONE;
    s.currentTarget = null;
    s.dispatching = false;
    s.stop = false;
    s.stopImmediate = false;
    return !s.canceled;
  }
  function invoke(target, event, s, capturing) {
    if (s.stop) return;
    s.currentTarget = target;
    const list = listenersOf(target).get(s.type);
    if (!list) return;
    // Listeners added during the dispatch do not run in it; removed ones do not run any more.
    for (const l of list.slice()) {
      if (l.removed || l.capture !== capturing) continue;
      if (l.once) removeListener(target, l);
      s.inPassive = l.passive;
      try {
        if (typeof l.callback === 'function') {
          l.callback.call(target, event);
        } else {
          const handleEvent = l.callback.handleEvent;
          if (typeof handleEvent !== 'function') throw new TypeError("The listener's handleEvent is not a function");
          handleEvent.call(l.callback, event);
        }
      } catch (e) {
        report(e);
      }
      s.inPassive = false;
      if (s.stopImmediate) break;
    }
  }

  /** Fires a trusted event (one the runtime dispatches, not a script); returns dispatch's result. */
  internal.fireEvent = (target, type, EventClass = Event, init = undefined) => {
    const event = new EventClass(type, init);
    stateOf(event).trusted = true;
    return dispatch(target, event);
  };

  /**
   * An event handler IDL attribute such as onabort (HTML, "event handlers"): the first non-null value adds one
   * listener, later values replace its callback in place, null removes it. A handler returning false cancels.
   */
  internal.defineEventHandler = (proto, type) => {
    const handlers = new WeakMap();
    Object.defineProperty(proto, 'on' + type, {
      get() {
        listenersOf(this);
        const h = handlers.get(this);
        return h ? h.value : null;
      },
      set(v) {
        listenersOf(this);
        const value = typeof v === 'function' || (typeof v === 'object' && v !== null) ? v : null;
        let h = handlers.get(this);
        if (!h) handlers.set(this, (h = { value: null, record: null }));
        h.value = value;
        if (value === null) {
          if (h.record) removeListener(this, h.record);
          h.record = null;
        } else if (!h.record) {
          const target = this;
          const callback = function (event) {
            if (typeof h.value !== 'function') throw new TypeError('The on' + type + ' handler is not a function');
            if (h.value.call(target, event) === false) cancel(stateOf(event));
          };
          h.record = addListener(this, { type, callback, capture: false, once: false, passive: false, removed: false });
        }
      },
      enumerable: true,
      configurable: true,
    });
  };

  for (const [name, value] of Object.entries({ Event, CustomEvent, EventTarget })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
