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
  // scheduler.wait(ms[, { signal }]), as workerd has it: a promise of a timer, charged to the request like one;
  // an aborted signal rejects it with the signal's reason and clears the timer.
  const { setTimeout: startTimer, clearTimeout: stopTimer } = defs;
  class Scheduler {
    wait(delay = 0, options = undefined) {
      const signal = options === null || options === undefined ? undefined : options.signal;
      return new Promise((resolve, reject) => {
        if (signal !== undefined && signal.aborted) {
          reject(signal.reason);
          return;
        }
        const id = startTimer(resolve, delay);
        if (signal !== undefined) {
          signal.addEventListener('abort', () => { stopTimer(id); reject(signal.reason); }, { once: true });
        }
      });
    }
  }
  Object.defineProperty(Scheduler.prototype, Symbol.toStringTag, { value: 'Scheduler', configurable: true });
  Object.defineProperty(global, 'scheduler', { value: new Scheduler(), writable: true, configurable: true, enumerable: true });
  // High Resolution Time: now() is milliseconds since the isolate was made, from a monotonic clock (workerd's only
  // moves on I/O, against timing attacks between tenants; a Bulwark runtime runs its own owner's code).
  const clock = host.clock;
  const timeOrigin = Date.now() - clock.now();
  class Performance {
    get timeOrigin() { return timeOrigin; }
    now() { return clock.now(); }
    toJSON() { return { timeOrigin }; }
  }
  Object.defineProperty(Performance.prototype, Symbol.toStringTag, { value: 'Performance', configurable: true });
  Object.defineProperty(global, 'performance', {
    value: new Performance(), writable: true, configurable: true, enumerable: true,
  });
});
