(function (host, internal, global) {
  'use strict';
  // Timers run on Vert.x timers of the isolate's worker context (host.timers); absent while checking a script.
  const timers = host.timers;
  function need() {
    if (!timers) throw new Error('timers are not available in the global scope of a worker');
    return timers;
  }
  function schedule(callback, delay, args, repeat) {
    if (typeof callback !== 'function') {
      throw new TypeError('The "callback" argument must be a function');
    }
    const ms = Number(delay);
    return need().set(Number.isFinite(ms) ? ms : 0, () => callback(...args), repeat);
  }
  function clear(id) {
    if (timers && typeof id === 'number') timers.clear(id);
  }
  const defs = {
    setTimeout(callback, delay, ...args) { return schedule(callback, delay, args, false); },
    setInterval(callback, delay, ...args) { return schedule(callback, delay, args, true); },
    clearTimeout: clear,
    clearInterval: clear,
    queueMicrotask(callback) {
      if (typeof callback !== 'function') {
        throw new TypeError('The "callback" argument must be a function');
      }
      Promise.resolve().then(() => callback());
    },
  };
  for (const [name, fn] of Object.entries(defs)) {
    Object.defineProperty(global, name, { value: fn, writable: true, configurable: true, enumerable: true });
  }
});
