package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.NodeJs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web Crypto's elliptic curve algorithms in a real isolate: ECDSA against RFC 6979 (A.2.5, A.2.6) and the ES256 JWS
 * of RFC 7515 (A.3), ECDH against RFC 5903 (8.1), Ed25519 against RFC 8032 (7.1), X25519 against RFC 7748 (6.1);
 * every format's import and export, the standard's errors, and interop both ways with Node.js's webcrypto.
 */
class CryptoEcTest {
  /** Helpers every script here starts with (hex, bytes, base64url, an outcome that names a rejection). */
  private static final String HELPERS = CryptoScripts.HELPERS + """
      const s = crypto.subtle;
      const cat = (...parts) => unhex(parts.join(''));
      // DER prefixes of SubjectPublicKeyInfo (before the point or key) and PrivateKeyInfo (before d).
      const SPKI = { 'P-256': '3059301306072a8648ce3d020106082a8648ce3d030107034200',
        'P-384': '3076301006072a8648ce3d020106052b81040022036200', Ed25519: '302a300506032b6570032100',
        X25519: '302a300506032b656e032100' };
      const PKCS8 = { 'P-256': '3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420',
        'P-384': '304e020100301006072a8648ce3d020106052b81040022043730350201010430', Ed25519: '302e020100300506032b657004220420',
        X25519: '302e020100300506032b656e04220420' };
      """;

  private static JsonObject run(String body) throws Exception {
    return (JsonObject) JsHarness.eval(HELPERS + body);
  }

  // RFC 6979 A.2.5 (P-256) and A.2.6 (P-384): the key, and the signatures r || s of "sample" and "test".
  private static final String P256_D = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
  private static final String P256_Q = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
      + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
  private static final String P384_D = "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d8"
      + "96d5724e4c70a825f872c9ea60d2edf5";
  private static final String P384_Q = "04ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64"
      + "def8f0ea9055866064a254515480bc138015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1"
      + "288b231c3ae0d4fe7344fd2533264720";
  private static final String RFC6979 = """
      const vectors = [
        ['P-256', 'SHA-256', 'sample', 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716'
          + 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'],
        ['P-256', 'SHA-256', 'test', 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367'
          + '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083'],
        ['P-384', 'SHA-384', 'sample', '94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46'
          + '99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8'],
        ['P-384', 'SHA-384', 'test', '8203b63d3c853e8d77227fb377bcf7b7b772e97892a80f36ab775d509d7a5feb0542a7f0812998da8f1dd3ca3cf023db'
          + 'ddd0760448d42d8a43af45af836fce4de8be06b485e9b61b827c2f13173923e06a739f040649a667bf3b828246baa5a5'],
        ['P-384', 'SHA-256', 'sample', '21b13d1e013c7fa1392d03c5f99af8b30c570c6f98d4ea8e354b63a21d3daa33bde1e888e63355d92fa2b3c36d8fb2cd'
          + 'f3aa443fb107745bf4bd77cb3891674632068a10ca67e3d45db2266fa7d1feebefdc63eccd1ac42ec0cb8668a4fa0ab0'],
      ];
      """;

  @Test
  void ecdsaVerifiesRfc6979AndRfc7515AndSignsRoundTrip() throws Exception {
    JsonObject o = run(RFC6979 + """
        const keys = { 'P-256': ['%s', '%s'], 'P-384': ['%s', '%s'] };
        const alg = (crv) => ({ name: 'ECDSA', namedCurve: crv });
        const out = {};
        for (const [crv, hash, message, signature] of vectors) {
          const [d, q] = keys[crv];
          const point = unhex(q);
          const n = (point.length - 1) / 2;
          const jwk = { kty: 'EC', crv, x: b64u(point.subarray(1, 1 + n)), y: b64u(point.subarray(1 + n)) };
          const publics = [await s.importKey('raw', point, alg(crv), true, ['verify']),
            await s.importKey('spki', cat(SPKI[crv], q), alg(crv), true, ['verify']),
            await s.importKey('jwk', jwk, alg(crv), true, ['verify'])];
          const ecdsa = { name: 'ECDSA', hash };
          const sig = unhex(signature);
          const tampered = sig.slice(); tampered[5] ^= 1;
          const checks = [];
          for (const k of publics) {
            checks.push(await s.verify(ecdsa, k, sig, utf8(message)));
            checks.push(await s.verify(ecdsa, k, tampered, utf8(message)));
            checks.push(await s.verify(ecdsa, k, sig, utf8(message + '.')));
            checks.push(await s.verify(ecdsa, k, sig.subarray(0, sig.length - 1), utf8(message)));
            checks.push(await s.verify(ecdsa, k, cat(signature, '00'), utf8(message)));
            checks.push(await s.verify(ecdsa, k, new Uint8Array(sig.length), utf8(message)));
            checks.push(await s.verify({ name: 'ECDSA', hash: hash === 'SHA-256' ? 'SHA-512' : 'SHA-256' }, k, sig, utf8(message)));
          }
          // The private key from pkcs8 and from jwk: its signatures (randomized) verify, its JWK is the RFC's key.
          const fromPkcs8 = await s.importKey('pkcs8', cat(PKCS8[crv], d), alg(crv), true, ['sign']);
          const fromJwk = await s.importKey('jwk', { ...jwk, d: b64u(unhex(d)) }, alg(crv), true, ['sign']);
          for (const k of [fromPkcs8, fromJwk]) {
            const mine = await s.sign(ecdsa, k, utf8(message));
            checks.push(mine.byteLength === sig.length, await s.verify(ecdsa, publics[0], mine, utf8(message)));
            const exported = await s.exportKey('jwk', k);
            checks.push(exported.x === jwk.x && exported.y === jwk.y && exported.d === b64u(unhex(d)));
          }
          out[crv + ' ' + hash + ' ' + message] = checks;
        }
        // RFC 7515 A.3: an ES256 JWS and its public key as a JWK (with the members a JWKS has).
        const jwsPublic = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'A.3' };
        const input = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';
        const jws = unb64u('DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q');
        const verifier = await s.importKey('jwk', { ...jwsPublic, alg: 'ES256', use: 'sig', key_ops: ['verify'] }, alg('P-256'), false, ['verify']);
        const es256 = { name: 'ECDSA', hash: 'SHA-256' };
        out.jws = [await s.verify(es256, verifier, jws, utf8(input)), await s.verify(es256, verifier, jws, utf8(input + 'x')),
          await s.verify(es256, verifier, jws, utf8(input.replace('.', ''))),
          await s.verify({ name: 'ECDSA', hash: 'SHA-384' }, verifier, jws, utf8(input))];
        // P-521: a generated pair, all hashes; the signature is 132 bytes.
        const p521 = await s.generateKey(alg('P-521'), false, ['sign', 'verify']);
        out.p521 = [];
        for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
          const sig = await s.sign({ name: 'ECDSA', hash }, p521.privateKey, utf8('m'));
          out.p521.push(sig.byteLength, await s.verify({ name: 'ECDSA', hash }, p521.publicKey, sig, utf8('m')));
        }
        return out;
        """.formatted(P256_D, P256_Q, P384_D, P384_Q));
    JsonArray expected = new JsonArray();
    for (int i = 0; i < 3; i++) {
      expected.add(true).add(false).add(false).add(false).add(false).add(false).add(false);
    }
    expected.add(true).add(true).add(true).add(true).add(true).add(true);
    for (String name : new String[] {"P-256 SHA-256 sample", "P-256 SHA-256 test", "P-384 SHA-384 sample",
        "P-384 SHA-384 test", "P-384 SHA-256 sample"}) {
      assertEquals(expected, o.getJsonArray(name), name);
    }
    assertEquals(new JsonArray().add(true).add(false).add(false).add(false), o.getJsonArray("jws"));
    assertEquals(new JsonArray().add(132).add(true).add(132).add(true).add(132).add(true).add(132).add(true),
        o.getJsonArray("p521"));
  }

  @Test
  void ed25519MatchesRfc8032() throws Exception {
    JsonObject o = run("""
        const vectors = [
          ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', ''],
          ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72'],
          ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82'],
        ];
        const out = [];
        for (const [d, x, message] of vectors) {
          const r = {};
          const fromPkcs8 = await s.importKey('pkcs8', cat(PKCS8.Ed25519, d), 'Ed25519', true, ['sign']);
          const fromJwk = await s.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: b64u(unhex(x)), d: b64u(unhex(d)), alg: 'EdDSA' },
            { name: 'ed25519' }, true, ['sign']);
          r.signatures = [hex(await s.sign('Ed25519', fromPkcs8, unhex(message))), hex(await s.sign({ name: 'Ed25519' }, fromJwk, unhex(message)))];
          r.jwk = await s.exportKey('jwk', fromPkcs8);
          r.pkcs8 = hex(await s.exportKey('pkcs8', fromJwk));
          const publics = [await s.importKey('raw', unhex(x), 'Ed25519', true, ['verify']),
            await s.importKey('spki', cat(SPKI.Ed25519, x), 'Ed25519', true, ['verify']),
            await s.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: b64u(unhex(x)), alg: 'Ed25519' }, 'Ed25519', true, ['verify'])];
          const sig = unhex(r.signatures[0]);
          const tampered = sig.slice(); tampered[40] ^= 0x10;
          r.verify = [];
          for (const k of publics) {
            r.verify.push(await s.verify('Ed25519', k, sig, unhex(message)), await s.verify('Ed25519', k, tampered, unhex(message)),
              await s.verify('Ed25519', k, sig, cat(message, '00')), await s.verify('Ed25519', k, sig.subarray(0, 63), unhex(message)));
          }
          r.exports = [hex(await s.exportKey('raw', publics[2])), hex(await s.exportKey('spki', publics[0]))];
          out.push(r);
        }
        // The standard's small-order checks: a public key or an R of small order never verifies. Both signatures
        // below satisfy RFC 8032's (cofactorless) equation: [S]B = R + [k]A with A = R = the identity and S = 0, and
        // with R = the identity, A the key of TEST 1 and S = k * a.
        const identity = cat('01', '00'.repeat(31));
        const identityKey = await s.importKey('raw', identity, 'Ed25519', false, ['verify']);
        const L = 2n ** 252n + 27742317777372353535851937790883648493n;
        const le = (b) => b.reduceRight((n, x) => n * 256n + BigInt(x), 0n);
        const h = new Uint8Array(await s.digest('SHA-512', unhex(vectors[0][0])));
        const a0 = h.slice(0, 32); a0[0] &= 248; a0[31] &= 127; a0[31] |= 64;
        const forged = utf8('forged');
        const k = le(new Uint8Array(await s.digest('SHA-512', new Uint8Array([...identity, ...unhex(vectors[0][1]), ...forged])))) % L;
        let sn = (k * le(a0)) % L;
        const sBytes = new Uint8Array(32);
        for (let i = 0; i < 32; i++) { sBytes[i] = Number(sn & 255n); sn >>= 8n; }
        const test1 = await s.importKey('raw', unhex(vectors[0][1]), 'Ed25519', false, ['verify']);
        const rSig = new Uint8Array([...identity, ...sBytes]);
        return { out, smallOrder: [await s.verify('Ed25519', identityKey, cat('01', '00'.repeat(63)), utf8('any message')),
          await s.verify('Ed25519', test1, rSig, forged)] };
        """);
    String[][] vectors = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"}};
    JsonArray out = o.getJsonArray("out");
    for (int i = 0; i < vectors.length; i++) {
      JsonObject r = out.getJsonObject(i);
      String d = vectors[i][0];
      String x = vectors[i][1];
      assertEquals(new JsonArray().add(vectors[i][2]).add(vectors[i][2]), r.getJsonArray("signatures"), "TEST " + (i + 1));
      assertEquals(new JsonObject().put("alg", "Ed25519").put("crv", "Ed25519").put("d", b64u(d)).put("ext", true)
          .put("key_ops", new JsonArray().add("sign")).put("kty", "OKP").put("x", b64u(x)), r.getJsonObject("jwk"));
      assertEquals("302e020100300506032b657004220420" + d, r.getString("pkcs8"));
      JsonArray verify = new JsonArray();
      for (int k = 0; k < 3; k++) {
        verify.add(true).add(false).add(false).add(false);
      }
      assertEquals(verify, r.getJsonArray("verify"));
      assertEquals(new JsonArray().add(x).add("302a300506032b6570032100" + x), r.getJsonArray("exports"));
    }
    assertEquals(new JsonArray().add(false).add(false), o.getJsonArray("smallOrder"));
  }

  private static String b64u(String hex) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.HexFormat.of().parseHex(hex));
  }

  @Test
  void x25519AndEcdhMatchRfc7748AndRfc5903() throws Exception {
    JsonObject o = run("""
        const x = (alg) => ({ name: 'X25519', ...alg });
        const a = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
        const aPub = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
        const b = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';
        const bPub = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
        const alice = await s.importKey('pkcs8', cat(PKCS8.X25519, a), 'X25519', true, ['deriveBits', 'deriveKey']);
        const bob = await s.importKey('jwk', { kty: 'OKP', crv: 'X25519', d: b64u(unhex(b)), x: b64u(unhex(bPub)), use: 'enc' }, 'X25519', true, ['deriveBits']);
        const alicePublic = await s.importKey('spki', cat(SPKI.X25519, aPub), 'X25519', true, []);
        const bobPublic = await s.importKey('raw', unhex(bPub), 'X25519', true, []);
        const out = {
          ab: await outcome(() => s.deriveBits({ name: 'X25519', public: bobPublic }, alice, 256)),
          ba: await outcome(() => s.deriveBits({ name: 'x25519', public: alicePublic }, bob, null)),
          aliceJwk: await s.exportKey('jwk', alice),
          bobPkcs8: hex(await s.exportKey('pkcs8', bob)),
          short: await outcome(() => s.deriveBits({ name: 'X25519', public: bobPublic }, alice, 12)),
          zero: await outcome(() => s.deriveBits({ name: 'X25519', public: bobPublic }, alice, 0)),
          long: await outcome(() => s.deriveBits({ name: 'X25519', public: bobPublic }, alice, 264)),
          // u = 0 and u = 1 are of small order: the shared secret is all zeros.
          smallOrder0: await outcome(async () => s.deriveBits({ name: 'X25519', public: await s.importKey('raw', new Uint8Array(32), 'X25519', false, []) }, alice, null)),
          smallOrder1: await outcome(async () => s.deriveBits({ name: 'X25519', public: await s.importKey('raw', cat('01', '00'.repeat(31)), 'X25519', false, []) }, alice, null)),
          // deriveKey into an HMAC key through the core: 256 bits fit, HMAC-SHA-256's default 512 do not.
          hmac: await outcome(async () => hex(await s.exportKey('raw', await s.deriveKey({ name: 'X25519', public: bobPublic }, alice,
            { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign'])))),
          hmacDefault: await outcome(() => s.deriveKey({ name: 'X25519', public: bobPublic }, alice, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
        };
        // RFC 5903 8.1: ECDH on P-256, i's key as a JWK, r's public key raw.
        const ecdh = (crv) => ({ name: 'ECDH', namedCurve: crv });
        const i = await s.importKey('jwk', { kty: 'EC', crv: 'P-256', alg: 'anything', d: b64u(unhex('c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433')),
          x: b64u(unhex('dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180')),
          y: b64u(unhex('5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3')) }, ecdh('P-256'), true, ['deriveBits', 'deriveKey']);
        const r = await s.importKey('raw', unhex('04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63'
          + '56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab'), ecdh('P-256'), true, []);
        out.rfc5903 = [await outcome(() => s.deriveBits({ name: 'ECDH', public: r }, i, null)),
          await outcome(() => s.deriveBits({ name: 'ECDH', public: r }, i, 252)),
          await outcome(() => s.deriveBits({ name: 'ECDH', public: r }, i, 8)),
          await outcome(() => s.deriveBits({ name: 'ECDH', public: r }, i, 257)),
          await outcome(async () => hex(await s.exportKey('raw', await s.deriveKey({ name: 'ECDH', public: r }, i,
            { name: 'HMAC', hash: 'SHA-1', length: 256 }, true, ['verify']))))];
        // Generated pairs agree on every curve; the secret is the curve's coordinate length.
        out.pairs = {};
        for (const crv of ['P-256', 'P-384', 'P-521']) {
          const p = await s.generateKey(ecdh(crv), true, ['deriveBits']);
          const q = await s.generateKey(ecdh(crv), true, ['deriveBits']);
          const pq = await s.deriveBits({ name: 'ECDH', public: q.publicKey }, p.privateKey, null);
          const qp = await s.deriveBits({ name: 'ECDH', public: p.publicKey }, q.privateKey, null);
          out.pairs[crv] = [pq.byteLength, hex(pq) === hex(qp)];
        }
        // The public key's checks, in the standard's order.
        const p256 = await s.generateKey(ecdh('P-256'), false, ['deriveBits']);
        const p384 = await s.generateKey(ecdh('P-384'), false, ['deriveBits']);
        const ecdsa = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
        const x25519 = await s.generateKey('X25519', false, ['deriveBits']);
        const derive = (alg, key) => outcome(() => s.deriveBits(alg, key, 128));
        out.errors = {
          otherCurve: await derive({ name: 'ECDH', public: p384.publicKey }, p256.privateKey),
          privateAsPublic: await derive({ name: 'ECDH', public: p256.privateKey }, p256.privateKey),
          ecdsaPublic: await derive({ name: 'ECDH', public: ecdsa.publicKey }, p256.privateKey),
          x25519Public: await derive({ name: 'ECDH', public: x25519.publicKey }, p256.privateKey),
          ecdhIntoX25519: await derive({ name: 'X25519', public: p256.publicKey }, x25519.privateKey),
          noPublic: await derive({ name: 'ECDH' }, p256.privateKey),
          notAKey: await derive({ name: 'ECDH', public: { type: 'public' } }, p256.privateKey),
          publicBase: await derive({ name: 'ECDH', public: p256.publicKey }, p256.publicKey),
          wrongAlgorithm: await derive({ name: 'X25519', public: x25519.publicKey }, p256.privateKey),
          ecdsaBase: await outcome(() => s.deriveBits({ name: 'ECDSA', public: p256.publicKey }, ecdsa.privateKey, 128)),
        };
        return out;
        """);
    String k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(k, o.getString("ab"));
    assertEquals(k, o.getString("ba"));
    assertEquals(new JsonObject().put("crv", "X25519").put("d", b64u("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        .put("ext", true).put("key_ops", new JsonArray().add("deriveKey").add("deriveBits")).put("kty", "OKP")
        .put("x", b64u("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")), o.getJsonObject("aliceJwk"));
    assertEquals("302e020100300506032b656e04220420" + "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        o.getString("bobPkcs8"));
    assertEquals("4a50", o.getString("short")); // 0x4a5d, its last 4 bits cleared
    assertEquals("", o.getString("zero"));
    assertEquals("OperationError/0", o.getString("long"));
    assertEquals("OperationError/0", o.getString("smallOrder0"));
    assertEquals("OperationError/0", o.getString("smallOrder1"));
    assertEquals(k, o.getString("hmac"));
    assertEquals("OperationError/0", o.getString("hmacDefault"));
    String z = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
    assertEquals(new JsonArray().add(z).add(z.substring(0, 62) + "d0").add("d6").add("OperationError/0").add(z),
        o.getJsonArray("rfc5903"));
    assertEquals(new JsonObject().put("P-256", new JsonArray().add(32).add(true)).put("P-384", new JsonArray().add(48).add(true))
        .put("P-521", new JsonArray().add(66).add(true)), o.getJsonObject("pairs"));
    assertEquals(new JsonObject(Map.of("otherCurve", "InvalidAccessError/15", "privateAsPublic", "InvalidAccessError/15",
        "ecdsaPublic", "InvalidAccessError/15", "x25519Public", "InvalidAccessError/15", "ecdhIntoX25519", "InvalidAccessError/15",
        "noPublic", "TypeError", "notAKey", "TypeError", "publicBase", "InvalidAccessError/15", "wrongAlgorithm", "InvalidAccessError/15",
        "ecdsaBase", "NotSupportedError/9")), o.getJsonObject("errors"));
  }

  @Test
  void importRefusesBadKeyDataWithTheStandardsErrors() throws Exception {
    JsonObject o = run("""
        const ecdsa = (crv = 'P-256') => ({ name: 'ECDSA', namedCurve: crv });
        const ecdh = (crv = 'P-256') => ({ name: 'ECDH', namedCurve: crv });
        const p256 = await s.generateKey(ecdsa(), true, ['sign', 'verify']);
        const p384 = await s.generateKey(ecdsa('P-384'), true, ['sign', 'verify']);
        const ed = await s.generateKey('Ed25519', true, ['sign', 'verify']);
        const xk = await s.generateKey('X25519', true, ['deriveBits']);
        const other = await s.generateKey(ecdsa(), true, ['sign']);
        const raw = new Uint8Array(await s.exportKey('raw', p256.publicKey));
        const spki = new Uint8Array(await s.exportKey('spki', p256.publicKey));
        const pkcs8 = new Uint8Array(await s.exportKey('pkcs8', p256.privateKey));
        const jwk = await s.exportKey('jwk', p256.privateKey);
        const { d, ...pub } = jwk;
        const otherD = (await s.exportKey('jwk', other.privateKey)).d;
        const edJwk = await s.exportKey('jwk', ed.privateKey);
        const { d: edD, ...edPub } = edJwk;
        const xJwk = await s.exportKey('jwk', xk.privateKey);
        const offCurve = raw.slice(); offCurve[64] ^= 1;
        const compressed = new Uint8Array([2 + (raw[64] & 1), ...raw.subarray(1, 33)]);
        const imp = (format, data, alg, usages, extractable = true) => outcome(async () => (await s.importKey(format, data, alg, extractable, usages)).type);
        const bump = (t) => b64u(unb64u(t).map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b)));
        return {
          ok: [await imp('raw', raw, ecdsa(), ['verify']), await imp('spki', spki, ecdh(), []), await imp('pkcs8', pkcs8, ecdh(), ['deriveBits']),
            await imp('jwk', jwk, ecdsa(), ['sign']), await imp('jwk', { ...jwk, alg: 'ES256', use: 'sig', key_ops: ['sign', 'verify'], ext: true }, ecdsa(), ['sign']),
            await imp('jwk', { ...pub, alg: 'whatever', use: 'enc' }, ecdh(), []), await imp('jwk', { ...pub, use: 'enc' }, ecdsa(), [], true),
            await imp('jwk', { ...edJwk, alg: 'EdDSA' }, 'Ed25519', ['sign']), await imp('jwk', { ...xJwk, alg: 'whatever' }, 'X25519', ['deriveBits'])],
          curves: [await imp('raw', raw, ecdsa('P-192'), ['verify']), await imp('jwk', jwk, ecdh('secp256k1'), ['deriveBits']),
            await imp('spki', spki, ecdsa('p-256'), ['verify']), await imp('raw', raw, { name: 'ECDSA' }, ['verify']),
            await outcome(() => s.generateKey(ecdsa('P-192'), true, ['sign'])), await outcome(() => s.generateKey(ecdsa('P-192'), true, ['encrypt'])),
            await outcome(() => s.generateKey({ name: 'ECDH' }, true, ['deriveBits']))],
          usages: [await imp('raw', raw, ecdsa(), ['sign']), await imp('raw', raw, ecdh(), ['deriveBits']), await imp('spki', spki, ecdsa(), ['verify', 'sign']),
            await imp('pkcs8', pkcs8, ecdsa(), ['verify']), await imp('pkcs8', pkcs8, ecdsa(), []), await imp('jwk', jwk, ecdsa(), ['verify']),
            await imp('jwk', pub, ecdsa(), ['sign']), await imp('jwk', pub, ecdh(), ['deriveBits']), await imp('jwk', jwk, ecdh(), ['sign']),
            await imp('raw', raw.subarray(1, 33), 'Ed25519', ['sign']), await imp('jwk', edPub, 'Ed25519', ['sign']), await imp('jwk', xJwk, 'X25519', []),
            await imp('raw', raw.subarray(1, 33), 'X25519', ['deriveBits']),
            // The usages are checked before the key data: bad data with bad usages is a SyntaxError.
            await imp('jwk', { ...jwk, kty: 'RSA' }, ecdsa(), ['verify']), await imp('raw', new Uint8Array(3), ecdsa(), ['sign'])],
          // Compressed points (SEC 1 2.3.4) are accepted in raw, as Node does: the same key, and with the other
          // parity the other point of that x. The JDK's spki parser refuses them there.
          compressed: [hex(await s.exportKey('raw', await s.importKey('raw', compressed, ecdsa(), true, ['verify']))) === hex(raw),
            await outcome(async () => { const c = compressed.slice(); c[0] ^= 1; const other = new Uint8Array(await s.exportKey('raw',
              await s.importKey('raw', c, ecdsa(), true, ['verify']))); return hex(other.subarray(0, 33)) === hex(raw.subarray(0, 33)) && hex(other) !== hex(raw); }),
            await imp('raw', cat('02', 'ff'.repeat(32)), ecdsa(), ['verify']), await imp('raw', cat('02', '00'.repeat(31), '07'), ecdsa(), ['verify']),
            await imp('raw', cat('04', hex(compressed.subarray(1))), ecdsa(), ['verify']), await imp('raw', compressed.subarray(0, 32), ecdsa(), ['verify']),
            await imp('spki', cat('3039301306072a8648ce3d020106082a8648ce3d030107032200', hex(compressed)), ecdsa(), ['verify'])],
          raw: [await imp('raw', raw.subarray(0, 64), ecdsa(), ['verify']),
            await imp('raw', offCurve, ecdsa(), ['verify']), await imp('raw', new Uint8Array(65), ecdsa(), ['verify']),
            await imp('raw', raw, ecdsa('P-384'), ['verify']), await imp('raw', cat('05', hex(raw.subarray(1))), ecdsa(), ['verify']),
            await imp('raw', raw.subarray(1, 32), 'Ed25519', ['verify']), await imp('raw', raw.subarray(0, 33), 'X25519', [])],
          spki: [await imp('spki', new Uint8Array(await s.exportKey('spki', p384.publicKey)), ecdsa(), ['verify']),
            await imp('spki', spki.subarray(0, 60), ecdsa(), ['verify']), await imp('spki', pkcs8, ecdsa(), ['verify']),
            await imp('spki', new Uint8Array(await s.exportKey('spki', ed.publicKey)), ecdsa(), ['verify']),
            await imp('spki', new Uint8Array(await s.exportKey('spki', xk.publicKey)), 'Ed25519', ['verify']),
            await imp('spki', spki, 'X25519', []), await imp('spki', cat(hex(spki.subarray(0, 26)), hex(offCurve)), ecdsa(), ['verify']),
            await imp('spki', cat(hex(spki), '00'), ecdsa(), ['verify'])],
          pkcs8: [await imp('pkcs8', new Uint8Array(await s.exportKey('pkcs8', p384.privateKey)), ecdh(), ['deriveBits']),
            await imp('pkcs8', spki, ecdsa(), ['sign']), await imp('pkcs8', new Uint8Array(await s.exportKey('pkcs8', ed.privateKey)), 'X25519', ['deriveBits']),
            await imp('pkcs8', new Uint8Array(await s.exportKey('pkcs8', xk.privateKey)), 'Ed25519', ['sign']), await imp('pkcs8', pkcs8, 'Ed25519', ['sign']),
            await imp('pkcs8', cat(hex(pkcs8.subarray(0, 35)), '00'.repeat(32)), ecdsa(), ['sign']),
            await imp('pkcs8', cat(hex(pkcs8.subarray(0, 35)), 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'), ecdsa(), ['sign']),
            await imp('pkcs8', cat(hex(pkcs8), '00'), ecdsa(), ['sign'])],
          jwk: [await imp('jwk', { ...jwk, kty: 'OKP' }, ecdsa(), ['sign']), await imp('jwk', { ...jwk, crv: 'P-384' }, ecdsa(), ['sign']),
            await imp('jwk', { ...jwk, alg: 'ES384' }, ecdsa(), ['sign']), await imp('jwk', { ...jwk, alg: 'RS256' }, ecdsa(), ['sign']),
            await imp('jwk', { ...jwk, use: 'enc' }, ecdsa(), ['sign']), await imp('jwk', { ...jwk, use: 'sig' }, ecdh(), ['deriveBits']),
            await imp('jwk', { ...jwk, key_ops: ['verify'] }, ecdsa(), ['sign']), await imp('jwk', { ...jwk, key_ops: ['sign', 'sign'] }, ecdsa(), ['sign']),
            await imp('jwk', { ...jwk, ext: false }, ecdsa(), ['sign'], true),
            await imp('jwk', { ...jwk, x: jwk.x.slice(0, -2) }, ecdsa(), ['sign']), await imp('jwk', { ...jwk, y: undefined }, ecdsa(), ['sign']),
            await imp('jwk', { ...jwk, x: jwk.x + '=' }, ecdsa(), ['sign']), await imp('jwk', { ...jwk, d: 'AA' + jwk.d }, ecdsa(), ['sign']),
            await imp('jwk', { ...jwk, d: otherD }, ecdsa(), ['sign']), await imp('jwk', { ...pub, y: bump(pub.y) }, ecdsa(), ['verify']),
            await imp('jwk', { ...jwk, d: b64u(new Uint8Array(32)) }, ecdsa(), ['sign']),
            // Key_ops, use and ext come before crv and alg for the NIST curves; for Ed25519 alg comes first.
            await imp('jwk', { ...jwk, crv: 'P-384', use: 'enc' }, ecdsa(), ['sign'])],
          okp: [await imp('jwk', { ...edJwk, kty: 'EC' }, 'Ed25519', ['sign']), await imp('jwk', { ...edJwk, crv: 'X25519' }, 'Ed25519', ['sign']),
            await imp('jwk', { ...edJwk, alg: 'ES256' }, 'Ed25519', ['sign']), await imp('jwk', { ...edJwk, use: 'enc' }, 'Ed25519', ['sign']),
            await imp('jwk', { ...edJwk, x: edJwk.x.slice(0, -2) }, 'Ed25519', ['sign']),
            await imp('jwk', { ...edJwk, d: xJwk.d }, 'Ed25519', ['sign']), await imp('jwk', { ...xJwk, crv: 'Ed25519' }, 'X25519', ['deriveBits']),
            await imp('jwk', { ...xJwk, use: 'sig' }, 'X25519', ['deriveBits']), await imp('jwk', { ...xJwk, d: edD }, 'X25519', ['deriveBits']),
            await imp('jwk', { ...edJwk, ext: false }, 'Ed25519', ['sign'], true), await imp('jwk', { ...edJwk, x: undefined }, 'Ed25519', ['sign'])],
          types: [await imp('jwk', raw, ecdsa(), ['verify']), await imp('raw', pub, ecdsa(), ['verify']),
            await outcome(() => s.importKey('raw', raw, ecdsa(), true))],
        };
        """);
    assertEquals(new JsonArray().add("public").add("public").add("private").add("private").add("private").add("public").add("public")
        .add("private").add("private"), o.getJsonArray("ok"));
    assertEquals(new JsonArray().add("NotSupportedError/9").add("NotSupportedError/9").add("NotSupportedError/9").add("TypeError")
        .add("NotSupportedError/9").add("SyntaxError/12").add("TypeError"), o.getJsonArray("curves"));
    JsonArray usages = new JsonArray();
    for (int i = 0; i < 15; i++) {
      usages.add("SyntaxError/12");
    }
    assertEquals(usages, o.getJsonArray("usages"));
    for (String format : new String[] {"raw", "spki", "pkcs8", "okp"}) {
      for (Object outcome : o.getJsonArray(format)) {
        assertEquals("DataError/0", outcome, format + " " + o.getJsonArray(format));
      }
    }
    assertEquals(17, o.getJsonArray("jwk").size());
    for (Object outcome : o.getJsonArray("jwk")) {
      assertEquals("DataError/0", outcome, "jwk " + o.getJsonArray("jwk"));
    }
    assertEquals(new JsonArray().add("TypeError").add("TypeError").add("TypeError"), o.getJsonArray("types"));
    assertEquals(new JsonArray().add(true).add(true).add("DataError/0").add("DataError/0").add("DataError/0").add("DataError/0")
        .add("DataError/0"), o.getJsonArray("compressed"));
  }

  @Test
  void keysAndTheirExportsAndUsesFollowTheStandard() throws Exception {
    JsonObject o = run("""
        const ecdsa = { name: 'ECDSA', namedCurve: 'P-384' };
        const pair = await s.generateKey(ecdsa, false, ['verify', 'sign', 'verify']);
        const dh = await s.generateKey({ name: 'ECDH', namedCurve: 'P-521' }, false, ['deriveKey']);
        const ed = await s.generateKey({ name: 'Ed25519' }, true, ['sign']);
        const x = await s.generateKey('X25519', true, ['deriveBits', 'deriveKey']);
        const describe = (k) => JSON.parse(JSON.stringify([k.type, k.extractable, k.algorithm, k.usages]));
        const data = utf8('data');
        const sig = await s.sign({ name: 'ECDSA', hash: 'SHA-384' }, pair.privateKey, data);
        const edSig = await s.sign('Ed25519', ed.privateKey, data);
        const edPublic = await s.importKey('raw', await s.exportKey('raw', ed.publicKey), 'Ed25519', false, ['verify']);
        return {
          keys: Object.keys(pair), ecdsa: [describe(pair.publicKey), describe(pair.privateKey)], ecdh: [describe(dh.publicKey), describe(dh.privateKey)],
          ed: [describe(ed.publicKey), describe(ed.privateKey)], x: [describe(x.publicKey), describe(x.privateKey)],
          algorithmCopy: pair.publicKey.algorithm === pair.publicKey.algorithm && (pair.publicKey.algorithm.namedCurve = 'x', true)
            && await s.verify({ name: 'ECDSA', hash: 'SHA-384' }, pair.publicKey, sig, data),
          generate: [await outcome(() => s.generateKey(ecdsa, true, ['verify'])), await outcome(() => s.generateKey(ecdsa, true, []))
            , await outcome(() => s.generateKey(ecdsa, true, ['deriveBits'])), await outcome(() => s.generateKey('X25519', true, ['sign'])),
            await outcome(() => s.generateKey('Ed25519', true, ['deriveBits'])), await outcome(() => s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, []))],
          exports: [await outcome(() => s.exportKey('raw', pair.privateKey)), await outcome(() => s.exportKey('spki', ed.privateKey)),
            await outcome(() => s.exportKey('pkcs8', ed.publicKey)), await outcome(() => s.exportKey('raw', x.privateKey)),
            await outcome(() => s.exportKey('pkcs8', pair.privateKey)), await outcome(() => s.exportKey('jwk', dh.privateKey)),
            await outcome(() => s.exportKey('jwk', edPublic))],
          publicExports: [(await s.exportKey('raw', pair.publicKey)).byteLength, (await s.exportKey('spki', dh.publicKey)).byteLength,
            Object.keys(await s.exportKey('jwk', pair.publicKey)).join(), Object.keys(await s.exportKey('jwk', x.privateKey)).join(),
            Object.keys(await s.exportKey('jwk', ed.publicKey)).join()],
          uses: [await outcome(() => s.sign({ name: 'ECDSA', hash: 'SHA-384' }, pair.publicKey, data)),
            await outcome(() => s.verify({ name: 'ECDSA', hash: 'SHA-384' }, pair.privateKey, sig, data)),
            await outcome(() => s.sign({ name: 'ECDSA' }, pair.privateKey, data)), await outcome(() => s.sign({ name: 'ECDSA', hash: 'MD5' }, pair.privateKey, data)),
            await outcome(() => s.sign('ECDSA', pair.privateKey, data)), await outcome(() => s.sign('Ed25519', pair.privateKey, data)),
            await outcome(() => s.verify('Ed25519', pair.publicKey, edSig, data)), await outcome(() => s.sign({ name: 'ECDSA', hash: 'SHA-256' }, ed.privateKey, data)),
            await outcome(() => s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, 8)),
            await outcome(() => s.deriveBits({ name: 'X25519', public: x.publicKey }, x.privateKey, 8)).then((v) => v.length),
            await s.verify('Ed25519', edPublic, edSig, data), await s.verify({ name: 'Ed25519', hash: 'SHA-1' }, edPublic, edSig, data),
            await outcome(() => s.sign('Ed25519', ed.publicKey, data)), await outcome(() => s.encrypt({ name: 'ECDH' }, dh.publicKey, data))],
        };
        """);
    JsonObject p384 = new JsonObject().put("name", "ECDSA").put("namedCurve", "P-384");
    assertEquals(new JsonArray().add("privateKey").add("publicKey"), o.getJsonArray("keys"));
    assertEquals(new JsonArray().add(new JsonArray().add("public").add(true).add(p384).add(new JsonArray().add("verify")))
        .add(new JsonArray().add("private").add(false).add(p384).add(new JsonArray().add("sign"))), o.getJsonArray("ecdsa"));
    JsonObject p521 = new JsonObject().put("name", "ECDH").put("namedCurve", "P-521");
    assertEquals(new JsonArray().add(new JsonArray().add("public").add(true).add(p521).add(new JsonArray()))
        .add(new JsonArray().add("private").add(false).add(p521).add(new JsonArray().add("deriveKey"))), o.getJsonArray("ecdh"));
    JsonObject ed = new JsonObject().put("name", "Ed25519");
    assertEquals(new JsonArray().add(new JsonArray().add("public").add(true).add(ed).add(new JsonArray()))
        .add(new JsonArray().add("private").add(true).add(ed).add(new JsonArray().add("sign"))), o.getJsonArray("ed"));
    JsonObject x = new JsonObject().put("name", "X25519");
    assertEquals(new JsonArray().add(new JsonArray().add("public").add(true).add(x).add(new JsonArray()))
        .add(new JsonArray().add("private").add(true).add(x).add(new JsonArray().add("deriveKey").add("deriveBits"))), o.getJsonArray("x"));
    assertEquals(true, o.getBoolean("algorithmCopy"));
    assertEquals(new JsonArray().add("SyntaxError/12").add("SyntaxError/12").add("SyntaxError/12").add("SyntaxError/12")
        .add("SyntaxError/12").add("SyntaxError/12"), o.getJsonArray("generate"));
    assertEquals(new JsonArray().add("InvalidAccessError/15").add("InvalidAccessError/15").add("InvalidAccessError/15")
        .add("InvalidAccessError/15").add("InvalidAccessError/15").add("InvalidAccessError/15").add("InvalidAccessError/15"),
        o.getJsonArray("exports"));
    assertEquals(new JsonArray().add(97).add(158).add("crv,ext,key_ops,kty,x,y").add("crv,d,ext,key_ops,kty,x")
        .add("alg,crv,ext,key_ops,kty,x"), o.getJsonArray("publicExports"));
    assertEquals(new JsonArray().add("InvalidAccessError/15").add("InvalidAccessError/15").add("TypeError").add("NotSupportedError/9")
        .add("TypeError").add("InvalidAccessError/15").add("InvalidAccessError/15").add("InvalidAccessError/15")
        .add("InvalidAccessError/15").add(2).add(true).add(true).add("InvalidAccessError/15").add("NotSupportedError/9"),
        o.getJsonArray("uses"));
  }

  /** The algorithms of the interop tests: [name, curve or null, hash for ECDSA, whether it signs]. */
  private static final String FAMILIES = """
      const FAMILIES = [['ECDSA', 'P-256', 'SHA-256'], ['ECDSA', 'P-384', 'SHA-384'], ['ECDSA', 'P-521', 'SHA-512'],
        ['ECDSA', 'P-256', 'SHA-1'], ['Ed25519'], ['ECDH', 'P-256'], ['ECDH', 'P-384'], ['ECDH', 'P-521'], ['X25519']];
      const algOf = ([name, namedCurve]) => (namedCurve ? { name, namedCurve } : { name });
      const signs = ([name]) => name === 'ECDSA' || name === 'Ed25519';
      const usagesOf = (f, type) => (signs(f) ? [type === 'public' ? 'verify' : 'sign'] : type === 'public' ? [] : ['deriveBits']);
      const sigAlg = ([name, , hash]) => (hash ? { name, hash } : { name });
      const hexOf = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
      const bytesOf = (h) => new Uint8Array((h.match(/../g) || []).map((x) => parseInt(x, 16)));
      /** Every export of a pair (and of a second pair's public key, for key agreement), a signature or a shared secret. */
      async function produce(subtle, f) {
        const pair = await subtle.generateKey(algOf(f), true, signs(f) ? ['sign', 'verify'] : ['deriveBits']);
        const out = { f, spki: hexOf(await subtle.exportKey('spki', pair.publicKey)), raw: hexOf(await subtle.exportKey('raw', pair.publicKey)),
          pkcs8: hexOf(await subtle.exportKey('pkcs8', pair.privateKey)), jwk: await subtle.exportKey('jwk', pair.privateKey),
          publicJwk: await subtle.exportKey('jwk', pair.publicKey) };
        if (signs(f)) {
          out.signature = hexOf(await subtle.sign(sigAlg(f), pair.privateKey, new TextEncoder().encode('interop ' + f)));
        } else {
          const other = await subtle.generateKey(algOf(f), true, ['deriveBits']);
          out.otherRaw = hexOf(await subtle.exportKey('raw', other.publicKey));
          out.otherSpki = hexOf(await subtle.exportKey('spki', other.publicKey));
          out.otherJwk = await subtle.exportKey('jwk', other.publicKey);
          out.otherPkcs8 = hexOf(await subtle.exportKey('pkcs8', other.privateKey));
          out.secret = hexOf(await subtle.deriveBits({ name: f[0], public: other.publicKey }, pair.privateKey, null));
        }
        return out;
      }
      /** Imports another implementation's exports in every format and checks them: a list of [what, ok]. */
      async function check(subtle, p) {
        const f = p.f;
        const alg = algOf(f);
        const results = [];
        const ok = (what, value) => results.push([f.join(' ') + ': ' + what, value]);
        const publics = { raw: await subtle.importKey('raw', bytesOf(p.raw), alg, true, usagesOf(f, 'public')),
          spki: await subtle.importKey('spki', bytesOf(p.spki), alg, true, usagesOf(f, 'public')),
          jwk: await subtle.importKey('jwk', p.publicJwk, alg, true, usagesOf(f, 'public')) };
        const privates = { pkcs8: await subtle.importKey('pkcs8', bytesOf(p.pkcs8), alg, true, usagesOf(f, 'private')),
          jwk: await subtle.importKey('jwk', p.jwk, alg, true, usagesOf(f, 'private')) };
        for (const [format, k] of Object.entries(publics)) {
          ok(format + ' spki', hexOf(await subtle.exportKey('spki', k)) === p.spki);
          ok(format + ' raw', hexOf(await subtle.exportKey('raw', k)) === p.raw);
          const j = await subtle.exportKey('jwk', k);
          ok(format + ' jwk', j.kty === p.publicJwk.kty && j.crv === p.publicJwk.crv && j.x === p.publicJwk.x && j.y === p.publicJwk.y);
        }
        for (const [format, k] of Object.entries(privates)) {
          const j = await subtle.exportKey('jwk', k);
          ok(format + ' private jwk', j.kty === p.jwk.kty && j.crv === p.jwk.crv && j.x === p.jwk.x && j.y === p.jwk.y && j.d === p.jwk.d);
          const again = await subtle.importKey('pkcs8', await subtle.exportKey('pkcs8', k), alg, true, usagesOf(f, 'private'));
          ok(format + ' pkcs8 again', (await subtle.exportKey('jwk', again)).d === p.jwk.d);
        }
        const data = new TextEncoder().encode('interop ' + f);
        if (signs(f)) {
          for (const [format, k] of Object.entries(publics)) {
            ok(format + ' verifies', await subtle.verify(sigAlg(f), k, bytesOf(p.signature), data));
            ok(format + ' refuses other data', !(await subtle.verify(sigAlg(f), k, bytesOf(p.signature), new TextEncoder().encode('other'))));
          }
          for (const [format, k] of Object.entries(privates)) {
            ok(format + ' signs', await subtle.verify(sigAlg(f), publics.raw, await subtle.sign(sigAlg(f), k, data), data));
          }
        } else {
          const others = [await subtle.importKey('raw', bytesOf(p.otherRaw), alg, true, []),
            await subtle.importKey('spki', bytesOf(p.otherSpki), alg, true, []), await subtle.importKey('jwk', p.otherJwk, alg, true, [])];
          for (const [format, k] of Object.entries(privates)) {
            for (const other of others) {
              ok(format + ' derives', hexOf(await subtle.deriveBits({ name: f[0], public: other }, k, null)) === p.secret);
            }
          }
          const otherPrivate = await subtle.importKey('pkcs8', bytesOf(p.otherPkcs8), alg, true, ['deriveBits']);
          ok('derives the other way', hexOf(await subtle.deriveBits({ name: f[0], public: publics.spki }, otherPrivate, null)) === p.secret);
        }
        return results;
      }
      """;

  private static void assertAllOk(JsonArray results, String who) {
    assertTrue(results.size() > 150, who + " checked too little: " + results);
    for (Object r : results) {
      JsonArray check = (JsonArray) r;
      assertEquals(true, check.getValue(1), who + ": " + check.getString(0));
    }
  }

  @Test
  void importsWhatNodeExportsAndChecksItsSignaturesAndSecrets(@TempDir Path tmp) throws Exception {
    String produced = NodeJs.output(tmp, FAMILIES + """
        (async () => {
          const out = [];
          for (const f of FAMILIES) out.push(await produce(globalThis.crypto.subtle, f));
          console.log(JSON.stringify(out));
        })().catch((e) => { console.error(e); process.exit(1); });
        """);
    JsonObject o = run(FAMILIES + "const produced = " + produced.trim() + """
        ;
        const results = [];
        for (const p of produced) results.push(...await check(crypto.subtle, p));
        return { results };
        """);
    assertAllOk(o.getJsonArray("results"), "Bulwark");
  }

  @Test
  void nodeImportsWhatBulwarkExportsAndChecksItsSignaturesAndSecrets(@TempDir Path tmp) throws Exception {
    JsonObject o = run(FAMILIES + """
        const produced = [];
        for (const f of FAMILIES) produced.push(await produce(crypto.subtle, f));
        // Bulwark checks its own exports too, before Node does.
        const results = [];
        for (const p of produced) results.push(...await check(crypto.subtle, p));
        return { produced, results };
        """);
    assertAllOk(o.getJsonArray("results"), "Bulwark itself");
    java.nio.file.Files.writeString(tmp.resolve("produced.json"), o.getJsonArray("produced").encode());
    String checked = NodeJs.output(tmp, FAMILIES + """
        (async () => {
          const produced = JSON.parse(require('fs').readFileSync('produced.json', 'utf8'));
          const results = [];
          for (const p of produced) results.push(...await check(globalThis.crypto.subtle, p));
          console.log(JSON.stringify(results));
        })().catch((e) => { console.error(e); process.exit(1); });
        """);
    assertAllOk(new JsonArray(checked.trim()), "Node");
  }

  @Test
  void replacedBuiltInsChangeNothing() throws Exception {
    JsonObject o = run("""
        const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' };
        const pair = await s.generateKey(ecdsa, true, ['sign', 'verify']);
        const dh = await s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
        const x = await s.generateKey('X25519', true, ['deriveBits']);
        const jwk = await s.exportKey('jwk', pair.privateKey);
        const raw = await s.exportKey('raw', pair.publicKey);
        // A script replaces what the prelude could have used on its own buffers.
        const TypedArray = Object.getPrototypeOf(Uint8Array);
        const trap = () => { throw new Error('a replaced built-in was used'); };
        const saved = [];
        const replace = (object, key, descriptor) => {
          saved.push([object, key, Object.getOwnPropertyDescriptor(object, key)]);
          Object.defineProperty(object, key, { configurable: true, ...descriptor });
        };
        for (const key of ['buffer', 'byteOffset', 'byteLength']) replace(TypedArray.prototype, key, { get: trap });
        replace(ArrayBuffer.prototype, 'byteLength', { get: trap });
        // (Not subarray: btoa in 11-base64.js, which JWK export uses through the core's base64url, calls it.)
        for (const key of ['slice', 'set']) replace(TypedArray.prototype, key, { value: trap });
        replace(ArrayBuffer.prototype, 'slice', { value: trap });
        const data = new Uint8Array([1, 2, 3]);
        const results = {};
        try {
          results.signature = await outcome(async () => (await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data)) instanceof ArrayBuffer);
          results.imported = await outcome(async () => (await s.importKey('raw', raw, ecdsa, true, ['verify'])).type);
          results.verified = await outcome(() => s.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, new Uint8Array(64), data));
          results.jwk = await outcome(async () => (await s.exportKey('jwk', await s.importKey('jwk', jwk, ecdsa, true, ['sign']))).d === jwk.d);
          results.spki = await outcome(async () => (await s.exportKey('spki', pair.publicKey)) instanceof ArrayBuffer);
          results.bits = await outcome(async () => (await s.deriveBits({ name: 'ECDH', public: dh.publicKey }, dh.privateKey, 12)) instanceof ArrayBuffer);
          results.x25519 = await outcome(async () => (await s.deriveBits({ name: 'X25519', public: x.publicKey }, x.privateKey, null)) instanceof ArrayBuffer);
        } finally {
          for (const [object, key, descriptor] of saved.reverse()) Object.defineProperty(object, key, descriptor);
        }
        return results;
        """);
    assertEquals(new JsonObject().put("signature", true).put("imported", "public").put("verified", false).put("jwk", true)
        .put("spki", true).put("bits", true).put("x25519", true), o);
  }
}
