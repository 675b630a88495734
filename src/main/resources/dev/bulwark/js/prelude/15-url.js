(function (host, internal, global) {
  'use strict';
  // URL and URLSearchParams from the vendored whatwg-url bundle (12-whatwg-url.js).
  const { URL, URLSearchParams } = global.__bulwarkVendorUrl;
  delete global.__bulwarkVendorUrl;
  for (const [name, value] of Object.entries({ URL, URLSearchParams })) {
    // The bundle is minified: give the classes back their names (URL.name was "r").
    Object.defineProperty(value, 'name', { value: name, configurable: true });
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  /** Parses {@code input} against {@code base} and returns the href, or throws a TypeError naming the input. */
  internal.parseUrl = (input, base) => {
    try {
      return new URL(String(input), base);
    } catch (e) {
      throw new TypeError('Invalid URL: ' + String(input));
    }
  };
});
