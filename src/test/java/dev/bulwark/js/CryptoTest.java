package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Web Crypto in a real isolate: crypto.getRandomValues and randomUUID, SubtleCrypto digests against the FIPS 180
 * examples, HMAC against RFC 2202 and RFC 4231, and the standard's argument and key checks with their errors.
 */
class CryptoTest {
  private static final String HELPERS = CryptoScripts.HELPERS;

  private static JsonObject run(String body) throws Exception {
    return (JsonObject) JsHarness.eval(HELPERS + body);
  }

  private static final String M448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

  @Test
  void digestsMatchTheFips180Examples() throws Exception {
    JsonObject o = run("""
        const messages = { abc: 'abc', m448: '%s', empty: '' };
        const out = {};
        for (const alg of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
          for (const [name, text] of Object.entries(messages)) {
            out[alg + ' ' + name] = hex(await crypto.subtle.digest(alg, utf8(text)));
          }
        }
        return out;
        """.formatted(M448));
    Map<String, String> expected = Map.ofEntries(
        Map.entry("SHA-1 abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Map.entry("SHA-1 m448", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        Map.entry("SHA-1 empty", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        Map.entry("SHA-256 abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Map.entry("SHA-256 m448", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Map.entry("SHA-256 empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Map.entry("SHA-384 abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            + "8086072ba1e7cc2358baeca134c825a7"),
        Map.entry("SHA-384 m448", "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
            + "b0455a8520bc4e6f5fe95b1fe3c8452b"),
        Map.entry("SHA-384 empty", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
            + "274edebfe76f65fbd51ad2f14898b95b"),
        Map.entry("SHA-512 abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        Map.entry("SHA-512 m448", "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
            + "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"),
        Map.entry("SHA-512 empty", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"));
    assertEquals(expected, o.getMap());
  }

  @Test
  void digestAcceptsEveryAlgorithmFormAndBufferSource() throws Exception {
    JsonObject o = run("""
        // "abc" in the middle of a larger buffer: views must honour their byteOffset and length.
        const backing = new Uint8Array([0, 0, 0, 97, 98, 99, 0, 0]);
        const sha = (alg, data) => crypto.subtle.digest(alg, data).then(hex);
        const result = crypto.subtle.digest('SHA-256', utf8('abc'));
        return {
          names: [await sha('sha-256', utf8('abc')), await sha({ name: 'Sha-256' }, utf8('abc')),
            await sha({ name: 'SHA-256', extra: 1 }, utf8('abc'))],
          sources: [await sha('SHA-256', backing.subarray(3, 6)), await sha('SHA-256', new DataView(backing.buffer, 3, 3)),
            await sha('SHA-256', backing.buffer.slice(3, 6)), await sha('SHA-256', new Uint16Array(backing.buffer, 2, 1)),
            await sha('SHA-256', new Int8Array([97, 98, 99]))],
          promise: result instanceof Promise,
          arrayBuffer: (await result) instanceof ArrayBuffer,
          // The data is copied when digest() is called, so a later change does not show.
          copied: await (async () => { const d = utf8('abc'); const p = sha('SHA-256', d); d[0] = 0; return p; })(),
        };
        """);
    String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertEquals(new JsonArray().add(abc).add(abc).add(abc), o.getJsonArray("names"));
    // Uint16Array(buffer, 2, 1) covers exactly bytes 2 and 3: 0x00 0x61.
    assertEquals(new JsonArray().add(abc).add(abc).add(abc)
        .add("022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c").add(abc), o.getJsonArray("sources"));
    assertEquals(true, o.getBoolean("promise"));
    assertEquals(true, o.getBoolean("arrayBuffer"));
    assertEquals(abc, o.getString("copied"));
  }

  @Test
  void digestRejectsUnknownAlgorithmsAndBadData() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const data = utf8('abc');
        let syncThrow = false;
        let p;
        try { p = subtle.digest('MD4', data); } catch (e) { syncThrow = true; }
        await p.catch(() => {});
        return {
          syncThrow,
          md4: await outcome(() => subtle.digest('MD4', data)),
          sha3: await outcome(() => subtle.digest({ name: 'SHA3-256' }, data)),
          hmac: await outcome(() => subtle.digest('HMAC', data)),
          noName: await outcome(() => subtle.digest({}, data)),
          number: await outcome(() => subtle.digest(256, data)),
          string: await outcome(() => subtle.digest('SHA-256', 'abc')),
          nullData: await outcome(() => subtle.digest('SHA-256', null)),
          array: await outcome(() => subtle.digest('SHA-256', [1, 2, 3])),
          oneArgument: await outcome(() => subtle.digest('SHA-256')),
          // WebIDL converts the data argument before the algorithm is normalized.
          both: await outcome(() => subtle.digest('MD4', 'abc')),
          otherThis: await outcome(() => subtle.digest.call({}, 'SHA-256', data)),
          shared: typeof SharedArrayBuffer === 'function'
            ? await outcome(() => subtle.digest('SHA-256', new SharedArrayBuffer(4))) : 'TypeError',
        };
        """);
    assertEquals(false, o.getBoolean("syncThrow"));
    assertEquals("NotSupportedError/9", o.getString("md4"));
    assertEquals("NotSupportedError/9", o.getString("sha3"));
    assertEquals("NotSupportedError/9", o.getString("hmac"));
    assertEquals("TypeError", o.getString("noName"));
    assertEquals("NotSupportedError/9", o.getString("number"));
    assertEquals("TypeError", o.getString("string"));
    assertEquals("TypeError", o.getString("nullData"));
    assertEquals("TypeError", o.getString("array"));
    assertEquals("TypeError", o.getString("oneArgument"));
    assertEquals("TypeError", o.getString("both"));
    assertEquals("TypeError", o.getString("otherThis"));
    assertEquals("TypeError", o.getString("shared"));
  }

  @Test
  void workerdExtensionsMd5TimingSafeEqualAndDigestStream() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const md5 = async (text) => hex(await subtle.digest('MD5', utf8(text)));
        const streamed = async (alg, chunks) => {
          const stream = new crypto.DigestStream(alg);
          const writer = stream.getWriter();
          for (const c of chunks) await writer.write(c);
          await writer.close();
          return hex(await stream.digest);
        };
        const abc = utf8('abc');
        const aborted = new crypto.DigestStream('SHA-256');
        aborted.getWriter().abort(new Error('gone'));
        const badChunk = new crypto.DigestStream('SHA-256');
        const badWrite = await outcome(() => badChunk.getWriter().write(42));
        return {
          md5: [await md5(''), await md5('abc'), await md5('message digest')],
          // MD5 is a digest only, not a hash for other algorithms.
          md5Hmac: await outcome(() => subtle.importKey('raw', abc, { name: 'HMAC', hash: 'MD5' }, false, ['sign'])),
          equal: [subtle.timingSafeEqual(abc, utf8('abc')), subtle.timingSafeEqual(abc, utf8('abd')),
            subtle.timingSafeEqual(new Uint8Array(0), new ArrayBuffer(0)), subtle.timingSafeEqual(abc.buffer, new DataView(abc.buffer))],
          equalLengths: await outcome(() => subtle.timingSafeEqual(abc, utf8('abcd'))),
          equalNotBuffers: await outcome(() => subtle.timingSafeEqual('abc', 'abc')),
          equalOneArgument: await outcome(() => subtle.timingSafeEqual(abc)),
          // "abc" in three chunks of three kinds, and as one string, is SHA-256("abc").
          stream: [await streamed('SHA-256', [utf8('a'), new Uint8Array([98]).buffer, 'c']), await streamed({ name: 'sha-256' }, ['abc']),
            await streamed('MD5', []), await streamed('SHA-1', [new DataView(new Uint8Array([0, 97, 98, 99, 0]).buffer, 1, 3)])],
          isWritable: new crypto.DigestStream('SHA-256') instanceof WritableStream,
          tag: Object.prototype.toString.call(new crypto.DigestStream('SHA-256')),
          unknown: await outcome(() => new crypto.DigestStream('SHA3-256')),
          noArgument: await outcome(() => new crypto.DigestStream()),
          abortedDigest: await aborted.digest.then(() => 'resolved', (e) => e.message),
          badWrite,
          badChunkDigest: await outcome(() => badChunk.digest),
        };
        """);
    assertEquals(new JsonArray("[\"d41d8cd98f00b204e9800998ecf8427e\",\"900150983cd24fb0d6963f7d28e17f72\","
        + "\"f96b697d7cb7938d525a2f31aaf161d0\"]"), o.getJsonArray("md5"));
    assertEquals("NotSupportedError/9", o.getString("md5Hmac"));
    assertEquals(new JsonArray("[true,false,true,true]"), o.getJsonArray("equal"));
    assertEquals("TypeError", o.getString("equalLengths"));
    assertEquals("TypeError", o.getString("equalNotBuffers"));
    assertEquals("TypeError", o.getString("equalOneArgument"));
    String sha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertEquals(new JsonArray(List.of(sha256Abc, sha256Abc, "d41d8cd98f00b204e9800998ecf8427e",
        "a9993e364706816aba3e25717850c26c9cd0d89d")), o.getJsonArray("stream"));
    assertEquals(true, o.getBoolean("isWritable"));
    assertEquals("[object DigestStream]", o.getString("tag"));
    assertEquals("NotSupportedError/9", o.getString("unknown"));
    assertEquals("TypeError", o.getString("noArgument"));
    assertEquals("gone", o.getString("abortedDigest"));
    assertEquals("TypeError", o.getString("badWrite"));
    assertEquals("TypeError", o.getString("badChunkDigest"));
  }

  @Test
  void aScriptReplacingBuiltInsSeesNoKeyBytesAndBreaksNothing() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const key = utf8('Jefe');
        const data = utf8('what do ya want for nothing?');
        const jwk = { kty: 'oct', k: 'SmVmZQ' }; // "Jefe"
        const expected = hex(await subtle.sign('HMAC', await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' },
          false, ['sign']), data));
        // An ECDH secret, known to the test before the built-ins are replaced, that deriveKey below must not show.
        const ecdh = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits', 'deriveKey']);
        const peer = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
        const secret = [...new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer.publicKey }, ecdh.privateKey, 256))].join(',');
        // Everything a script could replace to watch the prelude handle key bytes, each recording what it is given.
        const seen = [];
        const record = (what, v) => { seen.push(what + ':' + String(v)); };
        const proto = Object.getPrototypeOf(Uint8Array.prototype);
        const lengthOf = Object.getOwnPropertyDescriptor(proto, 'length').get;
        const contents = (view) => { const out = []; for (let i = 0; i < lengthOf.call(view); i++) out.push(view[i]); return out.join(','); };
        for (const name of ['buffer', 'length', 'byteLength', 'byteOffset']) {
          const get = Object.getOwnPropertyDescriptor(proto, name).get;
          Object.defineProperty(proto, name, { get() { record(name, contents(this)); return get.call(this); }, configurable: true });
        }
        const slice = proto.slice;
        proto.slice = function (...args) { record('slice', contents(this)); return slice.apply(this, args); };
        const replace = String.prototype.replace;
        String.prototype.replace = function (...args) { record('replace', this); return replace.apply(this, args); };
        const test = RegExp.prototype.test;
        RegExp.prototype.test = function (s) { record('test', s); return test.call(this, s); };
        Object.defineProperty(Object.prototype, 'k', { set(v) { record('k', v); }, configurable: true });
        const OriginalUint8Array = Uint8Array;
        globalThis.Uint8Array = function (...args) { record('Uint8Array', args[0]); return new OriginalUint8Array(...args); };
        const imported = await subtle.importKey('jwk', jwk, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
        const mac = await subtle.sign('HMAC', imported, data);
        const verified = await subtle.verify('HMAC', imported, mac, data);
        const generated = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 252 }, false, ['sign']);
        await subtle.sign('HMAC', generated, data);
        const digest = await subtle.digest('SHA-256', data);
        const derived = await subtle.deriveKey({ name: 'ECDH', public: peer.publicKey }, ecdh.privateKey,
          { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']);
        await subtle.sign('HMAC', derived, data);
        void new OriginalUint8Array([1, 2, 3]).byteLength; // the script's own use, which the replaced getter sees
        globalThis.Uint8Array = OriginalUint8Array;
        String.prototype.replace = replace;
        RegExp.prototype.test = test;
        delete Object.prototype.k;
        return { mac: hex(mac), expected, verified, digestLength: digest.byteLength,
          // Only the script's own calls (its data views and the outcome helpers) may show, never the key "Jefe".
          leaked: seen.filter((s) => s.includes('Jefe') || s.includes('SmVmZQ') || s.includes('74,101,102,101')
            || s.includes(secret.slice(0, 40))),
          recorded: seen.includes('byteLength:1,2,3') };
        """);
    assertEquals(o.getString("expected"), o.getString("mac"));
    assertEquals(true, o.getBoolean("verified"));
    assertEquals(32, o.getInteger("digestLength"));
    assertEquals(new JsonArray(), o.getJsonArray("leaked"));
    assertEquals(true, o.getBoolean("recorded"), "the replaced getters see the script's own use");
  }

  @Test
  void algorithmFamiliesWorkTogetherThroughDeriveKeyWrapKeyAndUnwrapKey() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const message = utf8('attack at dawn');
        // ECDH on both sides agrees on one AES-GCM key.
        const alice = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveKey']);
        const bob = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveKey']);
        const gcm = (priv, pub) => subtle.deriveKey({ name: 'ECDH', public: pub }, priv, { name: 'AES-GCM', length: 256 },
          false, ['encrypt', 'decrypt']);
        const iv = new Uint8Array(12).fill(7);
        const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, await gcm(alice.privateKey, bob.publicKey), message);
        const opened = await subtle.decrypt({ name: 'AES-GCM', iv }, await gcm(bob.privateKey, alice.publicKey), sealed);
        // X25519 bits -> HKDF -> an AES-KW key that wraps an Ed25519 private key, which still signs after unwrapping.
        const x1 = await subtle.generateKey('X25519', false, ['deriveBits']);
        const x2 = await subtle.generateKey('X25519', false, ['deriveBits']);
        const shared = await subtle.deriveBits({ name: 'X25519', public: x2.publicKey }, x1.privateKey, 256);
        const hkdf = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
        const kek = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(16), info: utf8('kek') }, hkdf,
          { name: 'AES-KW', length: 128 }, false, ['wrapKey', 'unwrapKey']);
        const ed = await subtle.generateKey('Ed25519', true, ['sign', 'verify']);
        const wrapped = await subtle.wrapKey('pkcs8', ed.privateKey, kek, 'AES-KW');
        const unwrapped = await subtle.unwrapKey('pkcs8', wrapped, kek, 'AES-KW', 'Ed25519', false, ['sign']);
        const edSignature = await subtle.sign('Ed25519', unwrapped, message);
        // RSA-OAEP wraps an AES-GCM key as a JWK; PBKDF2 derives an HMAC key.
        const rsa = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256' }, false, ['wrapKey', 'unwrapKey']);
        const aes = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
        const wrappedJwk = await subtle.wrapKey('jwk', aes, rsa.publicKey, 'RSA-OAEP');
        const aesBack = await subtle.unwrapKey('jwk', wrappedJwk, rsa.privateKey, 'RSA-OAEP', 'AES-GCM', true, ['decrypt']);
        const password = await subtle.importKey('raw', utf8('hunter2'), 'PBKDF2', false, ['deriveKey']);
        const hmac = await subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8('salt'), iterations: 1000 }, password,
          { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        return {
          opened: new TextDecoder().decode(opened),
          edVerifies: await subtle.verify('Ed25519', ed.publicKey, edSignature, message),
          wrappedLength: wrapped.byteLength,
          aesBack: hex(await subtle.exportKey('raw', aesBack)) === hex(await subtle.exportKey('raw', aes)),
          aesBackUsages: aesBack.usages,
          hmacLength: hmac.algorithm.length,
          // The derived HMAC key is the first 512 bits PBKDF2 gives.
          hmacIsTheBits: hex(await subtle.exportKey('raw', hmac)) === hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256',
            salt: utf8('salt'), iterations: 1000 }, await subtle.importKey('raw', utf8('hunter2'), 'PBKDF2', false, ['deriveBits']), 512)),
          // A key of one family given to another's operation.
          wrongFamily: await outcome(() => subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, unwrapped, message)),
          ecdhBitsFromDeriveKeyOnly: await outcome(() => subtle.deriveBits({ name: 'ECDH', public: bob.publicKey }, alice.privateKey, 128)),
        };
        """);
    assertEquals("attack at dawn", o.getString("opened"));
    assertEquals(true, o.getBoolean("edVerifies"));
    assertEquals(56, o.getInteger("wrappedLength")); // a 48-byte PKCS #8 Ed25519 key and AES-KW's 8 bytes
    assertEquals(true, o.getBoolean("aesBack"));
    assertEquals(new JsonArray("[\"decrypt\"]"), o.getJsonArray("aesBackUsages"));
    assertEquals(512, o.getInteger("hmacLength"));
    assertEquals(true, o.getBoolean("hmacIsTheBits"));
    assertEquals("InvalidAccessError/15", o.getString("wrongFamily"));
    assertEquals("InvalidAccessError/15", o.getString("ecdhBitsFromDeriveKeyOnly"));
  }

  /** Sign script for a table of [key, data] cases, keys and data given as JS expressions. */
  private static final String CASES = """
      const k4 = new Uint8Array(25).map((_, i) => i + 1);
      const cases = {
        1: [repeat(0x0b, 20), utf8('Hi There')],
        2: [utf8('Jefe'), utf8('what do ya want for nothing?')],
        3: [repeat(0xaa, 20), repeat(0xdd, 50)],
        4: [k4, repeat(0xcd, 50)],
        5: [repeat(0x0c, 20), utf8('Test With Truncation')],
      };
      const sign = async (hash, key, data) => hex(await crypto.subtle.sign('HMAC',
        await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign']), data));
      """;

  @Test
  void hmacMatchesRfc4231() throws Exception {
    JsonObject o = run(CASES + """
        cases[6] = [repeat(0xaa, 131), utf8('Test Using Larger Than Block-Size Key - Hash Key First')];
        cases[7] = [repeat(0xaa, 131), utf8('This is a test using a larger than block-size key and a larger than block-size data.'
          + ' The key needs to be hashed before being used by the HMAC algorithm.')];
        const out = {};
        for (const hash of ['SHA-256', 'SHA-384', 'SHA-512']) {
          for (const [n, [key, data]] of Object.entries(cases)) {
            // Case 5 is truncated to 128 bits by the caller; the MAC starts with it.
            const mac = await sign(hash, key, data);
            out[hash + ' ' + n] = n === '5' ? mac.slice(0, 32) : mac;
          }
        }
        return out;
        """);
    Map<String, String> expected = Map.ofEntries(
        Map.entry("SHA-256 1", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Map.entry("SHA-256 2", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Map.entry("SHA-256 3", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Map.entry("SHA-256 4", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Map.entry("SHA-256 5", "a3b6167473100ee06e0c796c2955552b"),
        Map.entry("SHA-256 6", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Map.entry("SHA-256 7", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        Map.entry("SHA-384 1", "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            + "faea9ea9076ede7f4af152e8b2fa9cb6"),
        Map.entry("SHA-384 2", "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            + "8e2240ca5e69e2c78b3239ecfab21649"),
        Map.entry("SHA-384 3", "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
            + "2a5ab39dc13814b94e3ab6e101a34f27"),
        Map.entry("SHA-384 4", "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
            + "6801dd23c4a7d679ccf8a386c674cffb"),
        Map.entry("SHA-384 5", "3abf34c3503b2a23a46efc619baef897"),
        Map.entry("SHA-384 6", "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
            + "0c2ef6ab4030fe8296248df163f44952"),
        Map.entry("SHA-384 7", "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
            + "a678cc31e799176d3860e6110c46523e"),
        Map.entry("SHA-512 1", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        Map.entry("SHA-512 2", "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
        Map.entry("SHA-512 3", "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
            + "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"),
        Map.entry("SHA-512 4", "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
            + "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"),
        Map.entry("SHA-512 5", "415fad6271580a531d4179bc891d87a6"),
        Map.entry("SHA-512 6", "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
            + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
        Map.entry("SHA-512 7", "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
            + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"));
    assertEquals(expected, o.getMap());
  }

  @Test
  void hmacSha1MatchesRfc2202() throws Exception {
    JsonObject o = run(CASES + """
        cases[6] = [repeat(0xaa, 80), utf8('Test Using Larger Than Block-Size Key - Hash Key First')];
        cases[7] = [repeat(0xaa, 80), utf8('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data')];
        const out = {};
        for (const [n, [key, data]] of Object.entries(cases)) out[n] = await sign({ name: 'sha-1' }, key, data);
        return out;
        """);
    assertEquals(Map.of(
        "1", "b617318655057264e28bc0b6fb378c8ef146be00",
        "2", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        "3", "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
        "4", "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
        "5", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
        "6", "aa4ae5e15272d00e95705637ce8a3b55ed402112",
        "7", "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"), o.getMap());
  }

  @Test
  void verifyAndUsageChecks() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const alg = { name: 'HMAC', hash: 'SHA-256' };
        const both = await subtle.importKey('raw', utf8('Jefe'), alg, false, ['sign', 'verify']);
        const signOnly = await subtle.importKey('raw', utf8('Jefe'), alg, false, ['sign']);
        const verifyOnly = await subtle.importKey('raw', utf8('Jefe'), alg, false, ['verify']);
        const data = utf8('what do ya want for nothing?');
        const mac = new Uint8Array(await subtle.sign('HMAC', both, data));
        const tampered = mac.slice();
        tampered[31] ^= 1;
        const padded = new Uint8Array(40);
        padded.set(mac, 4);
        return {
          valid: await subtle.verify('HMAC', verifyOnly, mac, data),
          validView: await subtle.verify({ name: 'hmac' }, both, padded.subarray(4, 36), data),
          tampered: await subtle.verify('HMAC', both, tampered, data),
          truncated: await subtle.verify('HMAC', both, mac.slice(0, 16), data),
          longer: await subtle.verify('HMAC', both, padded, data),
          otherData: await subtle.verify('HMAC', both, mac, utf8('what do ya want for something?')),
          signWithVerifyKey: await outcome(() => subtle.sign('HMAC', verifyOnly, data)),
          verifyWithSignKey: await outcome(() => subtle.verify('HMAC', signOnly, mac, data)),
          // key.usages and key.algorithm are the script's copies: changing them changes no check.
          pushedUsage: await outcome(() => { signOnly.usages.push('verify'); return subtle.verify('HMAC', signOnly, mac, data); }),
          renamed: await outcome(async () => { both.algorithm.name = 'AES-GCM'; return hex(await subtle.sign('HMAC', both, data)).length; }),
          otherAlgorithm: await outcome(() => subtle.sign('SHA-256', both, data)),
          notAKey: await outcome(() => subtle.sign('HMAC', { type: 'secret' }, data)),
          badSignature: await outcome(() => subtle.verify('HMAC', both, 'abc', data)),
          // The MAC is over the bytes as they were when sign() was called.
          copied: await (async () => { const d = utf8('what do ya want for nothing?'); const p = subtle.sign('HMAC', both, d);
            d.fill(0); return hex(await p); })(),
        };
        """);
    assertEquals(true, o.getBoolean("valid"));
    assertEquals(true, o.getBoolean("validView"));
    assertEquals(false, o.getBoolean("tampered"));
    assertEquals(false, o.getBoolean("truncated"));
    assertEquals(false, o.getBoolean("longer"));
    assertEquals(false, o.getBoolean("otherData"));
    assertEquals("InvalidAccessError/15", o.getString("signWithVerifyKey"));
    assertEquals("InvalidAccessError/15", o.getString("verifyWithSignKey"));
    assertEquals("InvalidAccessError/15", o.getString("pushedUsage"));
    assertEquals(64, o.getInteger("renamed"));
    assertEquals("NotSupportedError/9", o.getString("otherAlgorithm"));
    assertEquals("TypeError", o.getString("notAKey"));
    assertEquals("TypeError", o.getString("badSignature"));
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", o.getString("copied"));
  }

  @Test
  void importKeyDescribesTheKeyAndChecksItsArguments() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const raw = (alg, usages = ['sign'], data = repeat(1, 32)) => outcome(() => subtle.importKey('raw', data, alg, true, usages));
        const key = await subtle.importKey('raw', repeat(1, 20), { name: 'hmac', hash: { name: 'sha-384' } }, true,
          ['verify', 'sign', 'verify']);
        return {
          key: { type: key.type, extractable: key.extractable, algorithm: key.algorithm, usages: key.usages,
            sameAlgorithm: key.algorithm === key.algorithm, sameUsages: key.usages === key.usages,
            tag: Object.prototype.toString.call(key), isKey: key instanceof CryptoKey,
            keys: Object.keys(key.algorithm) },
          emptyUsages: await raw({ name: 'HMAC', hash: 'SHA-256' }, []),
          encryptUsage: await raw({ name: 'HMAC', hash: 'SHA-256' }, ['sign', 'encrypt']),
          unknownUsage: await raw({ name: 'HMAC', hash: 'SHA-256' }, ['sign', 'launch']),
          usagesString: await raw({ name: 'HMAC', hash: 'SHA-256' }, 'sign'),
          noHash: await raw({ name: 'HMAC' }),
          badHash: await raw({ name: 'HMAC', hash: 'MD5' }),
          hmacAsHash: await raw({ name: 'HMAC', hash: 'HMAC' }),
          chacha: await raw('ChaCha20-Poly1305', ['encrypt']),
          ed448: await raw('Ed448', ['verify']),
          emptyKey: await raw({ name: 'HMAC', hash: 'SHA-256' }, ['sign'], new Uint8Array(0)),
          badFormat: await outcome(() => subtle.importKey('pem', repeat(1, 32), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          spki: await outcome(() => subtle.importKey('spki', repeat(1, 32), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          jwkForRaw: await outcome(() => subtle.importKey('raw', { kty: 'oct', k: 'AAAA' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          bytesForJwk: await outcome(() => subtle.importKey('jwk', repeat(1, 32), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          length: await (async () => (await subtle.importKey('raw', repeat(0xff, 32), { name: 'HMAC', hash: 'SHA-256', length: 252 },
            true, ['sign'])).algorithm.length)(),
          // The key is the first `length` bits: the last 4 bits of the 32nd byte are dropped.
          lengthBits: hex(await subtle.exportKey('raw', await subtle.importKey('raw', repeat(0xff, 32),
            { name: 'HMAC', hash: 'SHA-256', length: 252 }, true, ['sign']))).slice(-4),
          longerThanData: await raw({ name: 'HMAC', hash: 'SHA-256', length: 264 }),
          shorterByAByte: await raw({ name: 'HMAC', hash: 'SHA-256', length: 248 }),
          negativeLength: await raw({ name: 'HMAC', hash: 'SHA-256', length: -1 }),
          infiniteLength: await raw({ name: 'HMAC', hash: 'SHA-256', length: Infinity }),
          missingArgument: await outcome(() => subtle.importKey('raw', repeat(1, 32), { name: 'HMAC', hash: 'SHA-256' }, true)),
        };
        """);
    JsonObject key = o.getJsonObject("key");
    assertEquals("secret", key.getString("type"));
    assertEquals(true, key.getBoolean("extractable"));
    assertEquals(new JsonObject("{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-384\"},\"length\":160}"), key.getJsonObject("algorithm"));
    assertEquals(new JsonArray("[\"name\",\"hash\",\"length\"]"), key.getJsonArray("keys"));
    assertEquals(new JsonArray("[\"sign\",\"verify\"]"), key.getJsonArray("usages"));
    assertEquals(true, key.getBoolean("sameAlgorithm"));
    assertEquals(true, key.getBoolean("sameUsages"));
    assertEquals("[object CryptoKey]", key.getString("tag"));
    assertEquals(true, key.getBoolean("isKey"));
    assertEquals("SyntaxError/12", o.getString("emptyUsages"));
    assertEquals("SyntaxError/12", o.getString("encryptUsage"));
    assertEquals("TypeError", o.getString("unknownUsage"));
    assertEquals("TypeError", o.getString("usagesString"));
    assertEquals("TypeError", o.getString("noHash"));
    assertEquals("NotSupportedError/9", o.getString("badHash"));
    assertEquals("NotSupportedError/9", o.getString("hmacAsHash"));
    assertEquals("NotSupportedError/9", o.getString("chacha"));
    assertEquals("NotSupportedError/9", o.getString("ed448"));
    assertEquals("DataError/0", o.getString("emptyKey"));
    assertEquals("TypeError", o.getString("badFormat"));
    assertEquals("NotSupportedError/9", o.getString("spki"));
    assertEquals("TypeError", o.getString("jwkForRaw"));
    assertEquals("TypeError", o.getString("bytesForJwk"));
    assertEquals(252, o.getInteger("length"));
    assertEquals("fff0", o.getString("lengthBits"));
    assertEquals("DataError/0", o.getString("longerThanData"));
    assertEquals("DataError/0", o.getString("shorterByAByte"));
    assertEquals("TypeError", o.getString("negativeLength"));
    assertEquals("TypeError", o.getString("infiniteLength"));
    assertEquals("TypeError", o.getString("missingArgument"));
  }

  @Test
  void exportKeyRawAndJwkRoundTrip() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const alg = { name: 'HMAC', hash: 'SHA-256' };
        const bytes = new Uint8Array([0xfb, 0xff, 0x3e, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        const key = await subtle.importKey('raw', bytes, alg, true, ['sign', 'verify']);
        const hidden = await subtle.importKey('raw', bytes, alg, false, ['sign']);
        const jwk = await subtle.exportKey('jwk', key);
        const back = await subtle.importKey('jwk', jwk, alg, true, ['verify']);
        const jwkImport = (fields, usages = ['sign'], extractable = true, hash = 'SHA-256') =>
          outcome(async () => (await subtle.importKey('jwk', { kty: 'oct', k: '-_8-AQIDBAUGBwgJCgsMDQ', ...fields },
            { name: 'HMAC', hash }, extractable, usages)).algorithm.length);
        const data = utf8('data');
        return {
          raw: hex(await subtle.exportKey('raw', key)),
          jwk, jwkKeys: Object.keys(jwk),
          back: { usages: back.usages, algorithm: back.algorithm,
            verifies: await subtle.verify('HMAC', back, await subtle.sign('HMAC', key, data), data) },
          hidden: await outcome(() => subtle.exportKey('raw', hidden)),
          hiddenJwk: await outcome(() => subtle.exportKey('jwk', hidden)),
          spki: await outcome(() => subtle.exportKey('spki', key)),
          badFormat: await outcome(() => subtle.exportKey('pem', key)),
          notAKey: await outcome(() => subtle.exportKey('raw', {})),
          plain: await jwkImport({}),
          withAlg: await jwkImport({ alg: 'HS256', use: 'sig', key_ops: ['sign', 'verify'], ext: true }),
          sha1: await jwkImport({ alg: 'HS1' }, ['sign'], true, 'SHA-1'),
          wrongAlg: await jwkImport({ alg: 'HS512' }),
          wrongKty: await jwkImport({ kty: 'RSA' }),
          noK: await jwkImport({ k: undefined }),
          padded: await jwkImport({ k: '-_8-AQIDBAUGBwgJCgsMDQ==' }),
          standardAlphabet: await jwkImport({ k: '+/8+AQIDBAUGBwgJCgsMDQ' }),
          encUse: await jwkImport({ use: 'enc' }),
          encUseNoUsages: await jwkImport({ use: 'enc' }, []),
          opsMissing: await jwkImport({ key_ops: ['verify'] }),
          opsDuplicated: await jwkImport({ key_ops: ['sign', 'sign'] }),
          notExtractable: await jwkImport({ ext: false }),
          notExtractableImportedSo: await jwkImport({ ext: false }, ['sign'], false),
          notAnObject: await outcome(() => subtle.importKey('jwk', 'oct', alg, true, ['sign'])),
        };
        """);
    assertEquals("fbff3e0102030405060708090a0b0c0d", o.getString("raw"));
    assertEquals(new JsonObject("{\"alg\":\"HS256\",\"ext\":true,\"k\":\"-_8-AQIDBAUGBwgJCgsMDQ\","
        + "\"key_ops\":[\"sign\",\"verify\"],\"kty\":\"oct\"}"), o.getJsonObject("jwk"));
    assertEquals(new JsonArray("[\"alg\",\"ext\",\"k\",\"key_ops\",\"kty\"]"), o.getJsonArray("jwkKeys"));
    JsonObject back = o.getJsonObject("back");
    assertEquals(new JsonArray("[\"verify\"]"), back.getJsonArray("usages"));
    assertEquals(new JsonObject("{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-256\"},\"length\":128}"), back.getJsonObject("algorithm"));
    assertEquals(true, back.getBoolean("verifies"));
    assertEquals("InvalidAccessError/15", o.getString("hidden"));
    assertEquals("InvalidAccessError/15", o.getString("hiddenJwk"));
    assertEquals("NotSupportedError/9", o.getString("spki"));
    assertEquals("TypeError", o.getString("badFormat"));
    assertEquals("TypeError", o.getString("notAKey"));
    assertEquals(128, o.getInteger("plain"));
    assertEquals(128, o.getInteger("withAlg"));
    assertEquals(128, o.getInteger("sha1"));
    assertEquals("DataError/0", o.getString("wrongAlg"));
    assertEquals("DataError/0", o.getString("wrongKty"));
    assertEquals("DataError/0", o.getString("noK"));
    assertEquals("DataError/0", o.getString("padded"));
    assertEquals("DataError/0", o.getString("standardAlphabet"));
    assertEquals("DataError/0", o.getString("encUse"));
    assertEquals("SyntaxError/12", o.getString("encUseNoUsages"));
    assertEquals("DataError/0", o.getString("opsMissing"));
    assertEquals("DataError/0", o.getString("opsDuplicated"));
    assertEquals("DataError/0", o.getString("notExtractable"));
    assertEquals(128, o.getInteger("notExtractableImportedSo"));
    assertEquals("TypeError", o.getString("notAnObject"));
  }

  @Test
  void generateKeyMakesUsableHmacKeys() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const gen = (alg, usages = ['sign', 'verify'], extractable = true) => subtle.generateKey(alg, extractable, usages);
        const k256 = await gen({ name: 'HMAC', hash: 'SHA-256' });
        const k512 = await gen({ name: 'HMAC', hash: { name: 'SHA-512' } });
        const k100 = await gen({ name: 'HMAC', hash: 'SHA-1', length: 100 });
        const raw100 = new Uint8Array(await subtle.exportKey('raw', k100));
        const data = utf8('payload');
        const other = await gen({ name: 'HMAC', hash: 'SHA-256' });
        return {
          algorithms: [k256.algorithm, k512.algorithm, k100.algorithm],
          usages: k256.usages, extractable: k256.extractable,
          rawLengths: [(await subtle.exportKey('raw', k256)).byteLength, (await subtle.exportKey('raw', k512)).byteLength, raw100.length],
          // 100 bits: the 13th byte keeps only its first 4 bits.
          lastBits: raw100[12] & 0x0f,
          verifies: await subtle.verify('HMAC', k256, await subtle.sign('HMAC', k256, data), data),
          otherKey: await subtle.verify('HMAC', other, await subtle.sign('HMAC', k256, data), data),
          differ: hex(await subtle.exportKey('raw', k256)) !== hex(await subtle.exportKey('raw', other)),
          zeroLength: await outcome(() => gen({ name: 'HMAC', hash: 'SHA-256', length: 0 })),
          noUsages: await outcome(() => gen({ name: 'HMAC', hash: 'SHA-256' }, [])),
          encrypt: await outcome(() => gen({ name: 'HMAC', hash: 'SHA-256' }, ['encrypt'])),
          noHash: await outcome(() => gen({ name: 'HMAC' })),
          hidden: await outcome(async () => subtle.exportKey('raw', await gen({ name: 'HMAC', hash: 'SHA-256' }, ['sign'], false))),
          chacha: await outcome(() => gen({ name: 'ChaCha20-Poly1305' }, ['encrypt', 'decrypt'])),
          ed448: await outcome(() => gen('Ed448', ['sign', 'verify'])),
          // HKDF keys are imported, never generated.
          hkdf: await outcome(() => gen('HKDF', ['deriveBits'])),
        };
        """);
    assertEquals(new JsonArray("[{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-256\"},\"length\":512},"
        + "{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-512\"},\"length\":1024},"
        + "{\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-1\"},\"length\":100}]"), o.getJsonArray("algorithms"));
    assertEquals(new JsonArray("[\"sign\",\"verify\"]"), o.getJsonArray("usages"));
    assertEquals(true, o.getBoolean("extractable"));
    assertEquals(new JsonArray("[64,128,13]"), o.getJsonArray("rawLengths"));
    assertEquals(0, o.getInteger("lastBits"));
    assertEquals(true, o.getBoolean("verifies"));
    assertEquals(false, o.getBoolean("otherKey"));
    assertEquals(true, o.getBoolean("differ"));
    assertEquals("OperationError/0", o.getString("zeroLength"));
    assertEquals("SyntaxError/12", o.getString("noUsages"));
    assertEquals("SyntaxError/12", o.getString("encrypt"));
    assertEquals("TypeError", o.getString("noHash"));
    assertEquals("InvalidAccessError/15", o.getString("hidden"));
    assertEquals("NotSupportedError/9", o.getString("chacha"));
    assertEquals("NotSupportedError/9", o.getString("ed448"));
    assertEquals("NotSupportedError/9", o.getString("hkdf"));
  }

  @Test
  void operationsNoAlgorithmHasRejectWithNotSupportedError() throws Exception {
    JsonObject o = run("""
        const subtle = crypto.subtle;
        const key = await subtle.importKey('raw', repeat(1, 32), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        const iv = new Uint8Array(12);
        return {
          encrypt: await outcome(() => subtle.encrypt({ name: 'ChaCha20-Poly1305', iv }, key, utf8('x'))),
          decrypt: await outcome(() => subtle.decrypt({ name: 'ChaCha20-Poly1305', iv }, key, utf8('x'))),
          encryptNotAKey: await outcome(() => subtle.encrypt({ name: 'ChaCha20-Poly1305', iv }, 'key', utf8('x'))),
          deriveBits: await outcome(() => subtle.deriveBits({ name: 'X448', public: key }, key, 256)),
          deriveKey: await outcome(() => subtle.deriveKey({ name: 'Argon2id', nonce: iv }, key,
            { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          wrapKey: await outcome(() => subtle.wrapKey('raw', key, key, 'ChaCha20-Poly1305')),
          unwrapKey: await outcome(() => subtle.unwrapKey('raw', iv, key, 'ChaCha20-Poly1305', { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          hmacEncrypt: await outcome(() => subtle.encrypt('HMAC', key, utf8('x'))),
          hmacDeriveBits: await outcome(() => subtle.deriveBits('HMAC', key, 8)),
          hmacWrapKey: await outcome(() => subtle.wrapKey('raw', key, key, 'HMAC')),
          sign: await outcome(() => subtle.sign('Ed448', key, utf8('x'))),
          importEd448: await outcome(() => subtle.importKey('raw', repeat(1, 57), 'Ed448', true, ['verify'])),
          lengths: [subtle.digest.length, subtle.sign.length, subtle.verify.length, subtle.importKey.length,
            subtle.exportKey.length, subtle.generateKey.length, subtle.deriveBits.length, subtle.unwrapKey.length],
        };
        """);
    for (String op : new String[] {"encrypt", "decrypt", "deriveBits", "deriveKey", "wrapKey", "unwrapKey",
        "hmacEncrypt", "hmacDeriveBits", "hmacWrapKey", "sign", "importEd448"}) {
      assertEquals("NotSupportedError/9", o.getString(op), op);
    }
    assertEquals("TypeError", o.getString("encryptNotAKey"));
    assertEquals(new JsonArray("[2,3,4,5,2,3,2,7]"), o.getJsonArray("lengths"));
  }

  @Test
  void getRandomValuesFillsIntegerArraysOnly() throws Exception {
    JsonObject o = run("""
        const attempt = (f) => { try { return f(); } catch (e) { return e.name + (e instanceof DOMException ? '/' + e.code : ''); } };
        const a = new Uint8Array(64);
        const same = crypto.getRandomValues(a) === a;
        const backing = new Uint8Array(96);
        const view = new Uint32Array(backing.buffer, 16, 16);
        crypto.getRandomValues(view);
        const filled = (bytes) => bytes.some((b) => b !== 0);
        return {
          same, filled: filled(a),
          outsideUntouched: !filled(backing.subarray(0, 16)) && !filled(backing.subarray(80)),
          insideFilled: filled(backing.subarray(16, 80)),
          types: [Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, BigInt64Array, BigUint64Array]
            .map((T) => { const t = new T(16); return crypto.getRandomValues(t) === t && filled(new Uint8Array(t.buffer)); }),
          max: crypto.getRandomValues(new Uint8Array(65536)).length,
          maxWide: crypto.getRandomValues(new Uint32Array(16384)).length,
          empty: crypto.getRandomValues(new Uint8Array(0)).length,
          tooLarge: attempt(() => crypto.getRandomValues(new Uint8Array(65537))),
          tooLargeWide: attempt(() => crypto.getRandomValues(new Uint32Array(16385))),
          float32: attempt(() => crypto.getRandomValues(new Float32Array(4))),
          float64: attempt(() => crypto.getRandomValues(new Float64Array(4))),
          dataView: attempt(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4)))),
          arrayBuffer: attempt(() => crypto.getRandomValues(new ArrayBuffer(4))),
          array: attempt(() => crypto.getRandomValues([1, 2, 3])),
          none: attempt(() => crypto.getRandomValues()),
          otherThis: attempt(() => crypto.getRandomValues.call({}, new Uint8Array(4))),
        };
        """);
    assertEquals(true, o.getBoolean("same"));
    assertEquals(true, o.getBoolean("filled"));
    assertEquals(true, o.getBoolean("outsideUntouched"));
    assertEquals(true, o.getBoolean("insideFilled"));
    assertEquals(new JsonArray("[true,true,true,true,true,true,true]"), o.getJsonArray("types"));
    assertEquals(65536, o.getInteger("max"));
    assertEquals(16384, o.getInteger("maxWide"));
    assertEquals(0, o.getInteger("empty"));
    assertEquals("QuotaExceededError/22", o.getString("tooLarge"));
    assertEquals("QuotaExceededError/22", o.getString("tooLargeWide"));
    assertEquals("TypeMismatchError/17", o.getString("float32"));
    assertEquals("TypeMismatchError/17", o.getString("float64"));
    assertEquals("TypeMismatchError/17", o.getString("dataView"));
    assertEquals("TypeError", o.getString("arrayBuffer"));
    assertEquals("TypeError", o.getString("array"));
    assertEquals("TypeError", o.getString("none"));
    assertEquals("TypeError", o.getString("otherThis"));
  }

  @Test
  void randomUuidIsVersion4AndUnique() throws Exception {
    JsonObject o = run("""
        const uuids = Array.from({ length: 1000 }, () => crypto.randomUUID());
        const format = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
        return { all: uuids.every((u) => format.test(u)), unique: new Set(uuids).size, type: typeof uuids[0] };
        """);
    assertEquals(true, o.getBoolean("all"));
    assertEquals(1000, o.getInteger("unique"));
    assertEquals("string", o.getString("type"));
  }

  @Test
  void interfacesAreGlobalsAndNotConstructible() throws Exception {
    JsonObject o = run("""
        const attempt = (f) => { try { f(); return 'constructed'; } catch (e) { return e.name; } };
        const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        const getter = (C, name) => Object.getOwnPropertyDescriptor(C.prototype, name).get;
        return {
          types: [typeof Crypto, typeof SubtleCrypto, typeof CryptoKey],
          instances: [crypto instanceof Crypto, crypto.subtle instanceof SubtleCrypto, key instanceof CryptoKey],
          sameSubtle: crypto.subtle === crypto.subtle,
          tags: [String(crypto), String(crypto.subtle), String(key)],
          construct: [attempt(() => new CryptoKey()), attempt(() => new Crypto()), attempt(() => new SubtleCrypto())],
          brand: [attempt(() => getter(CryptoKey, 'type').call({})), attempt(() => getter(Crypto, 'subtle').call({}))],
          // The prelude's structuredClone treats CryptoKey as a platform object without serialization steps.
          clone: attempt(() => structuredClone(key)),
          enumerable: Object.keys(globalThis).includes('crypto'),
          notEnumerable: ['Crypto', 'SubtleCrypto', 'CryptoKey'].filter((n) => Object.keys(globalThis).includes(n)),
        };
        """);
    assertEquals(new JsonArray("[\"function\",\"function\",\"function\"]"), o.getJsonArray("types"));
    assertEquals(new JsonArray("[true,true,true]"), o.getJsonArray("instances"));
    assertEquals(true, o.getBoolean("sameSubtle"));
    assertEquals(new JsonArray("[\"[object Crypto]\",\"[object SubtleCrypto]\",\"[object CryptoKey]\"]"), o.getJsonArray("tags"));
    assertEquals(new JsonArray("[\"TypeError\",\"TypeError\",\"TypeError\"]"), o.getJsonArray("construct"));
    assertEquals(new JsonArray("[\"TypeError\",\"TypeError\"]"), o.getJsonArray("brand"));
    assertEquals("DataCloneError", o.getString("clone"));
    assertEquals(true, o.getBoolean("enumerable"));
    assertEquals(new JsonArray(), o.getJsonArray("notEnumerable"));
  }
}
