(function (host, internal, global) {
  'use strict';
  // Web Crypto (W3C Web Cryptography API): crypto.getRandomValues and randomUUID, and of SubtleCrypto the digests
  // SHA-1/256/384/512 and HMAC (importKey raw/jwk, exportKey raw/jwk, generateKey, sign, verify). No other algorithm is
  // registered, so the standard's "normalize an algorithm" rejects every other name (AES-GCM, RSA-PSS, ECDSA, ...) and
  // every operation no registered algorithm has (encrypt, deriveBits, wrapKey, ...) with NotSupportedError.
  // Argument conversion, normalization, key checks and errors are the standard's steps, here; the random bytes, digests
  // and MACs are the JDK's (CryptoHost), which only ever gets normalized names and ArrayBuffers the prelude owns.
  const jdk = host.crypto;
  const DOMException = global.DOMException; // the prelude's, whatever a script later assigns to the global
  const btoa = global.btoa;
  const base64Decode = internal.forgivingBase64Decode;
  const CONSTRUCT = Symbol('construct'); // `new Crypto()`, `new SubtleCrypto()`, `new CryptoKey()` are illegal

  // Buffers are read through the built-ins' own getters, never through properties a script may shadow.
  const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const typedArrayName = getter(TypedArray.prototype, Symbol.toStringTag);
  const typedArrayBuffer = getter(TypedArray.prototype, 'buffer');
  const typedArrayOffset = getter(TypedArray.prototype, 'byteOffset');
  const typedArrayLength = getter(TypedArray.prototype, 'byteLength');
  const typedArraySet = TypedArray.prototype.set;
  const dataViewBuffer = getter(DataView.prototype, 'buffer');
  const dataViewOffset = getter(DataView.prototype, 'byteOffset');
  const dataViewLength = getter(DataView.prototype, 'byteLength');
  const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
  const bufferDetached = getter(ArrayBuffer.prototype, 'detached');
  const bufferResizable = getter(ArrayBuffer.prototype, 'resizable');

  const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
  const error = (message, name) => new DOMException(message, name);
  const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

  /** A (non-shared) ArrayBuffer: its own byteLength getter accepts it; a SharedArrayBuffer's is another. */
  function isArrayBuffer(v) {
    try {
      bufferLength.call(v);
      return true;
    } catch (e) {
      return false;
    }
  }
  /** [buffer, offset, length] of a WebIDL ArrayBufferView (not shared, not resizable), or null if v is not a view. */
  function viewOf(v, what) {
    if (!ArrayBuffer.isView(v)) return null;
    const typed = typedArrayName.call(v) !== undefined;
    const buffer = typed ? typedArrayBuffer.call(v) : dataViewBuffer.call(v);
    checkBuffer(buffer, what);
    if (bufferDetached.call(buffer)) return [buffer, 0, 0];
    return typed ? [buffer, typedArrayOffset.call(v), typedArrayLength.call(v)]
      : [buffer, dataViewOffset.call(v), dataViewLength.call(v)];
  }
  function checkBuffer(buffer, what) {
    if (!isArrayBuffer(buffer)) throw new TypeError(what + ' must not be backed by a SharedArrayBuffer');
    if (bufferResizable.call(buffer)) throw new TypeError(what + ' must not be backed by a resizable ArrayBuffer');
  }
  /** WebIDL BufferSource, then "get a copy of the bytes held by the buffer source": a Uint8Array over its own buffer. */
  function copyBytes(v, what) {
    let parts = viewOf(v, what);
    if (parts === null) {
      if (!isArrayBuffer(v)) throw new TypeError(what + " is not of type 'BufferSource' (an ArrayBuffer, a TypedArray or a DataView)");
      checkBuffer(v, what);
      parts = [v, 0, bufferDetached.call(v) ? 0 : bufferLength.call(v)];
    }
    const out = new Uint8Array(parts[2]);
    if (parts[2] > 0) typedArraySet.call(out, new Uint8Array(parts[0], parts[1], parts[2]));
    return out;
  }
  /** A host ByteBuffer copied into a Uint8Array the script owns. */
  function fromHost(byteBuffer) {
    const view = new Uint8Array(byteBuffer);
    const out = new Uint8Array(view.length);
    typedArraySet.call(out, view);
    return out;
  }

  function base64url(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  /** RFC 7515 base64url without padding (as JWA requires of "k"), or null. */
  function base64urlDecode(s) {
    if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
    return base64Decode(s.replace(/-/g, '+').replace(/_/g, '/'));
  }

  // WebIDL conversions of the arguments.
  function required(self, args, count, operation) {
    if (!isSubtle(self)) throw new TypeError('Illegal invocation');
    if (args.length < count) {
      throw new TypeError("Failed to execute '" + operation + "' on 'SubtleCrypto': " + count + ' arguments required, but only '
        + args.length + ' present.');
    }
  }
  /** AlgorithmIdentifier, the union (object or DOMString). */
  const algorithmIdentifier = (v) => (isObject(v) ? v : `${v}`);
  function unsignedLong(v, what) { // [EnforceRange] unsigned long
    const n = +v;
    if (!Number.isFinite(n)) throw new TypeError(what + ' is not a finite number');
    const t = Math.trunc(n);
    if (t < 0 || t > 0xffffffff) throw new TypeError(what + ' is outside the range of an unsigned long');
    return t + 0;
  }
  function sequence(v, convert, what) {
    const method = isObject(v) ? v[Symbol.iterator] : undefined;
    if (typeof method !== 'function') throw new TypeError(what + ' is not a sequence');
    const out = [];
    for (const item of { [Symbol.iterator]: () => method.call(v) }) out.push(convert(item));
    return out;
  }
  function enumValue(v, values, type) {
    const s = `${v}`;
    if (!values.includes(s)) throw new TypeError("'" + s + "' is not a valid value for the enumeration " + type);
    return s;
  }
  const KEY_USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];
  const keyFormat = (v) => enumValue(v, ['raw', 'spki', 'pkcs8', 'jwk'], 'KeyFormat');
  const keyUsages = (v) => sequence(v, (u) => enumValue(u, KEY_USAGES, 'KeyUsage'), 'keyUsages');
  /** The standard's "normalized value" of usages: no duplicates, in the order of the KeyUsage enum. */
  const normalizedUsages = (usages) => KEY_USAGES.filter((u) => usages.includes(u));

  function dictionary(v, what) {
    if (v === undefined || v === null) return {};
    if (!isObject(v)) throw new TypeError(what + ' is not an object');
    return v;
  }
  function requiredMember(dict, key, type) {
    const value = dict[key];
    if (value === undefined) throw new TypeError("Failed to read the '" + key + "' property from '" + type + "': Required member is undefined.");
    return value;
  }
  /** JsonWebKey, its members read and converted in the dictionary's (lexicographic) order. */
  function jsonWebKey(v) {
    const d = dictionary(v, 'keyData');
    const jwk = {};
    for (const key of ['alg', 'crv', 'd', 'dp', 'dq', 'e', 'ext', 'k', 'key_ops', 'kty', 'n', 'oth', 'p', 'q', 'qi', 'use', 'x', 'y']) {
      const value = d[key];
      if (value === undefined) continue;
      if (key === 'ext') jwk.ext = Boolean(value);
      else if (key === 'key_ops') jwk.key_ops = sequence(value, (op) => `${op}`, 'key_ops');
      else if (key === 'oth') jwk.oth = sequence(value, otherPrimesInfo, 'oth');
      else jwk[key] = `${value}`;
    }
    return jwk;
  }
  function otherPrimesInfo(v) {
    const d = dictionary(v, 'oth');
    const info = {};
    for (const key of ['d', 'r', 't']) if (d[key] !== undefined) info[key] = `${d[key]}`;
    return info;
  }

  // "Normalize an algorithm": the registered algorithms of each operation, each with the conversion of its parameter
  // dictionary (members after `name`, in the dictionary's order). Hash members are normalized for "digest".
  const HASHES = { 'SHA-1': { block: 512, jwk: 'HS1' }, 'SHA-256': { block: 512, jwk: 'HS256' },
    'SHA-384': { block: 1024, jwk: 'HS384' }, 'SHA-512': { block: 1024, jwk: 'HS512' } };
  const plain = () => ({});
  function hmacParams(alg, type) { // HmacImportParams and HmacKeyGenParams: required hash, optional length
    const hash = algorithmIdentifier(requiredMember(alg, 'hash', type));
    const lengthValue = alg.length;
    const length = lengthValue === undefined ? undefined : unsignedLong(lengthValue, type + '.length');
    return { hash: normalize(hash, 'digest'), length };
  }
  const REGISTERED = {
    digest: Object.fromEntries(Object.keys(HASHES).map((name) => [name, plain])),
    sign: { HMAC: plain },
    verify: { HMAC: plain },
    importKey: { HMAC: (alg) => hmacParams(alg, 'HmacImportParams') },
    generateKey: { HMAC: (alg) => hmacParams(alg, 'HmacKeyGenParams') },
  };
  function normalize(alg, operation) {
    if (!isObject(alg)) return normalize({ name: alg }, operation);
    const registered = REGISTERED[operation] || {};
    const asked = asciiLower(`${requiredMember(alg, 'name', 'Algorithm')}`);
    const name = Object.keys(registered).find((n) => asciiLower(n) === asked);
    if (name === undefined) throw error('Unrecognized or unsupported algorithm for ' + operation + '.', 'NotSupportedError');
    return { name, ...registered[name](alg) };
  }

  let keyState; // CryptoKey -> its internal slots, or null for anything else
  let newKey;
  class CryptoKey {
    #state;
    constructor(key, state) {
      if (key !== CONSTRUCT) throw new TypeError('Illegal constructor');
      this.#state = state;
    }
    static {
      keyState = (v) => (isObject(v) && #state in v ? v.#state : null);
      newKey = (state) => new CryptoKey(CONSTRUCT, state);
    }
    get type() { return slots(this).type; }
    get extractable() { return slots(this).extractable; }
    get algorithm() { return slots(this).algorithmObject; }
    get usages() { return slots(this).usagesObject; }
  }
  function slots(self) {
    const s = keyState(self);
    if (s === null) throw new TypeError('Illegal invocation');
    return s;
  }
  function cryptoKey(v, what) {
    const s = keyState(v);
    if (s === null) throw new TypeError(what + " is not of type 'CryptoKey'");
    return s;
  }
  /**
   * An HMAC key of the first `length` bits of data. The objects that key.algorithm and key.usages return are cached,
   * as the standard says; the checks use the internal slots, which a script cannot change through them.
   */
  function hmacKey(data, hash, length, extractable, usages) {
    if (length % 8 !== 0) data[data.length - 1] &= (0xff << (8 - (length % 8))) & 0xff;
    const normalized = normalizedUsages(usages);
    return newKey({ type: 'secret', extractable, name: 'HMAC', hash, data, usages: normalized,
      algorithmObject: { name: 'HMAC', hash: { name: hash }, length }, usagesObject: [...normalized] });
  }
  function checkHmacUsages(usages) {
    if (usages.some((u) => u !== 'sign' && u !== 'verify')) throw error('Unsupported key usage for an HMAC key.', 'SyntaxError');
  }
  function checkNotEmpty(usages) {
    if (usages.length === 0) throw error('Usages cannot be empty when creating a key.', 'SyntaxError');
  }
  function usable(key, normalized, usage) {
    if (key.name !== normalized.name || !key.usages.includes(usage)) {
      throw error("The key's algorithm or usages do not permit '" + usage + "'.", 'InvalidAccessError');
    }
  }

  /** HMAC's "import key" operation. */
  function importHmac(format, keyData, params, extractable, usages) {
    checkHmacUsages(usages);
    const hash = params.hash.name;
    let data;
    if (format === 'raw') {
      data = keyData;
    } else if (format === 'jwk') {
      const jwk = keyData;
      if (jwk.kty !== 'oct') throw error("The JWK's kty must be 'oct' for an HMAC key.", 'DataError');
      data = jwk.k === undefined ? null : base64urlDecode(jwk.k);
      if (data === null) throw error("The JWK's k must be a base64url string without padding.", 'DataError');
      if (jwk.alg !== undefined && jwk.alg !== HASHES[hash].jwk) {
        throw error("The JWK's alg '" + jwk.alg + "' does not match the hash " + hash + '.', 'DataError');
      }
      // JWK's "use" for a signing key is "sig" (RFC 7517), which is what the standard's check means.
      if (usages.length > 0 && jwk.use !== undefined && jwk.use !== 'sig') throw error("The JWK's use must be 'sig'.", 'DataError');
      if (jwk.key_ops !== undefined && (new Set(jwk.key_ops).size !== jwk.key_ops.length || usages.some((u) => !jwk.key_ops.includes(u)))) {
        throw error("The JWK's key_ops has duplicates or does not allow every requested usage.", 'DataError');
      }
      if (jwk.ext === false && extractable) throw error('The JWK is not extractable (ext is false).', 'DataError');
    } else {
      throw error("HMAC keys can be imported only in the 'raw' and 'jwk' formats.", 'NotSupportedError');
    }
    let length = data.length * 8;
    if (length === 0) throw error('HMAC key data must not be empty.', 'DataError');
    if (params.length !== undefined) {
      if (params.length > length || params.length <= length - 8) {
        throw error('The HMAC key length ' + params.length + ' does not fit key data of ' + data.length + ' bytes.', 'DataError');
      }
      length = params.length;
    }
    return hmacKey(data, hash, length, extractable, usages);
  }

  let isSubtle;
  class SubtleCrypto {
    #brand;
    constructor(key) {
      if (key !== CONSTRUCT) throw new TypeError('Illegal constructor');
      this.#brand = true;
    }
    static {
      isSubtle = (v) => isObject(v) && #brand in v;
    }

    async digest(algorithm, data) {
      required(this, arguments, 2, 'digest');
      const alg = algorithmIdentifier(algorithm);
      const bytes = copyBytes(data, 'data');
      const normalized = normalize(alg, 'digest');
      return fromHost(jdk.digest(normalized.name, bytes.buffer)).buffer;
    }

    async sign(algorithm, key, data) {
      required(this, arguments, 3, 'sign');
      const alg = algorithmIdentifier(algorithm);
      const k = cryptoKey(key, 'key');
      const bytes = copyBytes(data, 'data');
      usable(k, normalize(alg, 'sign'), 'sign');
      return fromHost(jdk.hmac(k.hash, k.data.buffer, bytes.buffer)).buffer;
    }

    async verify(algorithm, key, signature, data) {
      required(this, arguments, 4, 'verify');
      const alg = algorithmIdentifier(algorithm);
      const k = cryptoKey(key, 'key');
      const sig = copyBytes(signature, 'signature');
      const bytes = copyBytes(data, 'data');
      usable(k, normalize(alg, 'verify'), 'verify');
      return jdk.hmacVerify(k.hash, k.data.buffer, bytes.buffer, sig.buffer);
    }

    async importKey(format, keyData, algorithm, extractable, keyUsagesArg) {
      required(this, arguments, 5, 'importKey');
      const fmt = keyFormat(format);
      // (BufferSource or JsonWebKey): buffers and views are the one, anything else is converted to the other.
      const data = ArrayBuffer.isView(keyData) || isArrayBuffer(keyData) ? copyBytes(keyData, 'keyData') : jsonWebKey(keyData);
      const alg = algorithmIdentifier(algorithm);
      const ext = Boolean(extractable);
      const usages = keyUsages(keyUsagesArg);
      const normalized = normalize(alg, 'importKey');
      if (fmt === 'jwk' ? data instanceof Uint8Array : !(data instanceof Uint8Array)) {
        throw new TypeError(fmt === 'jwk' ? "keyData must be a JsonWebKey for the 'jwk' format"
          : "keyData must be a BufferSource for the '" + fmt + "' format");
      }
      const key = importHmac(fmt, data, normalized, ext, usages);
      checkNotEmpty(usages);
      return key;
    }

    async exportKey(format, key) {
      required(this, arguments, 2, 'exportKey');
      const fmt = keyFormat(format);
      const k = cryptoKey(key, 'key');
      if (!k.extractable) throw error('The key is not extractable.', 'InvalidAccessError');
      if (fmt === 'raw') return copyBytes(k.data, 'key').buffer;
      if (fmt === 'jwk') {
        return { alg: HASHES[k.hash].jwk, ext: k.extractable, k: base64url(k.data), key_ops: [...k.usages], kty: 'oct' };
      }
      throw error("HMAC keys can be exported only in the 'raw' and 'jwk' formats.", 'NotSupportedError');
    }

    async generateKey(algorithm, extractable, keyUsagesArg) {
      required(this, arguments, 3, 'generateKey');
      const alg = algorithmIdentifier(algorithm);
      const ext = Boolean(extractable);
      const usages = keyUsages(keyUsagesArg);
      const normalized = normalize(alg, 'generateKey');
      checkHmacUsages(usages);
      const length = normalized.length === undefined ? HASHES[normalized.hash.name].block : normalized.length;
      if (length === 0) throw error('The HMAC key length must not be zero.', 'OperationError');
      const key = hmacKey(fromHost(jdk.randomBytes(Math.ceil(length / 8))), normalized.hash.name, length, ext, usages);
      checkNotEmpty(usages);
      return key;
    }

    // No registered algorithm has these operations: after the argument conversions, normalization rejects.
    async encrypt(algorithm, key, data) {
      required(this, arguments, 3, 'encrypt');
      return unsupported(algorithm, 'encrypt', () => { cryptoKey(key, 'key'); copyBytes(data, 'data'); });
    }
    async decrypt(algorithm, key, data) {
      required(this, arguments, 3, 'decrypt');
      return unsupported(algorithm, 'decrypt', () => { cryptoKey(key, 'key'); copyBytes(data, 'data'); });
    }
    async deriveBits(algorithm, baseKey, length = null) {
      required(this, arguments, 2, 'deriveBits');
      return unsupported(algorithm, 'deriveBits', () => {
        cryptoKey(baseKey, 'baseKey');
        if (length !== null && length !== undefined) unsignedLong(length, 'length');
      });
    }
    async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsagesArg) {
      required(this, arguments, 5, 'deriveKey');
      return unsupported(algorithm, 'deriveBits', () => {
        cryptoKey(baseKey, 'baseKey');
        algorithmIdentifier(derivedKeyType);
        keyUsages(keyUsagesArg);
      });
    }
    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      required(this, arguments, 4, 'wrapKey');
      keyFormat(format);
      cryptoKey(key, 'key');
      cryptoKey(wrappingKey, 'wrappingKey');
      return unsupported(wrapAlgorithm, 'encrypt', () => {});
    }
    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsagesArg) {
      required(this, arguments, 7, 'unwrapKey');
      keyFormat(format);
      copyBytes(wrappedKey, 'wrappedKey');
      cryptoKey(unwrappingKey, 'unwrappingKey');
      return unsupported(unwrapAlgorithm, 'decrypt', () => {
        algorithmIdentifier(unwrappedKeyAlgorithm);
        keyUsages(keyUsagesArg);
      });
    }
  }
  /** Converts the algorithm argument, then the others, then normalizes: always a NotSupportedError or a TypeError. */
  function unsupported(algorithm, operation, convertOthers) {
    const alg = algorithmIdentifier(algorithm);
    convertOthers();
    return normalize(alg, operation);
  }

  let isCrypto;
  const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
    'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
  class Crypto {
    #subtle;
    constructor(key) {
      if (key !== CONSTRUCT) throw new TypeError('Illegal constructor');
      this.#subtle = new SubtleCrypto(CONSTRUCT);
    }
    static {
      isCrypto = (v) => isObject(v) && #subtle in v;
    }
    get subtle() {
      if (!isCrypto(this)) throw new TypeError('Illegal invocation');
      return this.#subtle;
    }
    getRandomValues(array) {
      if (!isCrypto(this)) throw new TypeError('Illegal invocation');
      if (arguments.length < 1) {
        throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but only 0 present.");
      }
      const parts = viewOf(array, 'array');
      if (parts === null) throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.");
      const type = typedArrayName.call(array) || 'DataView';
      if (!INTEGER_ARRAYS.includes(type)) {
        throw error("The provided ArrayBufferView is of type '" + type + "', which is not an integer array type.", 'TypeMismatchError');
      }
      const [buffer, offset, length] = parts;
      if (length > 65536) {
        throw error("The ArrayBufferView's byte length (" + length + ') exceeds the number of bytes of entropy available via this API (65536).',
          'QuotaExceededError');
      }
      if (length > 0) typedArraySet.call(new Uint8Array(buffer, offset, length), new Uint8Array(jdk.randomBytes(length)));
      return array;
    }
    randomUUID() {
      if (!isCrypto(this)) throw new TypeError('Illegal invocation');
      return jdk.randomUUID();
    }
  }

  for (const [name, value] of Object.entries({ Crypto, SubtleCrypto, CryptoKey })) {
    Object.defineProperty(value.prototype, Symbol.toStringTag, { value: name, configurable: true });
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(global, 'crypto', { value: new Crypto(CONSTRUCT), writable: true, configurable: true, enumerable: true });
});
