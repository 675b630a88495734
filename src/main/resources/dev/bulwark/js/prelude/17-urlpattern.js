(function (host, internal, global) {
  'use strict';
  // URLPattern (the URLPattern Standard, as workerd has it) from the vendored urlpattern-polyfill bundle
  // (16-urlpattern-polyfill.js), which matches with the prelude's URL.
  const { URLPattern } = global.__bulwarkVendorUrlPattern;
  delete global.__bulwarkVendorUrlPattern;
  Object.defineProperty(global, 'URLPattern', { value: URLPattern, writable: true, configurable: true, enumerable: false });
});
