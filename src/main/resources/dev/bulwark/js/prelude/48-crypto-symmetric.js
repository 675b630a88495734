(function (host, internal, global) {
  'use strict';
  // Web Crypto's symmetric algorithms (W3C Web Cryptography API, the current editor's draft): AES-CTR, AES-CBC,
  // AES-GCM and AES-KW (keys of 128, 192 or 256 bits), and the key derivations PBKDF2 and HKDF. Each registers its
  // parameter dictionaries and operations with the core (47-crypto.js), which does the generic steps; the steps
  // here are the standard's, in its order. The ciphers and HMAC are the JDK's (SymmetricHost), which returns null
  // for a failure the standard expects; the key bytes stay in the key's slots (`data`) and go only to the JDK.
  const jdk = host.symmetric;
  const random = host.crypto;
  const {
    register, normalizeHash, HASHES, plain, error, newKey, checkUsages, checkJwk, jwkBytes, copyBytes,
    base64url, requiredMember, unsignedLong, unsignedShort, octet, algorithmIdentifier, bufferOf, lengthOf, fromHost,
    has, listCopy, exactBuffer,
  } = internal.webCrypto;

  // What this file uses of the built-ins, captured before any script runs.
  const U8 = Uint8Array;
  const NewArrayBuffer = ArrayBuffer;
  const TypedArrayPrototype = Object.getPrototypeOf(U8.prototype);
  const typedArraySet = TypedArrayPrototype.set;
  /** A Uint8Array's length, through the built-in getter whatever a script later defines on the prototype. */
  const size = lengthOf;
  const typedArrayOffset = Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get;
  const ceil = Math.ceil;
  const min = Math.min;

  /** `length` bytes of `bytes` from `offset`, in a Uint8Array over a buffer of its own. */
  function part(bytes, offset, length) {
    const out = new U8(length);
    if (length > 0) typedArraySet.call(out, new U8(bufferOf(bytes), typedArrayOffset.call(bytes) + offset, length));
    return out;
  }
  /** The bytes a host call returned (a ByteBuffer), or an OperationError saying `failure` for null. */
  function hostBytes(call, failure) {
    let result;
    try {
      result = call();
    } catch (e) {
      // Never a host exception to the script: the operation failed (and the cause is a bug in this runtime).
      throw error(failure + ' (an internal error)', 'OperationError');
    }
    if (result === null || result === undefined) throw error(failure, 'OperationError');
    return fromHost(result);
  }
  const hostCall = (call, failure) => exactBuffer(hostBytes(call, failure));

  /**
   * A BufferSource member of a parameter dictionary, as "normalize an algorithm" treats it: the WebIDL conversion
   * (a TypeError for anything else) when the member is read, the copy of its bytes after every member is converted.
   */
  function bufferSourceMember(dict, key, type, isRequired) {
    const value = isRequired ? requiredMember(dict, key, type) : dict[key];
    if (value !== undefined) copyBytes(value, type + '.' + key);
    return value;
  }
  const bytesOf = (value, what) => (value === undefined ? undefined : copyBytes(value, what));

  // AES (FIPS 197) in four modes.
  const AES_LENGTHS = [128, 192, 256];
  const CIPHER_USAGES = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'];
  const AES_MODES = {
    'AES-CTR': { jwk: 'CTR', usages: CIPHER_USAGES },
    'AES-CBC': { jwk: 'CBC', usages: CIPHER_USAGES },
    'AES-GCM': { jwk: 'GCM', usages: CIPHER_USAGES },
    'AES-KW': { jwk: 'KW', usages: ['wrapKey', 'unwrapKey'] },
  };
  const aesLengthParams = (type) => (alg) => ({ length: unsignedShort(requiredMember(alg, 'length', type), type + '.length') });

  function aesKey(name, data, extractable, usages) {
    return newKey({ type: 'secret', extractable, algorithm: { name, length: size(data) * 8 }, usages, data });
  }

  /** The import, export, generate and "get key length" steps all four AES algorithms share. */
  function aesOperations(name) {
    const { jwk: suffix, usages: allowed } = AES_MODES[name];
    const what = 'an ' + name + ' key';
    return {
      importKey(format, keyData, params, extractable, usages) {
        checkUsages(usages, allowed, what);
        let data;
        if (format === 'raw') {
          data = part(keyData, 0, size(keyData));
          if (!has(AES_LENGTHS, size(data) * 8)) {
            throw error('AES key data must be 16, 24 or 32 bytes long, not ' + size(data) + '.', 'DataError');
          }
        } else if (format === 'jwk') {
          const jwk = keyData;
          if (jwk.kty !== 'oct') throw error("The JWK's kty must be 'oct' for " + what + '.', 'DataError');
          data = jwkBytes(jwk, 'k');
          const bits = size(data) * 8;
          if (!has(AES_LENGTHS, bits)) {
            throw error("The JWK's k must be 16, 24 or 32 bytes long, not " + size(data) + '.', 'DataError');
          }
          if (jwk.alg !== undefined && jwk.alg !== 'A' + bits + suffix) {
            throw error("The JWK's alg '" + jwk.alg + "' is not A" + bits + suffix + ' for ' + what + ' of ' + bits + ' bits.', 'DataError');
          }
          checkJwk(jwk, usages, extractable, 'enc');
        } else {
          throw error(name + " keys can be imported only in the 'raw' and 'jwk' formats.", 'NotSupportedError');
        }
        return aesKey(name, data, extractable, usages);
      },
      exportKey(format, key) {
        if (format === 'raw') return exactBuffer(part(key.data, 0, size(key.data)));
        if (format === 'jwk') {
          return { alg: 'A' + key.algorithm.length + suffix, ext: key.extractable, k: base64url(key.data), key_ops: listCopy(key.usages), kty: 'oct' };
        }
        throw error(name + " keys can be exported only in the 'raw' and 'jwk' formats.", 'NotSupportedError');
      },
      generateKey(params, extractable, usages) {
        checkUsages(usages, allowed, what);
        if (!has(AES_LENGTHS, params.length)) throw error('The AES key length must be 128, 192 or 256, not ' + params.length + '.', 'OperationError');
        return aesKey(name, fromHost(random.randomBytes(params.length / 8)), extractable, usages);
      },
      getKeyLength(params) {
        if (!has(AES_LENGTHS, params.length)) throw error('The AES key length must be 128, 192 or 256, not ' + params.length + '.', 'OperationError');
        return params.length;
      },
    };
  }
  function registerAes(name, params, operations) {
    register(name, {
      importKey: plain,
      generateKey: aesLengthParams('AesKeyGenParams'),
      'get key length': aesLengthParams('AesDerivedKeyParams'),
      ...params,
    }, { ...aesOperations(name), ...operations });
  }

  // AES-CTR (SP 800-38A section 6.5, the counter incremented as in its appendix B.1 on the rightmost `length` bits).
  function aesCtr(params, key, data) {
    if (size(params.counter) !== 16) throw error('The AES-CTR counter must be 16 bytes long, not ' + size(params.counter) + '.', 'OperationError');
    if (params.length === 0 || params.length > 128) throw error('The AES-CTR counter length must be 1 to 128 bits, not ' + params.length + '.', 'OperationError');
    return hostCall(() => jdk.ctr(exactBuffer(key.data), exactBuffer(params.counter), params.length, exactBuffer(data)),
      'The data has more 16-byte blocks than a ' + params.length + '-bit counter has values (2^' + params.length + ').');
  }
  function aesCtrParams(alg) { // AesCtrParams: counter, length
    const counter = bufferSourceMember(alg, 'counter', 'AesCtrParams', true);
    const length = octet(requiredMember(alg, 'length', 'AesCtrParams'), 'AesCtrParams.length');
    return { counter: bytesOf(counter, 'counter'), length };
  }
  registerAes('AES-CTR', { encrypt: aesCtrParams, decrypt: aesCtrParams }, { encrypt: aesCtr, decrypt: aesCtr });

  // AES-CBC (SP 800-38A section 6.2) with PKCS#7 padding (RFC 2315 section 10.3).
  function checkCbcIv(params) {
    if (size(params.iv) !== 16) throw error('The AES-CBC iv must be 16 bytes long, not ' + size(params.iv) + '.', 'OperationError');
  }
  const aesCbcParams = (alg) => ({ iv: bytesOf(bufferSourceMember(alg, 'iv', 'AesCbcParams', true), 'iv') });
  registerAes('AES-CBC', { encrypt: aesCbcParams, decrypt: aesCbcParams }, {
    encrypt(params, key, data) {
      checkCbcIv(params);
      return hostCall(() => jdk.cbc(true, exactBuffer(key.data), exactBuffer(params.iv), exactBuffer(data)), 'AES-CBC encryption failed.');
    },
    decrypt(params, key, data) {
      checkCbcIv(params);
      return hostCall(() => jdk.cbc(false, exactBuffer(key.data), exactBuffer(params.iv), exactBuffer(data)),
        'The AES-CBC ciphertext is not a whole number of 16-byte blocks, or its padding is not valid.');
    },
  });

  // AES-GCM (SP 800-38D): the output is the ciphertext followed by the tag.
  const TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128];
  function aesGcmParams(alg) { // AesGcmParams: additionalData, iv, tagLength
    const additionalData = bufferSourceMember(alg, 'additionalData', 'AesGcmParams', false);
    const iv = bufferSourceMember(alg, 'iv', 'AesGcmParams', true);
    const tagValue = alg.tagLength;
    const tagLength = tagValue === undefined ? undefined : octet(tagValue, 'AesGcmParams.tagLength');
    return { additionalData: bytesOf(additionalData, 'additionalData'), iv: bytesOf(iv, 'iv'), tagLength };
  }
  function gcmTagLength(params) {
    if (params.tagLength === undefined) return 128;
    if (!has(TAG_LENGTHS, params.tagLength)) {
      throw error('The AES-GCM tagLength must be one of 32, 64, 96, 104, 112, 120 and 128, not ' + params.tagLength + '.', 'OperationError');
    }
    return params.tagLength;
  }
  function checkGcmIv(params) {
    // The standard bounds the iv at 2^64 - 1 bytes only; SP 800-38D requires at least one bit, and the JDK (like
    // browsers and Node) refuses an empty one: an OperationError.
    if (size(params.iv) === 0) throw error('The AES-GCM iv must not be empty.', 'OperationError');
  }
  const gcmAdditionalData = (params) => exactBuffer(params.additionalData === undefined ? new U8(0) : params.additionalData);
  registerAes('AES-GCM', { encrypt: aesGcmParams, decrypt: aesGcmParams }, {
    encrypt(params, key, data) {
      if (size(data) > 2 ** 36 - 32) throw error('The AES-GCM plaintext is longer than 2^39 - 256 bits.', 'OperationError');
      checkGcmIv(params);
      const tagLength = gcmTagLength(params);
      return hostCall(() => jdk.gcmEncrypt(exactBuffer(key.data), exactBuffer(params.iv), gcmAdditionalData(params), tagLength, exactBuffer(data)),
        'AES-GCM encryption failed.');
    },
    decrypt(params, key, data) {
      const tagLength = gcmTagLength(params);
      if (size(data) * 8 < tagLength) throw error('The AES-GCM ciphertext is shorter than its ' + tagLength + '-bit tag.', 'OperationError');
      checkGcmIv(params);
      return hostCall(() => jdk.gcmDecrypt(exactBuffer(key.data), exactBuffer(params.iv), gcmAdditionalData(params), tagLength, exactBuffer(data)),
        'The AES-GCM data failed authentication (wrong key, iv, additionalData or tag, or altered data).');
    },
  });

  // AES-KW (RFC 3394 with its default initial value): wrapKey and unwrapKey only, no encrypt and decrypt.
  registerAes('AES-KW', { wrapKey: plain, unwrapKey: plain }, {
    wrapKey(params, key, data) {
      if (size(data) % 8 !== 0 || size(data) < 16) {
        throw error('AES-KW wraps a whole number of 8-byte blocks, at least 16 bytes, not ' + size(data) + ' bytes.', 'OperationError');
      }
      return hostCall(() => jdk.keyWrap(true, exactBuffer(key.data), exactBuffer(data)), 'AES-KW wrapping failed.');
    },
    unwrapKey(params, key, data) {
      return hostCall(() => jdk.keyWrap(false, exactBuffer(key.data), exactBuffer(data)),
        'The AES-KW wrapped key is not a whole number of 8-byte blocks of at least 24 bytes, or fails its integrity check.');
    },
  });

  // The key derivations: secret key material that can only be imported raw, never extracted.
  const DERIVE_USAGES = ['deriveKey', 'deriveBits'];
  function derivationKey(name, keyData, extractable, usages) {
    checkUsages(usages, DERIVE_USAGES, 'a ' + name + ' key');
    if (extractable !== false) throw error(name + ' keys cannot be extractable.', 'SyntaxError');
    return newKey({ type: 'secret', extractable, algorithm: { name }, usages, data: part(keyData, 0, size(keyData)) });
  }
  const notRaw = (name) => error(name + " keys can be imported only in the 'raw' format.", 'NotSupportedError');
  /** deriveBits' common first steps: a length that is a whole number of bytes; 0 is an empty result. */
  function derivedBytes(name, length) {
    if (length === null) throw error(name + ' needs a length of bits to derive.', 'OperationError');
    if (length % 8 !== 0) throw error('The ' + name + ' length must be a multiple of 8, not ' + length + '.', 'OperationError');
    return length / 8;
  }
  const hashParam = (alg, type) => algorithmIdentifier(requiredMember(alg, 'hash', type));

  // PBKDF2 (RFC 8018 section 5.2) with HMAC.
  // Iterations per host call: the CPU budget can stop a derivation of many iterations between two calls.
  const PBKDF2_SLICE = 2048;
  register('PBKDF2', {
    importKey: plain,
    deriveBits(alg) { // Pbkdf2Params: hash, iterations, salt
      const hash = hashParam(alg, 'Pbkdf2Params');
      const iterations = unsignedLong(requiredMember(alg, 'iterations', 'Pbkdf2Params'), 'Pbkdf2Params.iterations');
      const salt = bufferSourceMember(alg, 'salt', 'Pbkdf2Params', true);
      return { hash: normalizeHash(hash, 'Pbkdf2Params'), iterations, salt: bytesOf(salt, 'salt') };
    },
    'get key length': plain,
  }, {
    importKey(format, keyData, params, extractable, usages) {
      if (format !== 'raw') throw notRaw('PBKDF2');
      return derivationKey('PBKDF2', keyData, extractable, usages);
    },
    deriveBits(params, key, length) {
      const bytes = derivedBytes('PBKDF2', length);
      if (params.iterations === 0) throw error('PBKDF2 iterations must not be zero.', 'OperationError');
      if (bytes === 0) return new NewArrayBuffer(0);
      const hash = params.hash.name;
      const hLen = HASHES[hash].bytes;
      const blocks = ceil(bytes / hLen);
      const out = new U8(blocks * hLen);
      const salt = params.salt;
      const password = exactBuffer(key.data);
      for (let i = 1; i <= blocks; i++) {
        let u = new U8(size(salt) + 4); // S || INT(i)
        typedArraySet.call(u, salt);
        u[size(salt)] = i >>> 24;
        u[size(salt) + 1] = (i >>> 16) & 0xff;
        u[size(salt) + 2] = (i >>> 8) & 0xff;
        u[size(salt) + 3] = i & 0xff;
        let t = new U8(hLen);
        for (let left = params.iterations; left > 0;) {
          const count = min(left, PBKDF2_SLICE);
          const ut = hostBytes(() => jdk.pbkdf2(hash, password, exactBuffer(u), exactBuffer(t), count), 'PBKDF2 failed.');
          u = part(ut, 0, hLen);
          t = part(ut, hLen, hLen);
          left -= count;
        }
        typedArraySet.call(out, t, (i - 1) * hLen);
      }
      return exactBuffer(part(out, 0, bytes));
    },
    getKeyLength: () => null,
  });

  // HKDF (RFC 5869) with HMAC.
  register('HKDF', {
    importKey: plain,
    deriveBits(alg) { // HkdfParams: hash, info, salt
      const hash = hashParam(alg, 'HkdfParams');
      const info = bufferSourceMember(alg, 'info', 'HkdfParams', true);
      const salt = bufferSourceMember(alg, 'salt', 'HkdfParams', true);
      return { hash: normalizeHash(hash, 'HkdfParams'), info: bytesOf(info, 'info'), salt: bytesOf(salt, 'salt') };
    },
    'get key length': plain,
  }, {
    importKey(format, keyData, params, extractable, usages) {
      if (format !== 'raw') throw notRaw('HKDF');
      return derivationKey('HKDF', keyData, extractable, usages);
    },
    deriveBits(params, key, length) {
      const bytes = derivedBytes('HKDF', length);
      if (bytes === 0) return new NewArrayBuffer(0);
      const hash = params.hash.name;
      if (bytes > 255 * HASHES[hash].bytes) {
        throw error('HKDF with ' + hash + ' derives at most ' + 255 * HASHES[hash].bytes * 8 + ' bits, not ' + length + '.', 'OperationError');
      }
      return hostCall(() => jdk.hkdf(hash, exactBuffer(key.data), exactBuffer(params.salt), exactBuffer(params.info), bytes), 'HKDF failed.');
    },
    getKeyLength: () => null,
  });
});
