(function (host, internal, global) {
  'use strict';
  // atob and btoa (HTML, "Base64 utility methods"): strings whose code units are bytes, the standard alphabet with
  // padding out, and the Infra standard's "forgiving-base64 decode" in.
  const DOMException = global.DOMException; // the prelude's, whatever a script later assigns to the global
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const VALUE = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

  function invalid(message) {
    return new DOMException(message, 'InvalidCharacterError');
  }
  function required(args, name) {
    if (args.length < 1) throw new TypeError("Failed to execute '" + name + "': 1 argument required, but only 0 present.");
  }
  /** Code units to a string, in slices small enough for String.fromCharCode's argument list. */
  function fromCodes(codes) {
    let out = '';
    for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode.apply(null, codes.subarray(i, i + 8192));
    return out;
  }

  function btoa(data) {
    required(arguments, 'btoa');
    const s = `${data}`;
    const n = s.length;
    const out = new Uint8Array(Math.ceil(n / 3) * 4);
    let o = 0;
    for (let i = 0; i < n; i += 3) {
      const a = s.charCodeAt(i);
      const b = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      const c = i + 2 < n ? s.charCodeAt(i + 2) : 0;
      if (a > 0xff || b > 0xff || c > 0xff) throw invalid('The string to be encoded contains characters outside of the Latin1 range.');
      out[o++] = ALPHABET.charCodeAt(a >> 2);
      out[o++] = ALPHABET.charCodeAt(((a & 3) << 4) | (b >> 4));
      out[o++] = i + 1 < n ? ALPHABET.charCodeAt(((b & 15) << 2) | (c >> 6)) : 61;
      out[o++] = i + 2 < n ? ALPHABET.charCodeAt(c & 63) : 61;
    }
    return fromCodes(out);
  }

  /** Infra "forgiving-base64 decode": the bytes, or null for failure. */
  function forgivingDecode(input) {
    let s = input.replace(/[\t\n\f\r ]+/g, '');
    if (s.length % 4 === 0) {
      if (s.endsWith('==')) s = s.slice(0, -2);
      else if (s.endsWith('=')) s = s.slice(0, -1);
    }
    if (s.length % 4 === 1) return null;
    const out = new Uint8Array(Math.floor((s.length * 3) / 4));
    let buffer = 0;
    let bits = 0;
    let o = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const v = c < 128 ? VALUE[c] : -1;
      if (v < 0) return null;
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (buffer >> bits) & 0xff;
      }
    }
    // Leftover bits (4 after 3 characters, 2 after 2) are discarded, as the standard says.
    return out;
  }
  internal.forgivingBase64Decode = forgivingDecode;

  function atob(data) {
    required(arguments, 'atob');
    const bytes = forgivingDecode(`${data}`);
    if (bytes === null) throw invalid('The string to be decoded is not correctly encoded.');
    return fromCodes(bytes);
  }

  for (const [name, value] of Object.entries({ atob, btoa })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: true });
  }
});
