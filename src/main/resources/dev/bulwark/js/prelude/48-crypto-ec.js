(function (host, internal, global) {
  'use strict';
  // Web Crypto's elliptic curve algorithms (W3C Web Cryptography API): ECDSA and ECDH on P-256, P-384 and P-521,
  // Ed25519 and X25519; import and export in the raw, spki, pkcs8 and jwk formats, generateKey, sign / verify and
  // deriveBits (deriveKey is the core's, on top of deriveBits). The standard's steps (usages, JWK members, key types,
  // lengths) are done here in their order; the keys and the primitives are the JDK's (EcHost), which only gets
  // curves checked here and ArrayBuffers the prelude owns, and answers null when it refuses key data or fails.
  const ec = host.ec;
  const {
    register, hashMember, plain, error, newKey, cryptoKey, checkUsages, checkJwk, jwkBytes, fromHost, base64url,
    requiredMember, lengthOf, intersection, listCopy, exactBuffer, bufferOf,
  } = internal.webCrypto;

  // Captured, so that a script replacing them later changes nothing here (and sees no shared secret).
  const U8 = Uint8Array;
  const ceil = Math.ceil;
  /** A host ByteBuffer as a fresh ArrayBuffer the script owns; null (the host could not) is an OperationError. */
  function hostBuffer(byteBuffer) {
    if (byteBuffer === null) throw error('The key could not be exported.', 'OperationError');
    return bufferOf(fromHost(byteBuffer));
  }

  // The NIST curves (ECDSA, ECDH) with the JWS alg that names ECDSA on each (RFC 7518 section 3.4).
  const NIST_CURVES = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
  const isNistCurve = (c) => c === 'P-256' || c === 'P-384' || c === 'P-521';

  /** EcKeyImportParams and EcKeyGenParams: { namedCurve (required DOMString) }. */
  const ecKeyParams = (type) => (alg) => ({ namedCurve: `${requiredMember(alg, 'namedCurve', type)}` });
  /** EcdhKeyDeriveParams: { public (required CryptoKey) }, kept as that key's internal slots. */
  const ecdhKeyDeriveParams = (alg) => ({ public: cryptoKey(requiredMember(alg, 'public', 'EcdhKeyDeriveParams'), "EcdhKeyDeriveParams's public") });

  function checkCurve(namedCurve) {
    if (!isNistCurve(namedCurve)) throw error("The named curve '" + namedCurve + "' is not supported (P-256, P-384 and P-521 are).", 'NotSupportedError');
  }
  function dataError(message) {
    return error(message, 'DataError');
  }

  /**
   * One family of curve keys: `name` (ECDSA, ECDH, Ed25519, X25519), its public and private usages, the JWK "use"
   * of its keys, and whether it is a NIST curve one (namedCurve in the params and in the KeyAlgorithm).
   */
  function family(name, publicUsages, privateUsages, use, nist) {
    const all = [...publicUsages, ...privateUsages];
    const what = 'an ' + name + ' ';
    const kindOf = (params) => (nist ? params.namedCurve : name);
    const algorithmOf = (kind) => (nist ? { name, namedCurve: kind } : { name });
    const key = (type, handle, kind, extractable, usages) =>
      newKey({ type, extractable, algorithm: algorithmOf(kind), usages, handle, kind });
    /** The SyntaxError of a key of this type with usages beyond its own. */
    const checkTyped = (usages, type) => checkUsages(usages, type === 'public' ? publicUsages : privateUsages, what + type + ' key');
    function need(handle, message) {
      if (handle === null || handle === undefined) throw dataError(message);
      return handle;
    }

    function importJwk(jwk, kind, extractable, usages) {
      const type = jwk.d !== undefined ? 'private' : 'public';
      checkTyped(usages, type);
      if (nist) {
        if (jwk.kty !== 'EC') throw dataError("The JWK's kty must be 'EC' for an " + name + ' key.');
        checkJwk(jwk, usages, extractable, use);
        if (jwk.crv !== kind) throw dataError("The JWK's crv '" + jwk.crv + "' is not the named curve " + kind + '.');
        if (name === 'ECDSA' && jwk.alg !== undefined && jwk.alg !== NIST_CURVES[kind]) {
          // JWA: ES256 is ECDSA on P-256, ES384 on P-384, ES512 on P-521; any other alg names another algorithm.
          throw dataError("The JWK's alg '" + jwk.alg + "' is not " + NIST_CURVES[kind] + ' (ECDSA on ' + kind + ').');
        }
      } else {
        if (jwk.kty !== 'OKP') throw dataError("The JWK's kty must be 'OKP' for an " + name + ' key.');
        if (jwk.crv !== name) throw dataError("The JWK's crv must be '" + name + "'.");
        if (name === 'Ed25519' && jwk.alg !== undefined && jwk.alg !== 'Ed25519' && jwk.alg !== 'EdDSA') {
          throw dataError("The JWK's alg '" + jwk.alg + "' is neither 'Ed25519' nor 'EdDSA'.");
        }
        checkJwk(jwk, usages, extractable, use);
      }
      const x = jwkBytes(jwk, 'x');
      const y = nist ? jwkBytes(jwk, 'y') : null;
      const d = type === 'private' ? jwkBytes(jwk, 'd') : null;
      const handle = ec.importJwk(kind, exactBuffer(x), y === null ? null : exactBuffer(y), d === null ? null : exactBuffer(d));
      need(handle, nist
        ? "The JWK is not a valid " + kind + ' ' + type + ' key (x, y' + (d ? ', d' : '') + ' of the curve\'s length, a point of the curve'
          + (d ? ', d its private key' : '') + ').'
        : 'The JWK is not a valid ' + name + ' ' + type + ' key (32-byte x' + (d ? ' and d, d the private key of x' : '') + ').');
      return key(type, handle, kind, extractable, usages);
    }

    register(name, {
      importKey: nist ? ecKeyParams('EcKeyImportParams') : plain,
      generateKey: nist ? ecKeyParams('EcKeyGenParams') : plain,
      ...(privateUsages[0] === 'sign' ? { sign: nist ? (alg) => ({ hash: hashMember(alg, 'EcdsaParams') }) : plain,
        verify: nist ? (alg) => ({ hash: hashMember(alg, 'EcdsaParams') }) : plain } : { deriveBits: ecdhKeyDeriveParams }),
    }, {
      importKey(format, keyData, params, extractable, usages) {
        const kind = kindOf(params);
        if (nist) checkCurve(kind);
        const curve = nist ? kind : name;
        if (format === 'spki') {
          checkTyped(usages, 'public');
          const handle = need(ec.importSpki(kind, exactBuffer(keyData)),
            'The key data is not a DER SubjectPublicKeyInfo of an ' + (nist ? 'id-ecPublicKey ' + kind : name) + ' public key.');
          return key('public', handle, kind, extractable, usages);
        }
        if (format === 'pkcs8') {
          checkTyped(usages, 'private');
          const handle = need(ec.importPkcs8(kind, exactBuffer(keyData)),
            'The key data is not a DER PrivateKeyInfo of an ' + (nist ? 'id-ecPublicKey ' + kind : name) + ' private key.');
          return key('private', handle, kind, extractable, usages);
        }
        if (format === 'raw') {
          checkTyped(usages, 'public');
          const handle = need(ec.importRaw(kind, exactBuffer(keyData)), nist
            ? 'The key data is not a point (0x04 || x || y, or compressed: 0x02 or 0x03 || x) of ' + curve + '.'
            : 'The key data is not the 32 bytes of an ' + name + ' public key.');
          return key('public', handle, kind, extractable, usages);
        }
        return importJwk(keyData, kind, extractable, usages);
      },

      exportKey(format, k) {
        const needType = (type) => {
          if (k.type !== type) throw error("Only a " + type + " key can be exported in the '" + format + "' format.", 'InvalidAccessError');
        };
        if (format === 'spki' || format === 'raw') {
          needType('public');
          return hostBuffer(ec.export(k.kind, k.handle, format));
        }
        if (format === 'pkcs8') {
          needType('private');
          return hostBuffer(ec.export(k.kind, k.handle, format));
        }
        // jwk: the JsonWebKey dictionary's members in its (lexicographic) order.
        const pub = k.type === 'private' ? ec.publicKey(k.kind, k.handle) : k.handle;
        if (pub === null) throw error("The private key's public key could not be computed.", 'OperationError');
        const member = (handle, m) => base64url(new U8(hostBuffer(ec.jwkMember(k.kind, handle, m))));
        // The standard names Ed25519 keys' algorithm in alg; ECDSA, ECDH and X25519 JWKs get none.
        const jwk = name === 'Ed25519' ? { alg: 'Ed25519', crv: k.kind } : { crv: k.kind };
        if (k.type === 'private') jwk.d = member(k.handle, 'd');
        jwk.ext = k.extractable;
        jwk.key_ops = listCopy(k.usages);
        jwk.kty = nist ? 'EC' : 'OKP';
        jwk.x = member(pub, 'x');
        if (nist) jwk.y = member(pub, 'y');
        return jwk;
      },

      generateKey(params, extractable, usages) {
        checkUsages(usages, all, what + 'key pair');
        const kind = kindOf(params);
        if (nist) checkCurve(kind);
        const handle = ec.generate(kind);
        const pub = handle === null ? null : ec.publicKey(kind, handle);
        if (pub === null) throw error('The ' + name + ' key pair could not be generated.', 'OperationError');
        return {
          privateKey: key('private', handle, kind, extractable, intersection(usages, privateUsages)),
          publicKey: key('public', pub, kind, true, intersection(usages, publicUsages)),
        };
      },

      ...(privateUsages[0] === 'sign' ? {
        sign(params, k, data) {
          if (k.type !== 'private') throw error('Signing needs a private key.', 'InvalidAccessError');
          const signature = ec.sign(k.handle, nist ? params.hash.name : null, exactBuffer(data));
          if (signature === null) throw error('The ' + name + ' signature failed.', 'OperationError');
          return hostBuffer(signature);
        },
        verify(params, k, signature, data) {
          if (k.type !== 'public') throw error('Verifying needs a public key.', 'InvalidAccessError');
          return ec.verify(k.handle, nist ? params.hash.name : null, exactBuffer(signature), exactBuffer(data));
        },
      } : {
        deriveBits(params, k, length) {
          if (k.type !== 'private') throw error('Deriving bits needs a private key as the base key.', 'InvalidAccessError');
          const other = params.public;
          if (other.type !== 'public') throw error("EcdhKeyDeriveParams's public must be a public key.", 'InvalidAccessError');
          if (other.algorithm.name !== k.algorithm.name) {
            throw error("EcdhKeyDeriveParams's public is an " + other.algorithm.name + ' key, not an ' + name + ' one.', 'InvalidAccessError');
          }
          if (nist && other.algorithm.namedCurve !== k.algorithm.namedCurve) {
            throw error("EcdhKeyDeriveParams's public is on " + other.algorithm.namedCurve + ', the base key on '
              + k.algorithm.namedCurve + '.', 'InvalidAccessError');
          }
          const shared = ec.agree(k.kind, k.handle, other.handle);
          if (shared === null) throw error('The ' + name + ' key agreement failed.', 'OperationError');
          const secret = fromHost(shared);
          const size = lengthOf(secret);
          if (!nist) {
            let bits = 0;
            for (let i = 0; i < size; i++) bits |= secret[i];
            if (bits === 0) throw error('The X25519 shared secret is all zeros (the public key is of small order).', 'OperationError');
          }
          if (length === null) return bufferOf(secret);
          if (length > size * 8) {
            throw error('The length ' + length + ' is longer than the ' + size * 8 + '-bit shared secret.', 'OperationError');
          }
          const bytes = ceil(length / 8);
          const out = new U8(bytes);
          for (let i = 0; i < bytes; i++) out[i] = secret[i];
          if (length % 8 !== 0) out[bytes - 1] &= (0xff << (8 - (length % 8))) & 0xff;
          return bufferOf(out);
        },
      }),
    });
  }

  family('ECDSA', ['verify'], ['sign'], 'sig', true);
  family('ECDH', [], ['deriveKey', 'deriveBits'], 'enc', true);
  family('Ed25519', ['verify'], ['sign'], 'sig', false);
  family('X25519', [], ['deriveKey', 'deriveBits'], 'enc', false);
});
