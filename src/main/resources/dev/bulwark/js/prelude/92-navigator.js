(function (host, internal, global) {
  'use strict';
  // navigator, as workerd has it: userAgent (workerd says "Cloudflare-Workers"; this runtime names itself, so that a
  // library does not take it for Cloudflare and reach for cloudflare:* modules) and hardwareConcurrency, which is 1
  // as in workerd: a request runs on one thread.
  class Navigator {
    get userAgent() { return 'Bulwark'; }
    get hardwareConcurrency() { return 1; }
    get [Symbol.toStringTag]() { return 'Navigator'; }
  }
  const navigator = Object.freeze(new Navigator());
  Object.defineProperty(global, 'navigator', { value: navigator, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(global, 'Navigator', { value: Navigator, writable: true, configurable: true, enumerable: false });
});
