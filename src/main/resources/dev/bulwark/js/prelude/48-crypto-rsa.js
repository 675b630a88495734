(function (host, internal, global) {
  'use strict';
  // Web Crypto's RSA algorithms (W3C Web Cryptography API sections on RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP):
  // importKey ('spki', 'pkcs8', 'jwk'), exportKey (the same), generateKey, sign/verify and encrypt/decrypt (thus
  // wrapKey/unwrapKey through the core), registered with the core of 47-crypto.js. The keys are the JDK's (RsaHost),
  // kept as an opaque host handle in the CryptoKey's internal slots; the checks and errors are the standard's, here.
  const rsa = host.rsa;
  const { register, normalizeHash, error, newKey, checkUsages, checkJwk, jwkBytes, copyBytes, bigInteger, fromHost,
    base64url, requiredMember, unsignedLong, algorithmIdentifier, hashMember, bufferOf, intersection, listCopy } = internal.webCrypto;
  // Every Uint8Array here is a fresh one over a whole buffer of its own: bufferOf gives that buffer.
  const EMPTY = new ArrayBuffer(0);
  /**
   * The modulus lengths generateKey supports (RsaHost.MIN_BITS, MAX_GENERATED_BITS): from the JDK's least to 4096, as
   * generation runs uninterruptibly in the JDK (8192 bits take seconds). Imported keys may have up to 16384 bits.
   */
  const MIN_BITS = 512;
  const MAX_BITS = 4096;


  // Per algorithm: the usages of its public and private keys, the JWK "use", and the JWK "alg" of each hash.
  const FAMILY = {
    'RSASSA-PKCS1-v1_5': { pub: ['verify'], priv: ['sign'], use: 'sig',
      alg: { 'SHA-1': 'RS1', 'SHA-256': 'RS256', 'SHA-384': 'RS384', 'SHA-512': 'RS512' } },
    'RSA-PSS': { pub: ['verify'], priv: ['sign'], use: 'sig',
      alg: { 'SHA-1': 'PS1', 'SHA-256': 'PS256', 'SHA-384': 'PS384', 'SHA-512': 'PS512' } },
    'RSA-OAEP': { pub: ['encrypt', 'wrapKey'], priv: ['decrypt', 'unwrapKey'], use: 'enc',
      alg: { 'SHA-1': 'RSA-OAEP', 'SHA-256': 'RSA-OAEP-256', 'SHA-384': 'RSA-OAEP-384', 'SHA-512': 'RSA-OAEP-512' } },
  };
  for (const name of Object.keys(FAMILY)) FAMILY[name].all = [...FAMILY[name].priv, ...FAMILY[name].pub];
  const HASH_NAMES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
  const CRT = ['p', 'q', 'dp', 'dq', 'qi'];

  /** RsaHashedImportParams: { hash }. */
  const importParams = (alg) => ({ hash: hashMember(alg, 'RsaHashedImportParams') });
  /** RsaHashedKeyGenParams: RsaKeyGenParams' modulusLength and publicExponent, then hash, then hash normalized. */
  function keyGenParams(alg) {
    const type = 'RsaHashedKeyGenParams';
    const modulusLength = unsignedLong(requiredMember(alg, 'modulusLength', type), type + '.modulusLength');
    const publicExponent = bigInteger(requiredMember(alg, 'publicExponent', type), type + '.publicExponent');
    const hash = algorithmIdentifier(requiredMember(alg, 'hash', type));
    return { modulusLength, publicExponent, hash: normalizeHash(hash, 'RsaHashedKeyGenParams') };
  }
  /** RsaPssParams: { saltLength }. */
  const pssParams = (alg) => ({ saltLength: unsignedLong(requiredMember(alg, 'saltLength', 'RsaPssParams'), 'RsaPssParams.saltLength') });
  /** RsaOaepParams: { label } (optional). */
  function oaepParams(alg) {
    const label = alg.label;
    return label === undefined ? {} : { label: copyBytes(label, 'RsaOaepParams.label') };
  }

  /** A CryptoKey of an RSA host key, with its RsaHashedKeyAlgorithm. */
  function rsaKey(name, hash, type, handle, extractable, usages) {
    const algorithm = { name, modulusLength: rsa.modulusLength(handle), publicExponent: fromHost(rsa.component(handle, 'e')),
      hash: { name: hash } };
    return newKey({ type, extractable, algorithm, usages, handle });
  }
  /** A host import's result: the key handle, or a DataError with the host's reason. */
  function imported(result) {
    if (typeof result === 'string') throw error('Invalid RSA key data: ' + result + '.', 'DataError');
    return result;
  }

  function importKey(format, keyData, params, extractable, usages) {
    const name = params.name;
    const family = FAMILY[name];
    const what = 'an ' + name + ' ';
    let type;
    let handle;
    if (format === 'spki') {
      checkUsages(usages, family.pub, what + 'public key');
      handle = imported(rsa.importSpki(bufferOf(keyData)));
      type = 'public';
    } else if (format === 'pkcs8') {
      checkUsages(usages, family.priv, what + 'private key');
      handle = imported(rsa.importPkcs8(bufferOf(keyData)));
      type = 'private';
    } else if (format === 'jwk') {
      const jwk = keyData;
      const isPrivate = jwk.d !== undefined;
      checkUsages(usages, isPrivate ? family.priv : family.pub, what + (isPrivate ? 'private key' : 'public key'));
      if (jwk.kty !== 'RSA') throw error("The JWK's kty must be 'RSA' for an " + name + ' key.', 'DataError');
      checkJwk(jwk, usages, extractable, family.use);
      if (jwk.alg !== undefined) {
        let hash;
        for (let i = 0; i < HASH_NAMES.length; i++) if (family.alg[HASH_NAMES[i]] === jwk.alg) hash = HASH_NAMES[i];
        if (hash === undefined) throw error("The JWK's alg '" + jwk.alg + "' is not one of " + name + "'s.", 'DataError');
        // The standard normalizes the alg's hash for digest and compares it with the key's: the same name here.
        if (hash !== params.hash.name) {
          throw error("The JWK's alg '" + jwk.alg + "' does not match the hash " + params.hash.name + '.', 'DataError');
        }
      }
      const n = jwkBytes(jwk, 'n');
      const e = jwkBytes(jwk, 'e');
      if (isPrivate) {
        // JWA section 6.3.2: d is required; p, q, dp, dq, qi are all present or all absent; oth only for more than two
        // primes, which the JDK (and so Bulwark) does not support.
        if (jwk.oth !== undefined) throw error('Multi-prime RSA keys (a JWK with oth) are not supported.', 'DataError');
        const d = jwkBytes(jwk, 'd');
        let present = 0;
        for (let i = 0; i < CRT.length; i++) if (jwk[CRT[i]] !== undefined) present++;
        if (present === 0) {
          handle = imported(rsa.importPrivate(bufferOf(n), bufferOf(e), bufferOf(d), null, null, null, null, null));
        } else if (present === 5) {
          handle = imported(rsa.importPrivate(bufferOf(n), bufferOf(e), bufferOf(d), bufferOf(jwkBytes(jwk, 'p')), bufferOf(jwkBytes(jwk, 'q')),
            bufferOf(jwkBytes(jwk, 'dp')), bufferOf(jwkBytes(jwk, 'dq')), bufferOf(jwkBytes(jwk, 'qi'))));
        } else {
          throw error("A private JWK with any of p, q, dp, dq, qi must have all of them (JWA section 6.3.2).", 'DataError');
        }
        type = 'private';
      } else {
        handle = imported(rsa.importPublic(bufferOf(n), bufferOf(e)));
        type = 'public';
      }
    } else {
      throw error(name + " keys can be imported only in the 'spki', 'pkcs8' and 'jwk' formats.", 'NotSupportedError');
    }
    return rsaKey(name, params.hash.name, type, handle, extractable, usages);
  }

  function exportKey(format, key) {
    const handle = key.handle;
    if (format === 'spki' || format === 'pkcs8') {
      const wanted = format === 'spki' ? 'public' : 'private';
      if (key.type !== wanted) throw error("Only " + wanted + " keys can be exported in the '" + format + "' format.", 'InvalidAccessError');
      return bufferOf(fromHost(rsa.encoded(handle)));
    }
    if (format === 'jwk') {
      const member = (m) => base64url(fromHost(rsa.component(handle, m)));
      const isPrivate = key.type === 'private';
      const keyOps = listCopy(key.usages);
      // JsonWebKey's members in the dictionary's (lexicographic) order.
      const jwk = { alg: FAMILY[key.algorithm.name].alg[key.algorithm.hash.name] };
      if (isPrivate) {
        jwk.d = member('d');
        jwk.dp = member('dp');
        jwk.dq = member('dq');
      }
      jwk.e = member('e');
      jwk.ext = key.extractable;
      jwk.key_ops = keyOps;
      jwk.kty = 'RSA';
      jwk.n = member('n');
      if (isPrivate) {
        jwk.p = member('p');
        jwk.q = member('q');
        jwk.qi = member('qi');
      }
      return jwk;
    }
    throw error(key.algorithm.name + " keys can be exported only in the 'spki', 'pkcs8' and 'jwk' formats.", 'NotSupportedError');
  }

  function generateKey(params, extractable, usages) {
    const name = params.name;
    const family = FAMILY[name];
    checkUsages(usages, family.all, 'an ' + name + ' key pair');
    const bits = params.modulusLength;
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw error('RSA keys of ' + bits + ' bits are not supported (' + MIN_BITS + ' to ' + MAX_BITS + ' bits).', 'OperationError');
    }
    const privateHandle = rsa.generate(bits, bufferOf(params.publicExponent));
    if (privateHandle === null) {
      throw error('The public exponent is not supported (an odd integer from 3 to 2^64 - 1, e.g. 65537).', 'OperationError');
    }
    const publicKey = rsaKey(name, params.hash.name, 'public', rsa.publicOf(privateHandle), true, intersection(usages, family.pub));
    const privateKey = rsaKey(name, params.hash.name, 'private', privateHandle, extractable, intersection(usages, family.priv));
    return { privateKey, publicKey }; // CryptoKeyPair's members in lexicographic order
  }

  function needType(key, type, operation) {
    if (key.type !== type) throw error(operation + ' needs the ' + type + ' key of the pair.', 'InvalidAccessError');
  }
  /** sign and verify of RSASSA-PKCS1-v1_5 (salt -1) and RSA-PSS (params.saltLength). */
  function signer(pss) {
    return {
      sign(params, key, data) {
        needType(key, 'private', 'sign');
        const signature = rsa.sign(key.algorithm.hash.name, pss ? params.saltLength : -1, key.handle, bufferOf(data));
        if (signature === null) {
          throw error(pss ? 'The salt length ' + params.saltLength + ' is too long for this key and hash.' : 'The signing failed.', 'OperationError');
        }
        return bufferOf(fromHost(signature));
      },
      verify(params, key, signature, data) {
        needType(key, 'public', 'verify');
        return rsa.verify(key.algorithm.hash.name, pss ? params.saltLength : -1, key.handle, bufferOf(signature), bufferOf(data)) === true;
      },
    };
  }

  const common = { importKey: importParams, generateKey: keyGenParams };
  register('RSASSA-PKCS1-v1_5', { ...common, sign: () => ({}), verify: () => ({}) },
    { importKey, exportKey, generateKey, ...signer(false) });
  register('RSA-PSS', { ...common, sign: pssParams, verify: pssParams }, { importKey, exportKey, generateKey, ...signer(true) });
  register('RSA-OAEP', { ...common, encrypt: oaepParams, decrypt: oaepParams }, {
    importKey,
    exportKey,
    generateKey,
    encrypt(params, key, data) {
      needType(key, 'public', 'encrypt');
      const out = rsa.encrypt(key.algorithm.hash.name, key.handle, params.label === undefined ? EMPTY : bufferOf(params.label), bufferOf(data));
      if (out === null) throw error('The plaintext is too long for this RSA-OAEP key and hash.', 'OperationError');
      return bufferOf(fromHost(out));
    },
    decrypt(params, key, data) {
      needType(key, 'private', 'decrypt');
      const out = rsa.decrypt(key.algorithm.hash.name, key.handle, params.label === undefined ? EMPTY : bufferOf(params.label), bufferOf(data));
      if (out === null) throw error('The data could not be decrypted with this RSA-OAEP key and label.', 'OperationError');
      return bufferOf(fromHost(out));
    },
  });
});
