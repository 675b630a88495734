(function (host, internal, global) {
  'use strict';
  // Web Crypto (W3C Web Cryptography API): crypto.getRandomValues and randomUUID, and SubtleCrypto: its methods'
  // generic steps (argument conversion, "normalize an algorithm", the key's algorithm and usage checks, deriveKey,
  // wrapKey and unwrapKey on top of the algorithms' own operations), the digests SHA-1/256/384/512 and HMAC. The other
  // algorithms register themselves from 48-crypto-*.js through internal.webCrypto.register; a name no file registers for
  // an operation is rejected with NotSupportedError, as the standard says.
  // The random bytes, digests and MACs are the JDK's (CryptoHost), which only ever gets normalized names and
  // ArrayBuffers the prelude owns.
  const jdk = host.crypto;
  const DOMException = global.DOMException; // the prelude's, whatever a script later assigns to the global
  const WritableStream = global.WritableStream;
  // Key bytes live in Uint8Arrays of the prelude's; they are made and read only through built-ins captured here, never
  // through globals, prototype getters or methods a script may replace (or they would see a non-extractable key).
  const Uint8Array = global.Uint8Array;
  const CONSTRUCT = Symbol('construct'); // `new Crypto()`, `new SubtleCrypto()`, `new CryptoKey()` are illegal

  // Buffers are read through the built-ins' own getters, never through properties a script may shadow.
  const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const typedArrayName = getter(TypedArray.prototype, Symbol.toStringTag);
  const typedArrayBuffer = getter(TypedArray.prototype, 'buffer');
  const typedArrayOffset = getter(TypedArray.prototype, 'byteOffset');
  const typedArrayLength = getter(TypedArray.prototype, 'byteLength');
  const typedArraySet = TypedArray.prototype.set;
  /** The whole buffer of one of the prelude's own Uint8Arrays (made by copyBytes, copyOf or fromHost). */
  const bufferOf = (bytes) => typedArrayBuffer.call(bytes);
  const lengthOf = (bytes) => typedArrayLength.call(bytes);
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
  const fromHost = (byteBuffer) => copyOf(new Uint8Array(byteBuffer));
  /** A copy of a Uint8Array, over a buffer of its own. */
  function copyOf(bytes) {
    const out = new Uint8Array(lengthOf(bytes));
    typedArraySet.call(out, bytes);
    return out;
  }
  /** The ArrayBuffer of exactly the bytes of a Uint8Array: its own buffer when the view covers all of it, else a copy. */
  function exactBuffer(bytes) {
    const whole = bufferOf(bytes);
    return typedArrayOffset.call(bytes) === 0 && lengthOf(bytes) === bufferLength.call(whole) ? whole : bufferOf(copyOf(bytes));
  }
  // Lists (usages, allowed lengths) for the algorithm files, without Array.prototype methods a script may replace.
  function has(list, value) {
    for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
    return false;
  }
  /** The entries of `list` that `allowed` has, in `list`'s order (the standard's usage intersections). */
  function intersection(list, allowed) {
    const out = [];
    for (let i = 0; i < list.length; i++) if (has(allowed, list[i])) out[out.length] = list[i];
    return out;
  }
  const listCopy = (list) => intersection(list, list);

  /** RFC 7515 base64url without padding of one of the prelude's Uint8Arrays (JWK members), encoded in Java. */
  const base64url = (bytes) => jdk.base64urlEncode(bufferOf(copyOf(bytes)));
  /** RFC 7515 base64url without padding (as JWA requires of "k"), or null. */
  function base64urlDecode(s) {
    // In Java: the string may be a secret key's, and string and RegExp methods are a script's to replace.
    const bytes = jdk.base64urlDecode(s);
    return bytes === null ? null : fromHost(bytes);
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
    const jwk = { __proto__: null }; // no setter a script put on Object.prototype sees the members
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

  // WebIDL conversions of dictionary members that algorithms' parameters use.
  function octet(v, what) { // [EnforceRange] octet
    const n = unsignedLong(v, what);
    if (n > 0xff) throw new TypeError(what + ' is outside the range of an octet');
    return n;
  }
  function unsignedShort(v, what) { // [EnforceRange] unsigned short
    const n = unsignedLong(v, what);
    if (n > 0xffff) throw new TypeError(what + ' is outside the range of an unsigned short');
    return n;
  }
  /** WebIDL BigInteger (a Uint8Array, big-endian), copied. */
  function bigInteger(v, what) {
    if (!ArrayBuffer.isView(v) || typedArrayName.call(v) !== 'Uint8Array') throw new TypeError(what + " is not of type 'Uint8Array'");
    return copyBytes(v, what);
  }

  // "Normalize an algorithm": REGISTERED[operation][name] converts the members of that algorithm's parameter
  // dictionary for that operation (members after `name`, in the dictionary's order); ALGORITHMS[name] has the
  // algorithm's operations. Each algorithm file registers itself with internal.webCrypto.register.
  const HASHES = { 'SHA-1': { block: 512, bytes: 20 }, 'SHA-256': { block: 512, bytes: 32 },
    'SHA-384': { block: 1024, bytes: 48 }, 'SHA-512': { block: 1024, bytes: 64 } };
  const plain = () => ({});
  const REGISTERED = {};
  const ALGORITHMS = {};
  // Per operation, the registered names by their ASCII lowercase (names match case-insensitively), and the lowercase
  // of the names scripts ask for, remembered (up to a bound): lowering a string is slow in the interpreter, and a
  // script asks for the same few names in every request.
  const BY_LOWER = {};
  const lowered = { __proto__: null };
  let loweredCount = 0;
  function lower(s) {
    let v = lowered[s];
    if (v === undefined) {
      v = asciiLower(s);
      if (loweredCount < 256) {
        lowered[s] = v;
        loweredCount++;
      }
    }
    return v;
  }
  function registerParams(operation, name, convert) {
    (REGISTERED[operation] ||= { __proto__: null })[name] = convert;
    (BY_LOWER[operation] ||= { __proto__: null })[asciiLower(name)] = name;
  }
  // MD5 is a digest as in workerd (for legacy protocols: Content-MD5, ETags), not a hash other algorithms take.
  for (const name of [...Object.keys(HASHES), 'MD5']) registerParams('digest', name, plain);
  const NONE = { __proto__: null };
  function normalize(alg, operation) {
    if (!isObject(alg)) return normalize({ name: alg }, operation);
    const name = (BY_LOWER[operation] || NONE)[lower(`${requiredMember(alg, 'name', 'Algorithm')}`)];
    if (name === undefined) throw error('Unrecognized or unsupported algorithm for ' + operation + '.', 'NotSupportedError');
    return { name, ...REGISTERED[operation][name](alg) };
  }
  /** A HashAlgorithmIdentifier normalized for "digest": { name }, one of the SHA family (HASHES), not MD5. */
  function normalizeHash(identifier, type) {
    const hash = normalize(identifier, 'digest');
    if (!HASHES[hash.name]) throw error(hash.name + ' is not a hash ' + type + ' can use.', 'NotSupportedError');
    return hash;
  }
  /** A required HashAlgorithmIdentifier member, normalized as {@link normalizeHash} does. */
  const hashMember = (alg, type) => normalizeHash(algorithmIdentifier(requiredMember(alg, 'hash', type)), type);
  /**
   * Registers an algorithm: `params` maps each operation it has ("sign", "importKey", "get key length", ...) to the
   * conversion of its parameters; `operations` has the operations themselves, called with normalized arguments:
   *   importKey(format, keyData, normalized, extractable, usages) -> CryptoKey (keyData: Uint8Array or a JsonWebKey)
   *   exportKey(format, key) -> ArrayBuffer or a JsonWebKey object         (key: the key's internal slots)
   *   generateKey(normalized, extractable, usages) -> CryptoKey or { publicKey, privateKey }
   *   sign(normalized, key, data) -> ArrayBuffer; verify(normalized, key, signature, data) -> boolean
   *   encrypt / decrypt / wrapKey / unwrapKey(normalized, key, data) -> ArrayBuffer
   *   deriveBits(normalized, key, length) -> ArrayBuffer (length: a number or null)
   *   getKeyLength(normalized) -> a number of bits or null
   * The generic steps (conversions, normalization, the key's algorithm and usage checks, empty usages) are done here.
   */
  function register(name, params, operations) {
    for (const [operation, convert] of Object.entries(params)) registerParams(operation, name, convert);
    ALGORITHMS[name] = operations;
  }

  let keyState; // CryptoKey -> its internal slots, or null for anything else
  let newCryptoKey;
  class CryptoKey {
    #state;
    constructor(key, state) {
      if (key !== CONSTRUCT) throw new TypeError('Illegal constructor');
      this.#state = state;
    }
    static {
      keyState = (v) => (isObject(v) && #state in v ? v.#state : null);
      newCryptoKey = (state) => new CryptoKey(CONSTRUCT, state);
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
  /** The script's copy of a KeyAlgorithm: nested dictionaries and BigIntegers are copied, not shared. */
  function algorithmCopy(algorithm) {
    const out = {};
    for (const [k, v] of Object.entries(algorithm)) {
      out[k] = v instanceof Uint8Array ? copyOf(v) : isObject(v) ? { ...v } : v;
    }
    return out;
  }
  /**
   * A CryptoKey with these internal slots: type ('secret', 'public', 'private'), extractable, algorithm (the
   * KeyAlgorithm dictionary, e.g. { name, hash: { name }, length }), usages (any order; normalized here), and whatever
   * the algorithm keeps (e.g. `data`, the bytes of a secret key, or `handle`, a host key). The objects that
   * key.algorithm and key.usages return are made once, as the standard says; checks use the slots, which a script
   * cannot change through them.
   */
  function newKey(state) {
    const usages = normalizedUsages(state.usages);
    return newCryptoKey({ ...state, usages, algorithmObject: algorithmCopy(state.algorithm), usagesObject: [...usages] });
  }
  /** A SyntaxError unless every usage is one of `allowed` (each algorithm's import and generate steps). */
  function checkUsages(usages, allowed, what) {
    if (usages.some((u) => !allowed.includes(u))) throw error('Unsupported key usage for ' + what + '.', 'SyntaxError');
  }
  function checkNotEmpty(key) {
    if ((key.type === 'secret' || key.type === 'private') && key.usages.length === 0) {
      throw error('Usages cannot be empty when creating a key.', 'SyntaxError');
    }
  }
  function usable(key, normalized, usage) {
    if (key.algorithm.name !== normalized.name || !key.usages.includes(usage)) {
      throw error("The key's algorithm or usages do not permit '" + usage + "'.", 'InvalidAccessError');
    }
  }
  /**
   * The checks every algorithm's JWK import makes after its own: `use` (when usages are asked for), `key_ops`
   * (no duplicates, every usage allowed) and `ext`, in the standard's order.
   */
  function checkJwk(jwk, usages, extractable, use) {
    // JWK's "use" is "sig" for a signing key and "enc" for an encryption one (RFC 7517).
    if (usages.length > 0 && jwk.use !== undefined && jwk.use !== use) throw error("The JWK's use must be '" + use + "'.", 'DataError');
    if (jwk.key_ops !== undefined && (new Set(jwk.key_ops).size !== jwk.key_ops.length || usages.some((u) => !jwk.key_ops.includes(u)))) {
      throw error("The JWK's key_ops has duplicates or does not allow every requested usage.", 'DataError');
    }
    if (jwk.ext === false && extractable) throw error('The JWK is not extractable (ext is false).', 'DataError');
  }
  /** A JWK member that must be base64url (RFC 7515, no padding): its bytes, or a DataError naming it. */
  function jwkBytes(jwk, member) {
    const bytes = typeof jwk[member] === 'string' ? base64urlDecode(jwk[member]) : null;
    if (bytes === null) throw error("The JWK's " + member + ' must be a base64url string without padding.', 'DataError');
    return bytes;
  }

  // HMAC (FIPS 198-1), keys of any length in bits.
  const HMAC_JWK = { 'SHA-1': 'HS1', 'SHA-256': 'HS256', 'SHA-384': 'HS384', 'SHA-512': 'HS512' };
  function hmacParams(alg, type) { // HmacImportParams and HmacKeyGenParams: required hash, optional length
    const hash = hashMember(alg, type);
    const lengthValue = alg.length;
    return { hash, length: lengthValue === undefined ? undefined : unsignedLong(lengthValue, type + '.length') };
  }
  /** An HMAC key of the first `length` bits of data. */
  function hmacKey(data, hash, length, extractable, usages) {
    if (length % 8 !== 0) data[lengthOf(data) - 1] &= (0xff << (8 - (length % 8))) & 0xff;
    return newKey({ type: 'secret', extractable, algorithm: { name: 'HMAC', hash: { name: hash }, length }, usages, data });
  }
  register('HMAC', {
    sign: plain,
    verify: plain,
    importKey: (alg) => hmacParams(alg, 'HmacImportParams'),
    generateKey: (alg) => hmacParams(alg, 'HmacKeyGenParams'),
    'get key length': (alg) => hmacParams(alg, 'HmacImportParams'),
  }, {
    importKey(format, keyData, params, extractable, usages) {
      checkUsages(usages, ['sign', 'verify'], 'an HMAC key');
      const hash = params.hash.name;
      let data;
      if (format === 'raw') {
        data = keyData;
      } else if (format === 'jwk') {
        const jwk = keyData;
        if (jwk.kty !== 'oct') throw error("The JWK's kty must be 'oct' for an HMAC key.", 'DataError');
        data = jwkBytes(jwk, 'k');
        if (jwk.alg !== undefined && jwk.alg !== HMAC_JWK[hash]) {
          throw error("The JWK's alg '" + jwk.alg + "' does not match the hash " + hash + '.', 'DataError');
        }
        checkJwk(jwk, usages, extractable, 'sig');
      } else {
        throw error("HMAC keys can be imported only in the 'raw' and 'jwk' formats.", 'NotSupportedError');
      }
      let length = lengthOf(data) * 8;
      if (length === 0) throw error('HMAC key data must not be empty.', 'DataError');
      if (params.length !== undefined) {
        if (params.length > length || params.length <= length - 8) {
          throw error('The HMAC key length ' + params.length + ' does not fit key data of ' + lengthOf(data) + ' bytes.', 'DataError');
        }
        length = params.length;
      }
      return hmacKey(data, hash, length, extractable, usages);
    },
    exportKey(format, key) {
      if (format === 'raw') return bufferOf(copyOf(key.data));
      if (format === 'jwk') {
        return { alg: HMAC_JWK[key.algorithm.hash.name], ext: key.extractable, k: base64url(key.data), key_ops: [...key.usages], kty: 'oct' };
      }
      throw error("HMAC keys can be exported only in the 'raw' and 'jwk' formats.", 'NotSupportedError');
    },
    generateKey(params, extractable, usages) {
      checkUsages(usages, ['sign', 'verify'], 'an HMAC key');
      const length = params.length === undefined ? HASHES[params.hash.name].block : params.length;
      if (length === 0) throw error('The HMAC key length must not be zero.', 'OperationError');
      return hmacKey(fromHost(jdk.randomBytes(Math.ceil(length / 8))), params.hash.name, length, extractable, usages);
    },
    sign: (params, key, data) => bufferOf(fromHost(jdk.hmac(key.algorithm.hash.name, bufferOf(key.data), bufferOf(data)))),
    verify: (params, key, signature, data) =>
      jdk.hmacVerify(key.algorithm.hash.name, bufferOf(key.data), bufferOf(data), bufferOf(signature)),
    getKeyLength(params) {
      if (params.length === undefined) return HASHES[params.hash.name].block;
      if (params.length === 0) throw new TypeError('The HMAC key length must not be zero.');
      return params.length;
    },
  });

  const jsonParse = JSON.parse;
  const jsonStringify = JSON.stringify;
  const utf8Encode = internal.utf8Encode;

  /** Normalizes `alg` for `operation` and checks that `key` is of that algorithm and has `usage`. */
  function normalizedFor(alg, operation, key, usage) {
    const normalized = normalize(alg, operation);
    usable(key, normalized, usage);
    return normalized;
  }
  /** The standard's "import a key" with a normalized algorithm, then the empty-usages check. */
  function importNormalized(format, keyData, normalized, extractable, usages) {
    const key = ALGORITHMS[normalized.name].importKey(format, keyData, normalized, extractable, usages);
    checkNotEmpty(keyState(key));
    return key;
  }
  /** (BufferSource or JsonWebKey): buffers and views are the one, anything else is converted to the other. */
  const keyDataUnion = (keyData) =>
    (ArrayBuffer.isView(keyData) || isArrayBuffer(keyData) ? copyBytes(keyData, 'keyData') : jsonWebKey(keyData));
  /** The standard's TypeError when the key data is not of the kind the format needs. */
  function checkKeyData(format, data) {
    if (format === 'jwk' ? data instanceof Uint8Array : !(data instanceof Uint8Array)) {
      throw new TypeError(format === 'jwk' ? "keyData must be a JsonWebKey for the 'jwk' format"
        : "keyData must be a BufferSource for the '" + format + "' format");
    }
  }
  /** The standard's "export a key": a registered exporter, an extractable key, then the algorithm's steps. */
  function exportSlots(format, k) {
    const algorithm = ALGORITHMS[k.algorithm.name];
    if (typeof algorithm.exportKey !== 'function') throw error('Keys of ' + k.algorithm.name + ' cannot be exported.', 'NotSupportedError');
    if (!k.extractable) throw error('The key is not extractable.', 'InvalidAccessError');
    return algorithm.exportKey(format, k);
  }
  /** wrapKey's and unwrapKey's algorithm: normalized for the first operation, else for the second. */
  function normalizeEither(alg, first, second) {
    try {
      return normalize(alg, first);
    } catch (e) {
      return normalize(alg, second);
    }
  }

  /** encrypt, decrypt and sign: (algorithm, key, data), with a key of that algorithm having the operation as a usage. */
  function keyOperation(self, args, operation, algorithm, key, data) {
    required(self, args, 3, operation);
    const alg = algorithmIdentifier(algorithm);
    const k = cryptoKey(key, 'key');
    const bytes = copyBytes(data, 'data');
    const normalized = normalizedFor(alg, operation, k, operation);
    return ALGORITHMS[normalized.name][operation](normalized, k, bytes);
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
      return bufferOf(fromHost(jdk.digest(normalized.name, bufferOf(bytes))));
    }

    /** workerd's extension: whether two buffers of the same length are equal, in time independent of where they differ. */
    timingSafeEqual(a, b) {
      required(this, arguments, 2, 'timingSafeEqual');
      const left = copyBytes(a, 'a');
      const right = copyBytes(b, 'b');
      if (lengthOf(left) !== lengthOf(right)) throw new TypeError('Input buffers must have the same byte length.');
      return jdk.equal(bufferOf(left), bufferOf(right));
    }

    async encrypt(algorithm, key, data) {
      return keyOperation(this, arguments, 'encrypt', algorithm, key, data);
    }

    async decrypt(algorithm, key, data) {
      return keyOperation(this, arguments, 'decrypt', algorithm, key, data);
    }

    async sign(algorithm, key, data) {
      return keyOperation(this, arguments, 'sign', algorithm, key, data);
    }

    async verify(algorithm, key, signature, data) {
      required(this, arguments, 4, 'verify');
      const alg = algorithmIdentifier(algorithm);
      const k = cryptoKey(key, 'key');
      const sig = copyBytes(signature, 'signature');
      const bytes = copyBytes(data, 'data');
      const normalized = normalizedFor(alg, 'verify', k, 'verify');
      return ALGORITHMS[normalized.name].verify(normalized, k, sig, bytes);
    }

    async generateKey(algorithm, extractable, keyUsagesArg) {
      required(this, arguments, 3, 'generateKey');
      const alg = algorithmIdentifier(algorithm);
      const ext = Boolean(extractable);
      const usages = keyUsages(keyUsagesArg);
      const normalized = normalize(alg, 'generateKey');
      const result = ALGORITHMS[normalized.name].generateKey(normalized, ext, usages);
      checkNotEmpty(keyState(result) || keyState(result.privateKey));
      return result;
    }

    async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsagesArg) {
      required(this, arguments, 5, 'deriveKey');
      const alg = algorithmIdentifier(algorithm);
      const k = cryptoKey(baseKey, 'baseKey');
      const derivedType = algorithmIdentifier(derivedKeyType);
      const ext = Boolean(extractable);
      const usages = keyUsages(keyUsagesArg);
      const normalized = normalize(alg, 'deriveBits');
      const importAlgorithm = normalize(derivedType, 'importKey');
      const lengthAlgorithm = normalize(derivedType, 'get key length');
      usable(k, normalized, 'deriveKey');
      const length = ALGORITHMS[lengthAlgorithm.name].getKeyLength(lengthAlgorithm);
      const secret = new Uint8Array(ALGORITHMS[normalized.name].deriveBits(normalized, k, length));
      return importNormalized('raw', secret, importAlgorithm, ext, usages);
    }

    async deriveBits(algorithm, baseKey, length = null) {
      required(this, arguments, 2, 'deriveBits');
      const alg = algorithmIdentifier(algorithm);
      const k = cryptoKey(baseKey, 'baseKey');
      const bits = length === null || length === undefined ? null : unsignedLong(length, 'length');
      const normalized = normalizedFor(alg, 'deriveBits', k, 'deriveBits');
      return ALGORITHMS[normalized.name].deriveBits(normalized, k, bits);
    }

    async importKey(format, keyData, algorithm, extractable, keyUsagesArg) {
      required(this, arguments, 5, 'importKey');
      const fmt = keyFormat(format);
      const data = keyDataUnion(keyData);
      const alg = algorithmIdentifier(algorithm);
      const ext = Boolean(extractable);
      const usages = keyUsages(keyUsagesArg);
      const normalized = normalize(alg, 'importKey');
      checkKeyData(fmt, data);
      return importNormalized(fmt, data, normalized, ext, usages);
    }

    async exportKey(format, key) {
      required(this, arguments, 2, 'exportKey');
      const fmt = keyFormat(format);
      return exportSlots(fmt, cryptoKey(key, 'key'));
    }

    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      required(this, arguments, 4, 'wrapKey');
      const fmt = keyFormat(format);
      const k = cryptoKey(key, 'key');
      const wrapping = cryptoKey(wrappingKey, 'wrappingKey');
      const alg = algorithmIdentifier(wrapAlgorithm);
      const normalized = normalizeEither(alg, 'wrapKey', 'encrypt');
      usable(wrapping, normalized, 'wrapKey');
      const exported = exportSlots(fmt, k);
      const bytes = fmt === 'jwk' ? utf8Encode(jsonStringify(exported)) : new Uint8Array(exported);
      const algorithmOps = ALGORITHMS[normalized.name];
      return algorithmOps.wrapKey ? algorithmOps.wrapKey(normalized, wrapping, bytes) : algorithmOps.encrypt(normalized, wrapping, bytes);
    }

    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsagesArg) {
      required(this, arguments, 7, 'unwrapKey');
      const fmt = keyFormat(format);
      const wrapped = copyBytes(wrappedKey, 'wrappedKey');
      const unwrapping = cryptoKey(unwrappingKey, 'unwrappingKey');
      const alg = algorithmIdentifier(unwrapAlgorithm);
      const keyAlg = algorithmIdentifier(unwrappedKeyAlgorithm);
      const ext = Boolean(extractable);
      const usages = keyUsages(keyUsagesArg);
      const normalized = normalizeEither(alg, 'unwrapKey', 'decrypt');
      const importAlgorithm = normalize(keyAlg, 'importKey');
      usable(unwrapping, normalized, 'unwrapKey');
      const algorithmOps = ALGORITHMS[normalized.name];
      const bytes = new Uint8Array(algorithmOps.unwrapKey ? algorithmOps.unwrapKey(normalized, unwrapping, wrapped)
        : algorithmOps.decrypt(normalized, unwrapping, wrapped));
      let keyData = bytes;
      if (fmt === 'jwk') {
        // "Parse a JWK": UTF-8 JSON holding a JsonWebKey with a kty.
        let parsed;
        try {
          parsed = jsonParse(host.text.decode(bufferOf(bytes), 0, lengthOf(bytes), false));
        } catch (e) {
          throw error('The unwrapped key is not a JSON Web Key: ' + e.message, 'DataError');
        }
        keyData = jsonWebKey(parsed);
        if (keyData.kty === undefined) throw error('The unwrapped JSON Web Key has no kty.', 'DataError');
      }
      return importNormalized(fmt, keyData, importAlgorithm, ext, usages);
    }
  }

  // What the algorithm files (48-crypto-*.js) build on.
  internal.webCrypto = {
    register, normalize, normalizeHash, hashMember, HASHES, plain, error, isObject, newKey, cryptoKey, checkUsages, checkJwk, jwkBytes,
    copyBytes, copyOf, bufferOf, lengthOf, exactBuffer, has, intersection, listCopy, bigInteger, fromHost, base64url, base64urlDecode, requiredMember, unsignedLong, unsignedShort, octet,
    algorithmIdentifier, dictionary,
  };

  /**
   * workerd's crypto.DigestStream: a WritableStream whose `digest` promise gives the digest of every chunk written
   * (ArrayBuffers, views, or strings as UTF-8) once it is closed, and rejects if it is aborted or given another chunk.
   */
  class DigestStream extends WritableStream {
    #digest;
    constructor(algorithm) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'DigestStream': 1 argument required, but only 0 present.");
      }
      const normalized = normalize(algorithmIdentifier(algorithm), 'digest');
      const digester = jdk.digester(normalized.name);
      let resolve;
      let reject;
      const digest = new Promise((res, rej) => { resolve = res; reject = rej; });
      digest.catch(() => {}); // a rejection nobody asks for is not an unhandled one: the stream errors too
      super({
        write(chunk) {
          try {
            digester.update(bufferOf(copyBytes(typeof chunk === 'string' ? utf8Encode(chunk) : chunk, 'chunk')));
          } catch (e) {
            reject(e);
            throw e;
          }
        },
        close() { resolve(bufferOf(fromHost(digester.finish()))); },
        abort(reason) { reject(reason); },
      });
      this.#digest = digest;
    }
    get digest() {
      if (!(isObject(this) && #digest in this)) throw new TypeError('Illegal invocation');
      return this.#digest;
    }
  }
  Object.defineProperty(DigestStream.prototype, Symbol.toStringTag, { value: 'DigestStream', configurable: true });

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

  Object.defineProperty(Crypto.prototype, 'DigestStream', { value: DigestStream, writable: true, configurable: true });
  for (const [name, value] of Object.entries({ Crypto, SubtleCrypto, CryptoKey })) {
    Object.defineProperty(value.prototype, Symbol.toStringTag, { value: name, configurable: true });
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(global, 'crypto', { value: new Crypto(CONSTRUCT), writable: true, configurable: true, enumerable: true });
});
