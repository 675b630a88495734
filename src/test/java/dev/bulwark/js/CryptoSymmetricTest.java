package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.NodeJs;
import dev.bulwark.api.Request;
import dev.bulwark.worker.BudgetExceededException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web Crypto's AES-CTR, AES-CBC, AES-GCM, AES-KW, PBKDF2 and HKDF (48-crypto-symmetric.js) in a real isolate: the
 * NIST, GCM-spec and RFC known answers, the standard's errors, the core's deriveKey / wrapKey / unwrapKey with these
 * algorithms, and interoperation with Node.js's webcrypto in both directions.
 */
class CryptoSymmetricTest {
  /** Helpers every script here starts with (as in CryptoTest), and unhex. */
  private static final String HELPERS = CryptoScripts.HELPERS + """
      const subtle = crypto.subtle;
      const aes = (name, bytes, usages = ['encrypt', 'decrypt'], extractable = true) =>
        subtle.importKey('raw', unhex(bytes), name, extractable, usages);
      """;

  private static JsonObject run(String body) throws Exception {
    return (JsonObject) JsHarness.eval(HELPERS + body);
  }

  private static Map<String, Object> expect(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  // NIST SP 800-38A appendix F: the plaintext and keys of F.2 (CBC) and F.5 (CTR).
  private static final String NIST_PLAIN = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
  private static final String NIST_K128 = "2b7e151628aed2a6abf7158809cf4f3c";
  private static final String NIST_K256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
  private static final String CBC_F21 = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
      + "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";
  private static final String CBC_F25 = "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
      + "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b";
  private static final String CTR_F51 = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
      + "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";
  private static final String CTR_F55 = "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
      + "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6";
  // The GCM specification (McGrew & Viega), test cases 3, 4 and 16.
  private static final String GCM_K = "feffe9928665731c6d6a8f9467308308";
  private static final String GCM_P = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
  private static final String GCM_C3 = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985";
  private static final String GCM_C16 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";

  @Test
  void aesModesMatchTheNistAndGcmKnownAnswers() throws Exception {
    JsonObject o = run("""
        const P = unhex('%s'), iv = unhex('000102030405060708090a0b0c0d0e0f'), counter = unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
        const out = {};
        for (const [name, k] of [['128', '%s'], ['256', '%s']]) {
          const cbc = await aes('AES-CBC', k), ctr = await aes('AES-CTR', k);
          const c = await subtle.encrypt({ name: 'AES-CBC', iv }, cbc, P);
          // PKCS#7 adds a whole block of 16 bytes of 0x10 to 64 bytes: the NIST blocks, then one more.
          out['cbc' + name] = hex(c).slice(0, 128);
          out['cbcLength' + name] = c.byteLength;
          out['cbcBack' + name] = hex(await subtle.decrypt({ name: 'AES-CBC', iv }, cbc, c));
          out['ctr' + name] = hex(await subtle.encrypt({ name: 'AES-CTR', counter, length: 128 }, ctr, P));
          // The low 32 bits (fcfdfeff) do not wrap in four blocks: a 32-bit counter gives the same.
          out['ctr32_' + name] = hex(await subtle.encrypt({ name: 'aes-ctr', counter, length: 32 }, ctr, P));
          out['ctrBack' + name] = hex(await subtle.decrypt({ name: 'AES-CTR', counter, length: 128 }, ctr, unhex(out['ctr' + name])));
        }
        const gcm = (k, p, ivHex, aad) => aes('AES-GCM', k).then((key) => subtle.encrypt(
          aad === undefined ? { name: 'AES-GCM', iv: unhex(ivHex) } : { name: 'AES-GCM', iv: unhex(ivHex), additionalData: unhex(aad) },
          key, unhex(p))).then(hex);
        const A = 'feedfacedeadbeeffeedfacedeadbeefabaddad2', IV = 'cafebabefacedbaddecaf888';
        out.gcm2 = await gcm('00000000000000000000000000000000', '00000000000000000000000000000000', '000000000000000000000000');
        out.gcm3 = await gcm('%s', '%s', IV);
        out.gcm4 = await gcm('%s', '%s'.slice(0, 120), IV, A);
        out.gcm16 = await gcm('%s'.repeat(2), '%s'.slice(0, 120), IV, A);
        const k16 = await aes('AES-GCM', '%s'.repeat(2));
        out.gcm16Back = hex(await subtle.decrypt({ name: 'AES-GCM', iv: unhex(IV), additionalData: unhex(A), tagLength: 128 }, k16, unhex(out.gcm16)));
        // Shorter tags are the leading bytes of the full one.
        for (const t of [32, 64, 96, 104, 112, 120]) {
          const c = await subtle.encrypt({ name: 'AES-GCM', iv: unhex(IV), additionalData: unhex(A), tagLength: t }, k16, unhex('%s'.slice(0, 120)));
          out['gcm16tag' + t] = hex(c);
          out['gcm16tagBack' + t] = hex(await subtle.decrypt({ name: 'AES-GCM', iv: unhex(IV), additionalData: unhex(A), tagLength: t }, k16, c));
        }
        return out;
        """.formatted(NIST_PLAIN, NIST_K128, NIST_K256, GCM_K, GCM_P, GCM_K, GCM_P, GCM_K, GCM_P, GCM_K, GCM_P));
    String tag16 = "76fc6ece0f4e1768cddf8853bb2d551b";
    Map<String, Object> expected = expect(
        "cbc128", CBC_F21, "cbcLength128", 80, "cbcBack128", NIST_PLAIN, "ctr128", CTR_F51, "ctr32_128", CTR_F51,
        "ctrBack128", NIST_PLAIN,
        "cbc256", CBC_F25, "cbcLength256", 80, "cbcBack256", NIST_PLAIN, "ctr256", CTR_F55, "ctr32_256", CTR_F55,
        "ctrBack256", NIST_PLAIN,
        "gcm2", "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf",
        "gcm3", GCM_C3 + "4d5c2af327cd64a62cf35abd2ba6fab4",
        "gcm4", GCM_C3.substring(0, 120) + "5bc94fbc3221a5db94fae95ae7121a47",
        "gcm16", GCM_C16 + tag16, "gcm16Back", GCM_P.substring(0, 120));
    for (int t : new int[] {32, 64, 96, 104, 112, 120}) {
      expected.put("gcm16tag" + t, GCM_C16 + tag16.substring(0, t / 4));
      expected.put("gcm16tagBack" + t, GCM_P.substring(0, 120));
    }
    assertEquals(expected, o.getMap());
  }

  @Test
  void aesCtrCounterWrapsOnItsRightmostBits() throws Exception {
    JsonObject o = run("""
        const key = await aes('AES-CTR', '2b7e151628aed2a6abf7158809cf4f3c');
        const data = repeat(0, 48);
        const at = (hexBlock) => unhex(hexBlock);
        // Reference: each block alone with a full 128-bit counter block given explicitly.
        const block = async (c) => hex(await subtle.encrypt({ name: 'AES-CTR', counter: at(c), length: 128 }, key, repeat(0, 16)));
        const ctr = (c, length, d = data) => outcome(() => subtle.encrypt({ name: 'AES-CTR', counter: at(c), length }, key, d));
        return {
          // An 8-bit counter at fe: fe, ff, then 00 with the other 120 bits unchanged (no carry into ...aa).
          wrap8: await ctr('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaafe', 8),
          wrap8Reference: (await block('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaafe')) + (await block('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaff'))
            + (await block('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00')),
          // With 16 bits the same blocks carry into the next byte instead.
          carry16: await ctr('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaafe', 16),
          carry16Reference: (await block('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaafe')) + (await block('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaff'))
            + (await block('aaaaaaaaaaaaaaaaaaaaaaaaaaaaab00')),
          // A 3-bit counter field inside a byte: bits 0..2 of ...af (111) wrap to ...a8.
          wrap3: await ctr('000000000000000000000000000000af', 3, repeat(0, 32)),
          wrap3Reference: (await block('000000000000000000000000000000af')) + (await block('000000000000000000000000000000a8')),
          // 128 bits: all ones wraps to zero.
          wrap128: await ctr('ffffffffffffffffffffffffffffffff', 128, repeat(0, 32)),
          wrap128Reference: (await block('ffffffffffffffffffffffffffffffff')) + (await block('00000000000000000000000000000000')),
          // 2^length blocks is the most: a 1-bit counter encrypts 2 blocks (17..32 bytes), not 3.
          oneBitTwoBlocks: (await ctr('00000000000000000000000000000001', 1, repeat(0, 32))).length,
          oneBitThreeBlocks: await ctr('00000000000000000000000000000001', 1, repeat(0, 33)),
          eightBitsTooMany: await ctr('00000000000000000000000000000000', 8, repeat(0, 256 * 16 + 1)),
          eightBitsAll: (await ctr('00000000000000000000000000000000', 8, repeat(0, 256 * 16))).length,
          // A partial last block and empty data.
          partial: await ctr('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaff', 8, repeat(0, 20)),
          empty: await ctr('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaff', 8, new Uint8Array(0)),
        };
        """);
    assertEquals(o.getString("wrap8Reference"), o.getString("wrap8"));
    assertEquals(o.getString("carry16Reference"), o.getString("carry16"));
    assertEquals(o.getString("wrap3Reference"), o.getString("wrap3"));
    assertEquals(o.getString("wrap128Reference"), o.getString("wrap128"));
    assertEquals(64, o.getInteger("oneBitTwoBlocks"));
    assertEquals("OperationError/0", o.getString("oneBitThreeBlocks"));
    assertEquals("OperationError/0", o.getString("eightBitsTooMany"));
    assertEquals(256 * 16 * 2, o.getInteger("eightBitsAll"));
    assertEquals(o.getString("wrap8Reference").substring(32, 64) + o.getString("wrap8Reference").substring(64, 72),
        o.getString("partial"));
    assertEquals("", o.getString("empty"));
  }

  @Test
  void aesKwMatchesRfc3394() throws Exception {
    JsonObject o = run("""
        const kek128 = await aes('AES-KW', '000102030405060708090a0b0c0d0e0f', ['wrapKey', 'unwrapKey']);
        const kek256 = await aes('AES-KW', '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', ['wrapKey', 'unwrapKey']);
        const key128 = await aes('AES-GCM', '00112233445566778899aabbccddeeff');
        const key256 = await aes('AES-CBC', '00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f');
        const w41 = await subtle.wrapKey('raw', key128, kek128, 'AES-KW');
        const w46 = await subtle.wrapKey('raw', key256, kek256, { name: 'aes-kw' });
        const back = await subtle.unwrapKey('raw', w46, kek256, 'AES-KW', 'AES-CBC', true, ['decrypt']);
        const tampered = new Uint8Array(w41).slice(); tampered[5] ^= 1;
        return {
          w41: hex(w41), w46: hex(w46), back: hex(await subtle.exportKey('raw', back)),
          backAlgorithm: back.algorithm, backUsages: back.usages,
          tampered: await outcome(() => subtle.unwrapKey('raw', tampered, kek128, 'AES-KW', 'AES-GCM', true, ['encrypt'])),
          wrongKek: await outcome(() => subtle.unwrapKey('raw', w41, kek256, 'AES-KW', 'AES-GCM', true, ['encrypt'])),
          short: await outcome(() => subtle.unwrapKey('raw', new Uint8Array(w41).slice(0, 16), kek128, 'AES-KW', 'AES-GCM', true, ['encrypt'])),
          notBlocks: await outcome(() => subtle.unwrapKey('raw', new Uint8Array(w41).slice(0, 20), kek128, 'AES-KW', 'AES-GCM', true, ['encrypt'])),
          encrypt: await outcome(() => subtle.encrypt('AES-KW', kek128, repeat(0, 16))),
          decrypt: await outcome(() => subtle.decrypt('AES-KW', kek128, w41)),
        };
        """);
    assertEquals(expect(
        "w41", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
        "w46", "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",
        "back", "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
        "backAlgorithm", Map.of("name", "AES-CBC", "length", 256), "backUsages", java.util.List.of("decrypt"),
        "tampered", "OperationError/0", "wrongKek", "OperationError/0", "short", "OperationError/0",
        "notBlocks", "OperationError/0", "encrypt", "NotSupportedError/9", "decrypt", "NotSupportedError/9"),
        o.getMap());
  }

  @Test
  void pbkdf2AndHkdfMatchTheRfcKnownAnswers() throws Exception {
    JsonObject o = run("""
        const pbkdf2 = async (password, salt, iterations, bytes, hash = 'SHA-1') => {
          const key = await subtle.importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
          return hex(await subtle.deriveBits({ name: 'PBKDF2', hash, salt: utf8(salt), iterations }, key, bytes * 8));
        };
        const hkdf = async (hash, ikm, salt, info, bytes) => {
          const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
          return hex(await subtle.deriveBits({ name: 'HKDF', hash, salt, info }, key, bytes * 8));
        };
        const range = (a, b) => Uint8Array.from({ length: b - a + 1 }, (_, i) => a + i);
        let start = Date.now();
        const slow = await pbkdf2('password', 'salt', 100000, 32, 'SHA-256');
        const ms = Date.now() - start;
        start = Date.now();
        await pbkdf2('password', 'salt', 100000, 32, 'SHA-256');
        const ms2 = Date.now() - start;
        return {
          rfc6070_1: await pbkdf2('password', 'salt', 1, 20),
          rfc6070_2: await pbkdf2('password', 'salt', 2, 20),
          rfc6070_4096: await pbkdf2('password', 'salt', 4096, 20),
          rfc6070_long: await pbkdf2('passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 25),
          rfc6070_nul: await pbkdf2('pass\\0word', 'sa\\0lt', 4096, 16),
          rfc7914_1: await pbkdf2('passwd', 'salt', 1, 64, 'SHA-256'),
          rfc7914_80000: await pbkdf2('Password', 'NaCl', 80000, 64, { name: 'sha-256' }),
          rfc5869_1: await hkdf('SHA-256', repeat(0x0b, 22), unhex('000102030405060708090a0b0c'), unhex('f0f1f2f3f4f5f6f7f8f9'), 42),
          rfc5869_2: await hkdf('SHA-256', range(0, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82),
          // Test case 3: no salt (the empty one, an HMAC key of zeros) and no info.
          rfc5869_3: await hkdf('SHA-256', repeat(0x0b, 22), new Uint8Array(0), new Uint8Array(0), 42),
          rfc5869_4: await hkdf('SHA-1', repeat(0x0b, 11), unhex('000102030405060708090a0b0c'), unhex('f0f1f2f3f4f5f6f7f8f9'), 42),
          rfc5869_7: await hkdf('SHA-1', repeat(0x0c, 22), new Uint8Array(0), new Uint8Array(0), 42),
          pbkdf2Zero: await pbkdf2('password', 'salt', 1, 0),
          hkdfZero: await hkdf('SHA-256', repeat(1, 4), new Uint8Array(0), new Uint8Array(0), 0),
          hkdfMost: (await hkdf('SHA-256', repeat(1, 4), new Uint8Array(0), new Uint8Array(0), 255 * 32)).length,
          slow: slow.length, ms, ms2,
        };
        """);
    System.out.println("PBKDF2-HMAC-SHA256, 100000 iterations, 32 bytes: " + o.getInteger("ms") + " ms in the isolate, then "
        + o.getInteger("ms2") + " ms");
    o.remove("ms");
    o.remove("ms2");
    assertEquals(expect(
        "rfc6070_1", "0c60c80f961f0e71f3a9b524af6012062fe037a6",
        "rfc6070_2", "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
        "rfc6070_4096", "4b007901b765489abead49d926f721d065a429c1",
        "rfc6070_long", "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038",
        "rfc6070_nul", "56fa6aa75548099dcc37d7f03425e0c3",
        "rfc7914_1", "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
        "rfc7914_80000", "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
        "rfc5869_1", "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        "rfc5869_2", "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
            + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
        "rfc5869_3", "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        "rfc5869_4", "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896",
        "rfc5869_7", "2c91117204d745f3500d636a62f64f0ab3bae548aa53d423b0d1f27ebba6f5e5673a081d70cce7acfc48",
        "pbkdf2Zero", "", "hkdfZero", "", "hkdfMost", 255 * 32 * 2, "slow", 64), o.getMap());
  }

  @Test
  void aesKeysImportExportAndGenerateAsTheStandardSays() throws Exception {
    JsonObject o = run("""
        const k16 = 'AAECAwQFBgcICQoLDA0ODw', k24 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX';
        const jwk = (extra) => ({ kty: 'oct', k: k16, ...extra });
        const imp = (format, data, name, usages = ['encrypt'], extractable = true) =>
          outcome(() => subtle.importKey(format, data, name, extractable, usages).then((k) => k.algorithm.name + '/' + k.algorithm.length));
        const gcm = await subtle.importKey('jwk', { kty: 'oct', k: k24, alg: 'A192GCM', use: 'enc', key_ops: ['decrypt', 'encrypt', 'sign'], ext: true },
          'AES-GCM', true, ['decrypt', 'encrypt', 'decrypt']);
        const kw = await subtle.generateKey({ name: 'AES-KW', length: 256 }, true, ['unwrapKey', 'wrapKey']);
        const gen = await subtle.generateKey({ name: 'AES-CTR', length: 128 }, false, ['encrypt']);
        const hidden = await aes('AES-CBC', '000102030405060708090a0b0c0d0e0f', ['encrypt'], false);
        return {
          raw16: await imp('raw', repeat(1, 16), 'AES-CBC'), raw24: await imp('raw', repeat(1, 24), 'AES-CTR'),
          raw32: await imp('raw', repeat(1, 32), 'aes-gcm'), raw32kw: await imp('raw', repeat(1, 32), 'AES-KW', ['wrapKey']),
          raw15: await imp('raw', repeat(1, 15), 'AES-GCM'), raw17: await imp('raw', repeat(1, 17), 'AES-GCM'),
          raw0: await imp('raw', new Uint8Array(0), 'AES-GCM'), raw64: await imp('raw', repeat(1, 64), 'AES-CBC'),
          spki: await imp('spki', repeat(1, 16), 'AES-GCM'), pkcs8: await imp('pkcs8', repeat(1, 16), 'AES-CBC'),
          jwkCtr: await imp('jwk', jwk({ alg: 'A128CTR' }), 'AES-CTR'), jwkCbc: await imp('jwk', jwk({ alg: 'A128CBC' }), 'AES-CBC'),
          jwkKw: await imp('jwk', jwk({ alg: 'A128KW' }), 'AES-KW', ['unwrapKey']), jwkNoAlg: await imp('jwk', jwk({}), 'AES-GCM'),
          jwkWrongAlg: await imp('jwk', jwk({ alg: 'A128CBC' }), 'AES-GCM'), jwkWrongSize: await imp('jwk', jwk({ alg: 'A256GCM' }), 'AES-GCM'),
          jwkKty: await imp('jwk', jwk({ kty: 'RSA' }), 'AES-GCM'), jwkNoK: await imp('jwk', { kty: 'oct' }, 'AES-GCM'),
          jwkBadK: await imp('jwk', jwk({ k: 'AAEC+wQFBgcICQoLDA0ODw' }), 'AES-GCM'), jwkPadded: await imp('jwk', jwk({ k: k16 + '==' }), 'AES-GCM'),
          jwkLength: await imp('jwk', jwk({ k: 'AAECAwQFBgcICQoLDA0O' }), 'AES-GCM'),
          jwkUse: await imp('jwk', jwk({ use: 'sig' }), 'AES-GCM'), jwkUseNoUsages: await imp('jwk', jwk({ use: 'sig' }), 'AES-GCM', []),
          jwkOps: await imp('jwk', jwk({ key_ops: ['decrypt'] }), 'AES-GCM'), jwkOpsDup: await imp('jwk', jwk({ key_ops: ['encrypt', 'encrypt'] }), 'AES-GCM'),
          jwkExt: await imp('jwk', jwk({ ext: false }), 'AES-GCM'), jwkExtOk: await imp('jwk', jwk({ ext: false }), 'AES-GCM', ['encrypt'], false),
          usageSign: await imp('raw', repeat(1, 16), 'AES-GCM', ['sign']), usageKwEncrypt: await imp('raw', repeat(1, 16), 'AES-KW', ['encrypt']),
          usageEmpty: await imp('raw', repeat(1, 16), 'AES-GCM', []), usageBeforeFormat: await imp('spki', repeat(1, 16), 'AES-GCM', ['sign']),
          usageBeforeLength: await imp('raw', repeat(1, 3), 'AES-CBC', ['deriveBits']),
          gcm: { type: gcm.type, extractable: gcm.extractable, algorithm: gcm.algorithm, usages: gcm.usages },
          gcmJwk: await subtle.exportKey('jwk', gcm), gcmRaw: hex(await subtle.exportKey('raw', gcm)),
          kw: { algorithm: kw.algorithm, usages: kw.usages, bytes: (await subtle.exportKey('raw', kw)).byteLength },
          kwJwk: Object.keys(await subtle.exportKey('jwk', kw)).join(), kwAlg: (await subtle.exportKey('jwk', kw)).alg,
          gen: { type: gen.type, extractable: gen.extractable, algorithm: gen.algorithm, usages: gen.usages },
          genDiffer: hex(await subtle.exportKey('raw', kw)) !== hex(await subtle.exportKey('raw',
            await subtle.generateKey({ name: 'AES-KW', length: 256 }, true, ['wrapKey']))),
          exportSpki: await outcome(() => subtle.exportKey('spki', gcm)), exportHidden: await outcome(() => subtle.exportKey('raw', hidden)),
          exportGenHidden: await outcome(() => subtle.exportKey('jwk', gen)),
          gen100: await outcome(() => subtle.generateKey({ name: 'AES-GCM', length: 100 }, true, ['encrypt'])),
          gen512: await outcome(() => subtle.generateKey({ name: 'AES-GCM', length: 512 }, true, ['encrypt'])),
          genNoLength: await outcome(() => subtle.generateKey({ name: 'AES-GCM' }, true, ['encrypt'])),
          genHuge: await outcome(() => subtle.generateKey({ name: 'AES-GCM', length: 65536 }, true, ['encrypt'])),
          genUsage: await outcome(() => subtle.generateKey({ name: 'AES-KW', length: 128 }, true, ['encrypt'])),
          genEmpty: await outcome(() => subtle.generateKey({ name: 'AES-CBC', length: 128 }, true, [])),
          genUsageFirst: await outcome(() => subtle.generateKey({ name: 'AES-CBC', length: 100 }, true, ['sign'])),
        };
        """);
    Map<String, Object> expected = expect(
        "raw16", "AES-CBC/128", "raw24", "AES-CTR/192", "raw32", "AES-GCM/256", "raw32kw", "AES-KW/256",
        "raw15", "DataError/0", "raw17", "DataError/0", "raw0", "DataError/0", "raw64", "DataError/0",
        "spki", "NotSupportedError/9", "pkcs8", "NotSupportedError/9",
        "jwkCtr", "AES-CTR/128", "jwkCbc", "AES-CBC/128", "jwkKw", "AES-KW/128", "jwkNoAlg", "AES-GCM/128",
        "jwkWrongAlg", "DataError/0", "jwkWrongSize", "DataError/0", "jwkKty", "DataError/0", "jwkNoK", "DataError/0",
        "jwkBadK", "DataError/0", "jwkPadded", "DataError/0", "jwkLength", "DataError/0",
        "jwkUse", "DataError/0", "jwkUseNoUsages", "SyntaxError/12", "jwkOps", "DataError/0", "jwkOpsDup", "DataError/0",
        "jwkExt", "DataError/0", "jwkExtOk", "AES-GCM/128",
        "usageSign", "SyntaxError/12", "usageKwEncrypt", "SyntaxError/12", "usageEmpty", "SyntaxError/12",
        "usageBeforeFormat", "SyntaxError/12", "usageBeforeLength", "SyntaxError/12",
        "gcm", Map.of("type", "secret", "extractable", true, "algorithm", Map.of("name", "AES-GCM", "length", 192),
            "usages", java.util.List.of("encrypt", "decrypt")),
        "gcmJwk", Map.of("alg", "A192GCM", "ext", true, "k", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX",
            "key_ops", java.util.List.of("encrypt", "decrypt"), "kty", "oct"),
        "gcmRaw", "000102030405060708090a0b0c0d0e0f1011121314151617",
        "kw", Map.of("algorithm", Map.of("name", "AES-KW", "length", 256), "usages", java.util.List.of("wrapKey", "unwrapKey"),
            "bytes", 32),
        "kwJwk", "alg,ext,k,key_ops,kty", "kwAlg", "A256KW",
        "gen", Map.of("type", "secret", "extractable", false, "algorithm", Map.of("name", "AES-CTR", "length", 128),
            "usages", java.util.List.of("encrypt")),
        "genDiffer", true,
        "exportSpki", "NotSupportedError/9", "exportHidden", "InvalidAccessError/15", "exportGenHidden", "InvalidAccessError/15",
        "gen100", "OperationError/0", "gen512", "OperationError/0", "genNoLength", "TypeError", "genHuge", "TypeError",
        "genUsage", "SyntaxError/12", "genEmpty", "SyntaxError/12", "genUsageFirst", "SyntaxError/12");
    assertEquals(expected, o.getMap());
  }

  @Test
  void aesOperationsRejectWhatTheStandardRejects() throws Exception {
    JsonObject o = run("""
        const k = '000102030405060708090a0b0c0d0e0f';
        const gcm = await aes('AES-GCM', k), cbc = await aes('AES-CBC', k), ctr = await aes('AES-CTR', k);
        const encOnly = await aes('AES-GCM', k, ['encrypt']);
        const iv = repeat(7, 12), aad = utf8('header');
        const data = utf8('attack at dawn, attack at dawn!');
        const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, gcm, data));
        const flip = (bytes, i) => { const c = bytes.slice(); c[i] ^= 1; return c; };
        const open = (c, params = {}, key = gcm) => outcome(() => subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, ...params }, key, c)
          .then((p) => new TextDecoder().decode(p)));
        const seal32 = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 32 }, gcm, data));
        const cbcIv = repeat(9, 16);
        const cbcSealed = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: cbcIv }, cbc, data));
        const counter = repeat(0, 16);
        return {
          gcmOpen: await open(sealed), gcmLength: sealed.length,
          gcmTamperedCiphertext: await open(flip(sealed, 3)), gcmTamperedTag: await open(flip(sealed, sealed.length - 1)),
          gcmWrongAad: await open(sealed, { additionalData: utf8('Header') }), gcmNoAad: await open(sealed, { additionalData: undefined }),
          gcmWrongIv: await open(sealed, { iv: repeat(8, 12) }), gcmWrongKey: await open(sealed, {}, await aes('AES-GCM', '00'.repeat(16))),
          gcmWrongTagLength: await open(sealed, { tagLength: 96 }),
          gcmShort: await open(sealed.slice(0, 15)), gcmTagOnly: await open(sealed.slice(sealed.length - 16)),
          gcmEmptyPlain: hex(await subtle.encrypt({ name: 'AES-GCM', iv }, gcm, new Uint8Array(0))).length,
          gcm32Open: await open(seal32, { tagLength: 32, additionalData: undefined }), gcm32Length: seal32.length,
          gcm32Tampered: await open(flip(seal32, seal32.length - 1), { tagLength: 32, additionalData: undefined }),
          gcm32TamperedData: await open(flip(seal32, 0), { tagLength: 32, additionalData: undefined }),
          gcm32Short: await open(seal32.slice(0, 3), { tagLength: 32, additionalData: undefined }),
          gcmLongIv: await open(new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: repeat(1, 60) }, gcm, data)), { iv: repeat(1, 60), additionalData: undefined }),
          gcmEmptyIv: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(0) }, gcm, data)),
          gcmEmptyIvDecrypt: await open(sealed, { iv: new Uint8Array(0) }),
          gcmNoIv: await outcome(() => subtle.encrypt({ name: 'AES-GCM' }, gcm, data)),
          gcmIvString: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv: 'abcdefabcdef' }, gcm, data)),
          gcmAadNumber: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv, additionalData: 5 }, gcm, data)),
          gcmTag0: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 0 }, gcm, data)),
          gcmTag33: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 33 }, gcm, data)),
          gcmTag256: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 256 }, gcm, data)),
          gcmTagDecrypt40: await open(sealed, { tagLength: 40 }),
          gcmUsage: await outcome(() => subtle.decrypt({ name: 'AES-GCM', iv }, encOnly, sealed)),
          gcmOtherKey: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv }, cbc, data)),
          gcmNotKey: await outcome(() => subtle.encrypt({ name: 'AES-GCM', iv }, {}, data)),
          cbcOpen: new TextDecoder().decode(await subtle.decrypt({ name: 'AES-CBC', iv: cbcIv }, cbc, cbcSealed)),
          cbcLength: cbcSealed.length, cbcEmpty: hex(await subtle.encrypt({ name: 'AES-CBC', iv: cbcIv }, cbc, new Uint8Array(0))).length,
          cbcIv15: await outcome(() => subtle.encrypt({ name: 'AES-CBC', iv: repeat(0, 15) }, cbc, data)),
          cbcIv17Decrypt: await outcome(() => subtle.decrypt({ name: 'AES-CBC', iv: repeat(0, 17) }, cbc, cbcSealed)),
          cbcNoIv: await outcome(() => subtle.encrypt({ name: 'AES-CBC' }, cbc, data)),
          cbcPartialBlock: await outcome(() => subtle.decrypt({ name: 'AES-CBC', iv: cbcIv }, cbc, cbcSealed.slice(0, 17))),
          cbcNothing: await outcome(() => subtle.decrypt({ name: 'AES-CBC', iv: cbcIv }, cbc, new Uint8Array(0))),
          // The last block of a 16-byte plaintext of 16 x 0x10 ... : decrypting another key's ciphertext gives a bad padding.
          cbcBadPadding: await outcome(() => subtle.decrypt({ name: 'AES-CBC', iv: cbcIv }, cbc,
            new Uint8Array(16).fill(0x55))),
          ctrCounter15: await outcome(() => subtle.encrypt({ name: 'AES-CTR', counter: repeat(0, 15), length: 64 }, ctr, data)),
          ctrLength0: await outcome(() => subtle.encrypt({ name: 'AES-CTR', counter, length: 0 }, ctr, data)),
          ctrLength129: await outcome(() => subtle.decrypt({ name: 'AES-CTR', counter, length: 129 }, ctr, data)),
          ctrLength256: await outcome(() => subtle.encrypt({ name: 'AES-CTR', counter, length: 256 }, ctr, data)),
          ctrNoLength: await outcome(() => subtle.encrypt({ name: 'AES-CTR', counter }, ctr, data)),
          ctrNoCounter: await outcome(() => subtle.encrypt({ name: 'AES-CTR', length: 64 }, ctr, data)),
          ctrRoundTrip: new TextDecoder().decode(await subtle.decrypt({ name: 'AES-CTR', counter, length: 64 }, ctr,
            await subtle.encrypt({ name: 'AES-CTR', counter, length: 64 }, ctr, data))),
          ctrSameLength: (await subtle.encrypt({ name: 'AES-CTR', counter, length: 64 }, ctr, data)).byteLength,
          // The parameters are copied when encrypt() is called: a later change to the iv does not show.
          ivCopied: await (async () => { const v = repeat(7, 12); const p = subtle.encrypt({ name: 'AES-GCM', iv: v, additionalData: aad }, gcm, data);
            v[0] = 0; return hex(await p) === hex(sealed); })(),
          // Members are read in the dictionary's order (additionalData, iv, tagLength), then the buffers copied.
          order: await (async () => { const seen = []; const v = repeat(7, 12); v[0] = 0;
            const params = { name: 'AES-GCM', get additionalData() { seen.push('additionalData'); return aad; },
              get iv() { seen.push('iv'); return v; }, get tagLength() { seen.push('tagLength'); v[0] = 7; return 128; } };
            const r = hex(await subtle.encrypt(params, gcm, data)) === hex(sealed); return seen.join() + '/' + r; })(),
        };
        """);
    assertEquals(expect(
        "gcmOpen", "attack at dawn, attack at dawn!", "gcmLength", 31 + 16,
        "gcmTamperedCiphertext", "OperationError/0", "gcmTamperedTag", "OperationError/0", "gcmWrongAad", "OperationError/0",
        "gcmNoAad", "OperationError/0", "gcmWrongIv", "OperationError/0", "gcmWrongKey", "OperationError/0",
        "gcmWrongTagLength", "OperationError/0", "gcmShort", "OperationError/0", "gcmTagOnly", "OperationError/0",
        "gcmEmptyPlain", 32, "gcm32Open", "attack at dawn, attack at dawn!", "gcm32Length", 35,
        "gcm32Tampered", "OperationError/0", "gcm32TamperedData", "OperationError/0", "gcm32Short", "OperationError/0",
        "gcmLongIv", "attack at dawn, attack at dawn!",
        "gcmEmptyIv", "OperationError/0", "gcmEmptyIvDecrypt", "OperationError/0", "gcmNoIv", "TypeError", "gcmIvString", "TypeError",
        "gcmAadNumber", "TypeError", "gcmTag0", "OperationError/0", "gcmTag33", "OperationError/0", "gcmTag256", "TypeError",
        "gcmTagDecrypt40", "OperationError/0", "gcmUsage", "InvalidAccessError/15", "gcmOtherKey", "InvalidAccessError/15",
        "gcmNotKey", "TypeError",
        "cbcOpen", "attack at dawn, attack at dawn!", "cbcLength", 32, "cbcEmpty", 32,
        "cbcIv15", "OperationError/0", "cbcIv17Decrypt", "OperationError/0", "cbcNoIv", "TypeError",
        "cbcPartialBlock", "OperationError/0", "cbcNothing", "OperationError/0", "cbcBadPadding", "OperationError/0",
        "ctrCounter15", "OperationError/0", "ctrLength0", "OperationError/0", "ctrLength129", "OperationError/0",
        "ctrLength256", "TypeError", "ctrNoLength", "TypeError", "ctrNoCounter", "TypeError",
        "ctrRoundTrip", "attack at dawn, attack at dawn!", "ctrSameLength", 31,
        "ivCopied", true, "order", "additionalData,iv,tagLength/true"), o.getMap());
  }

  @Test
  void pbkdf2AndHkdfKeysAndParametersAsTheStandardSays() throws Exception {
    JsonObject o = run("""
        const pbkdf2 = await subtle.importKey('raw', utf8('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
        const hkdf = await subtle.importKey('raw', repeat(0x0b, 22), { name: 'hkdf' }, false, ['deriveKey', 'deriveBits']);
        const bitsOnly = await subtle.importKey('raw', utf8('password'), 'PBKDF2', false, ['deriveBits']);
        const empty = await subtle.importKey('raw', new Uint8Array(0), 'PBKDF2', false, ['deriveBits']);
        const emptyHkdf = await subtle.importKey('raw', new Uint8Array(0), 'HKDF', false, ['deriveBits']);
        const salt = utf8('salt'), info = utf8('info');
        const p = (params, length = 256, key = pbkdf2) => outcome(() => subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1, ...params }, key, length));
        const h = (params, length = 256, key = hkdf) => outcome(() => subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info, ...params }, key, length));
        const imp = (name, format, data, extractable, usages) => outcome(() => subtle.importKey(format, data, name, extractable, usages).then((k) => k.algorithm));
        return {
          pbkdf2: { type: pbkdf2.type, extractable: pbkdf2.extractable, algorithm: pbkdf2.algorithm, usages: pbkdf2.usages },
          hkdf: { type: hkdf.type, extractable: hkdf.extractable, algorithm: hkdf.algorithm, usages: hkdf.usages },
          pExtractable: await imp('PBKDF2', 'raw', salt, true, ['deriveBits']), hExtractable: await imp('HKDF', 'raw', salt, true, ['deriveBits']),
          pUsage: await imp('PBKDF2', 'raw', salt, false, ['encrypt']), hUsage: await imp('HKDF', 'raw', salt, false, ['sign']),
          pEmptyUsages: await imp('PBKDF2', 'raw', salt, false, []), hEmptyUsages: await imp('HKDF', 'raw', salt, false, []),
          pJwk: await imp('PBKDF2', 'jwk', { kty: 'oct', k: 'AAAA' }, false, ['deriveBits']),
          hJwk: await imp('HKDF', 'jwk', { kty: 'oct', k: 'AAAA' }, false, ['deriveBits']),
          pSpki: await imp('PBKDF2', 'spki', salt, false, ['deriveBits']), hPkcs8: await imp('HKDF', 'pkcs8', salt, false, ['deriveBits']),
          pFormatFirst: await imp('PBKDF2', 'spki', salt, true, ['encrypt']),
          pExport: await outcome(() => subtle.exportKey('raw', pbkdf2)), hExport: await outcome(() => subtle.exportKey('raw', hkdf)),
          pGenerate: await outcome(() => subtle.generateKey({ name: 'PBKDF2' }, false, ['deriveBits'])),
          hGenerate: await outcome(() => subtle.generateKey('HKDF', false, ['deriveBits'])),
          pEncrypt: await outcome(() => subtle.encrypt('PBKDF2', pbkdf2, salt)),
          pNull: await p({}, null), pOdd: await p({}, 7), pZero: await p({}, 0), pZeroIterations: await p({ iterations: 0 }),
          pZeroIterationsZeroLength: await p({ iterations: 0 }, 0), pNullZeroIterations: await p({ iterations: 0 }, null),
          pNegative: await p({ iterations: -1 }), pNaN: await p({ iterations: NaN }), pNoIterations: await p({ iterations: undefined }),
          pNoSalt: await p({ salt: undefined }), pSaltString: await p({ salt: 'salt' }), pNoHash: await p({ hash: undefined }),
          pMd5: await p({ hash: 'MD5' }), pHmacHash: await p({ hash: { name: 'HMAC' } }),
          pBitsOnlyDeriveKey: await outcome(() => subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1 }, bitsOnly,
            { name: 'AES-GCM', length: 128 }, false, ['encrypt'])),
          pWrongAlgorithm: await outcome(() => subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, pbkdf2, 256)),
          pEmptyPassword: await p({}, 256, empty),
          pLong: (await p({ hash: 'SHA-1' }, 8 * 50)).length,
          pLongPrefix: (await p({ hash: 'SHA-1' }, 8 * 50)).slice(0, 40) === (await p({ hash: 'SHA-1' }, 160)),
          pSha512: (await p({ hash: 'SHA-512' }, 1024)).length, pSha384: (await p({ hash: 'SHA-384' }, 8)).length,
          hNull: await h({}, null), hOdd: await h({}, 12), hZero: await h({}, 0), hTooLong: await h({}, 255 * 256 + 8),
          hMost: (await h({}, 255 * 256)).length, hSha1TooLong: await h({ hash: 'SHA-1' }, 255 * 160 + 8),
          hNoInfo: await h({ info: undefined }), hNoSalt: await h({ salt: undefined }), hNoHash: await h({ hash: undefined }),
          hInfoNumber: await h({ info: 1 }), hSha3: await h({ hash: 'SHA3-256' }), hEmptyKey: await h({}, 256, emptyHkdf),
          hPrefix: (await h({}, 512)).slice(0, 64) === (await h({}, 256)),
          // Members in the dictionary's order (hash, info, salt), the hash normalized and the buffers copied after.
          hOrder: await (async () => { const seen = []; const i = utf8('info'); i[0] = 0;
            const params = { name: 'HKDF', get hash() { seen.push('hash'); return { get name() { seen.push('hash.name'); return 'SHA-256'; } }; },
              get info() { seen.push('info'); return i; }, get salt() { seen.push('salt'); i[0] = 105; return salt; } };
            const r = hex(await subtle.deriveBits(params, hkdf, 256)) === await h({}); return seen.join() + '/' + r; })(),
          pOrder: await (async () => { const seen = [];
            const params = { name: 'PBKDF2', get hash() { seen.push('hash'); return 'SHA-256'; },
              get iterations() { seen.push('iterations'); return 1; }, get salt() { seen.push('salt'); return salt; } };
            await subtle.deriveBits(params, pbkdf2, 256); return seen.join(); })(),
        };
        """);
    String noSuchKey = "NotSupportedError/9";
    assertEquals(expect(
        "pbkdf2", Map.of("type", "secret", "extractable", false, "algorithm", Map.of("name", "PBKDF2"),
            "usages", java.util.List.of("deriveKey", "deriveBits")),
        "hkdf", Map.of("type", "secret", "extractable", false, "algorithm", Map.of("name", "HKDF"),
            "usages", java.util.List.of("deriveKey", "deriveBits")),
        "pExtractable", "SyntaxError/12", "hExtractable", "SyntaxError/12", "pUsage", "SyntaxError/12", "hUsage", "SyntaxError/12",
        "pEmptyUsages", "SyntaxError/12", "hEmptyUsages", "SyntaxError/12", "pJwk", noSuchKey, "hJwk", noSuchKey,
        "pSpki", noSuchKey, "hPkcs8", noSuchKey, "pFormatFirst", noSuchKey,
        "pExport", noSuchKey, "hExport", noSuchKey, "pGenerate", noSuchKey, "hGenerate", noSuchKey, "pEncrypt", noSuchKey,
        "pNull", "OperationError/0", "pOdd", "OperationError/0", "pZero", "", "pZeroIterations", "OperationError/0",
        "pZeroIterationsZeroLength", "OperationError/0", "pNullZeroIterations", "OperationError/0",
        "pNegative", "TypeError", "pNaN", "TypeError", "pNoIterations", "TypeError", "pNoSalt", "TypeError",
        "pSaltString", "TypeError", "pNoHash", "TypeError", "pMd5", noSuchKey, "pHmacHash", noSuchKey,
        "pBitsOnlyDeriveKey", "InvalidAccessError/15", "pWrongAlgorithm", "InvalidAccessError/15",
        // PBKDF2-HMAC-SHA256("", "salt", 1), as Node's crypto.pbkdf2Sync('', 'salt', 1, 32, 'sha256') gives it.
        "pEmptyPassword", "f135c27993baf98773c5cdb40a5706ce6a345cde61b000a67858650cd6a324d7",
        "pLong", 100, "pLongPrefix", true, "pSha512", 256, "pSha384", 2,
        "hNull", "OperationError/0", "hOdd", "OperationError/0", "hZero", "", "hTooLong", "OperationError/0",
        "hMost", 255 * 64, "hSha1TooLong", "OperationError/0",
        "hNoInfo", "TypeError", "hNoSalt", "TypeError", "hNoHash", "TypeError", "hInfoNumber", "TypeError", "hSha3", noSuchKey,
        // HKDF-SHA256 with empty key material, as Node's crypto.hkdfSync('sha256', '', 'salt', 'info', 32) gives it.
        "hEmptyKey", "7aac7b8120501c2c8e1ee50e6cde135361e99ceb9d8d406ac528b9e9175614c0",
        "hPrefix", true, "hOrder", "hash,info,salt,hash.name/true", "pOrder", "hash,iterations,salt"), o.getMap());
  }

  @Test
  void theCoreDerivesWrapsAndUnwrapsWithTheseAlgorithms() throws Exception {
    JsonObject o = run("""
        const password = await subtle.importKey('raw', utf8('correct horse'), 'PBKDF2', false, ['deriveKey', 'deriveBits']);
        const pParams = { name: 'PBKDF2', hash: 'SHA-256', salt: utf8('NaCl'), iterations: 1000 };
        const gcmKey = await subtle.deriveKey(pParams, password, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
        const kwKey = await subtle.deriveKey(pParams, password, { name: 'AES-KW', length: 128 }, true, ['wrapKey', 'unwrapKey']);
        const ikm = await subtle.importKey('raw', repeat(0x0b, 22), 'HKDF', false, ['deriveKey', 'deriveBits']);
        const hParams = { name: 'HKDF', hash: 'SHA-256', salt: utf8('s'), info: utf8('i') };
        const hmacKey = await subtle.deriveKey(hParams, ikm, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
        const hmac384 = await subtle.deriveKey(hParams, ikm, { name: 'HMAC', hash: 'SHA-384', length: 200 }, true, ['sign']);
        const iv = repeat(3, 12);
        const message = utf8('hello');
        const wrapGcm = await aes('AES-GCM', '0f'.repeat(32), ['wrapKey', 'unwrapKey']);
        const wrapCbc = await aes('AES-CBC', '0e'.repeat(16), ['wrapKey', 'unwrapKey']);
        const wrapCtr = await aes('AES-CTR', '0d'.repeat(16), ['wrapKey', 'unwrapKey']);
        const aesKey = await aes('AES-CBC', '00112233445566778899aabbccddeeff', ['encrypt', 'decrypt']);
        // JSON of an AES key's JWK: the KW wrap needs a multiple of 8 bytes; pick usages that give one, and one that does not.
        const subsets = [['encrypt'], ['decrypt'], ['encrypt', 'decrypt'], ['wrapKey'], ['encrypt', 'wrapKey'], ['decrypt', 'unwrapKey'],
          ['encrypt', 'decrypt', 'wrapKey'], ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], ['unwrapKey'], ['wrapKey', 'unwrapKey']];
        let aligned = null, unaligned = null;
        for (const bytes of ['00112233445566778899aabbccddeeff', '00112233445566778899aabbccddeeff0011223344556677', '00'.repeat(32)]) {
          for (const u of subsets) {
            const key = await aes('AES-CBC', bytes, u);
            const n = utf8(JSON.stringify(await subtle.exportKey('jwk', key))).length;
            if (n % 8 === 0) aligned ??= { key, u, bytes }; else unaligned ??= key;
          }
        }
        const alignedKey = aligned.key, unalignedKey = unaligned;
        const kwJwk = await subtle.wrapKey('jwk', alignedKey, kwKey, 'AES-KW');
        const kwJwkBack = await subtle.unwrapKey('jwk', kwJwk, kwKey, 'AES-KW', 'AES-CBC', true, aligned.u);
        const hmacWrapped = await subtle.wrapKey('raw', hmacKey, kwKey, 'AES-KW');
        const hmacBack = await subtle.unwrapKey('raw', hmacWrapped, kwKey, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
        const gcmJwk = await subtle.wrapKey('jwk', hmacKey, wrapGcm, { name: 'AES-GCM', iv });
        const gcmBack = await subtle.unwrapKey('jwk', gcmJwk, wrapGcm, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        const tampered = new Uint8Array(gcmJwk).slice(); tampered[10] ^= 0x20;
        const cbcRaw = await subtle.wrapKey('raw', aesKey, wrapCbc, { name: 'AES-CBC', iv: repeat(1, 16) });
        const cbcBack = await subtle.unwrapKey('raw', cbcRaw, wrapCbc, { name: 'AES-CBC', iv: repeat(1, 16) }, 'AES-GCM', true, ['encrypt']);
        const ctrJwk = await subtle.wrapKey('jwk', aesKey, wrapCtr, { name: 'AES-CTR', counter: repeat(0, 16), length: 64 });
        const ctrBack = await subtle.unwrapKey('jwk', ctrJwk, wrapCtr, { name: 'AES-CTR', counter: repeat(0, 16), length: 64 }, 'AES-CBC', false, ['decrypt']);
        const hmac8 = await subtle.importKey('raw', repeat(1, 8), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        const hmac12 = await subtle.importKey('raw', repeat(1, 12), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        const bits = async (params, key, n) => hex(await subtle.deriveBits(params, key, n));
        return {
          gcmKey: gcmKey.algorithm, gcmKeyUsages: gcmKey.usages,
          gcmKeyBits: hex(await subtle.exportKey('raw', gcmKey)) === await bits(pParams, password, 256),
          kwKeyBits: hex(await subtle.exportKey('raw', kwKey)) === await bits(pParams, password, 128),
          gcmWorks: new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv }, gcmKey, await subtle.encrypt({ name: 'AES-GCM', iv }, gcmKey, message))),
          hmacKey: hmacKey.algorithm,
          hmacKeyBits: hex(await subtle.exportKey('raw', hmacKey)) === await bits(hParams, ikm, 512),
          hmac384: hmac384.algorithm, hmac384Bytes: (await subtle.exportKey('raw', hmac384)).byteLength,
          deriveAes100: await outcome(() => subtle.deriveKey(pParams, password, { name: 'AES-GCM', length: 100 }, true, ['encrypt'])),
          deriveAesNoLength: await outcome(() => subtle.deriveKey(pParams, password, { name: 'AES-GCM' }, true, ['encrypt'])),
          derivePbkdf2: await outcome(() => subtle.deriveKey(pParams, password, 'PBKDF2', false, ['deriveBits'])),
          deriveHkdf: await outcome(() => subtle.deriveKey(hParams, ikm, 'HKDF', false, ['deriveBits'])),
          deriveExtractableHmacFromHkdf: (await subtle.deriveKey(hParams, ikm, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])).algorithm,
          deriveBadUsage: await outcome(() => subtle.deriveKey(pParams, password, { name: 'AES-KW', length: 128 }, true, ['encrypt'])),
          kwJwkBack: hex(await subtle.exportKey('raw', kwJwkBack)) === aligned.bytes, kwJwkBackUsages: kwJwkBack.usages.join() === aligned.u.join(),
          kwJwkLength: kwJwk.byteLength % 8,
          kwJwkUnaligned: await outcome(() => subtle.wrapKey('jwk', unalignedKey, kwKey, 'AES-KW')),
          kwHmac8: await outcome(() => subtle.wrapKey('raw', hmac8, kwKey, 'AES-KW')),
          kwHmac12: await outcome(() => subtle.wrapKey('raw', hmac12, kwKey, 'AES-KW')),
          hmacBack: hmacBack.algorithm, hmacBackExtractable: hmacBack.extractable,
          hmacBackVerifies: await subtle.verify('HMAC', hmacBack, await subtle.sign('HMAC', hmacKey, message), message),
          gcmBack: hex(await subtle.exportKey('raw', gcmBack)) === hex(await subtle.exportKey('raw', hmacKey)),
          gcmTampered: await outcome(() => subtle.unwrapKey('jwk', tampered, wrapGcm, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          kwTampered: await outcome(() => subtle.unwrapKey('raw', flipped(hmacWrapped), kwKey, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
          cbcBack: hex(await subtle.exportKey('raw', cbcBack)), cbcBackAlgorithm: cbcBack.algorithm,
          ctrBack: ctrBack.algorithm, ctrBackExtractable: ctrBack.extractable,
          // Unwrapping checks the unwrapping key's usage, and KW refuses encrypt-style use.
          unwrapUsage: await outcome(() => subtle.unwrapKey('raw', cbcRaw, aesKey, { name: 'AES-CBC', iv: repeat(1, 16) }, 'AES-GCM', true, ['encrypt'])),
          wrapWithEncryptKey: await outcome(() => subtle.wrapKey('raw', aesKey, gcmKey, { name: 'AES-GCM', iv })),
          unwrapBadKeyLength: await outcome(async () => subtle.unwrapKey('raw', await subtle.wrapKey('raw', hmac8, wrapGcm, { name: 'AES-GCM', iv }),
            wrapGcm, { name: 'AES-GCM', iv }, 'AES-GCM', true, ['encrypt'])),
          unwrapNotJson: await outcome(async () => subtle.unwrapKey('jwk', await subtle.wrapKey('raw', aesKey, wrapGcm, { name: 'AES-GCM', iv }),
            wrapGcm, { name: 'AES-GCM', iv }, 'AES-GCM', true, ['encrypt'])),
          kwUnwrapWithWrapOnly: await outcome(async () => subtle.unwrapKey('raw', hmacWrapped,
            await aes('AES-KW', '00'.repeat(16), ['wrapKey']), 'AES-KW', 'AES-GCM', true, ['encrypt'])),
        };
        function flipped(buffer) { const c = new Uint8Array(buffer).slice(); c[0] ^= 1; return c; }
        """);
    assertEquals(expect(
        "gcmKey", Map.of("name", "AES-GCM", "length", 256), "gcmKeyUsages", java.util.List.of("encrypt", "decrypt"),
        "gcmKeyBits", true, "kwKeyBits", true, "gcmWorks", "hello",
        "hmacKey", Map.of("name", "HMAC", "hash", Map.of("name", "SHA-256"), "length", 512), "hmacKeyBits", true,
        "hmac384", Map.of("name", "HMAC", "hash", Map.of("name", "SHA-384"), "length", 200), "hmac384Bytes", 25,
        "deriveAes100", "OperationError/0", "deriveAesNoLength", "TypeError", "derivePbkdf2", "OperationError/0",
        "deriveHkdf", "OperationError/0",
        "deriveExtractableHmacFromHkdf", Map.of("name", "HMAC", "hash", Map.of("name", "SHA-1"), "length", 512),
        "deriveBadUsage", "SyntaxError/12",
        "kwJwkBack", true, "kwJwkBackUsages", true, "kwJwkLength", 0,
        "kwJwkUnaligned", "OperationError/0", "kwHmac8", "OperationError/0", "kwHmac12", "OperationError/0",
        "hmacBack", Map.of("name", "HMAC", "hash", Map.of("name", "SHA-256"), "length", 512), "hmacBackExtractable", false,
        "hmacBackVerifies", true, "gcmBack", true, "gcmTampered", "OperationError/0", "kwTampered", "OperationError/0",
        "cbcBack", "00112233445566778899aabbccddeeff", "cbcBackAlgorithm", Map.of("name", "AES-GCM", "length", 128),
        "ctrBack", Map.of("name", "AES-CBC", "length", 128), "ctrBackExtractable", false,
        "unwrapUsage", "InvalidAccessError/15", "wrapWithEncryptKey", "InvalidAccessError/15",
        "unwrapBadKeyLength", "DataError/0", "unwrapNotJson", "DataError/0", "kwUnwrapWithWrapOnly", "InvalidAccessError/15"),
        o.getMap());
  }

  /** Node.js helpers: hex both ways, and the subtle of Node's webcrypto. */
  private static final String NODE_HELPERS = """
      const subtle = globalThis.crypto.subtle;
      const hex = (b) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
      const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'));
      const random = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));
      const utf8 = (s) => new TextEncoder().encode(s);
      const fail = (e) => { console.error(e); process.exit(1); };
      """;

  @Test
  void bulwarkOpensWhatNodeSeals(@TempDir Path tmp) throws Exception {
    String fromNode = NodeJs.output(tmp, NODE_HELPERS + """
        (async () => {
          const out = {};
          const data = random(100); // six and a quarter blocks
          out.data = hex(data);
          const raw = async (key) => hex(await subtle.exportKey('raw', key));
          const gcm = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
          out.gcmKey = await raw(gcm); out.gcmIv = hex(random(12)); out.aad = hex(random(20));
          out.gcm = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcmIv), additionalData: unhex(out.aad) }, gcm, data));
          out.gcm32 = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcmIv), tagLength: 32 }, gcm, data));
          out.gcm64Iv = hex(random(16));
          out.gcm64 = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcm64Iv), tagLength: 64 }, gcm, data));
          out.gcm104 = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcmIv), tagLength: 104 }, gcm, data));
          const cbc = await subtle.generateKey({ name: 'AES-CBC', length: 128 }, true, ['encrypt', 'decrypt']);
          out.cbcKey = await raw(cbc); out.cbcIv = hex(random(16));
          out.cbc = hex(await subtle.encrypt({ name: 'AES-CBC', iv: unhex(out.cbcIv) }, cbc, data));
          const ctr = await subtle.generateKey({ name: 'AES-CTR', length: 192 }, true, ['encrypt', 'decrypt']);
          out.ctrKey = await raw(ctr);
          // The rightmost 8 bits at fd: the counter wraps after three of the seven blocks.
          out.ctrCounter = hex(random(15)) + 'fd';
          out.ctr = hex(await subtle.encrypt({ name: 'AES-CTR', counter: unhex(out.ctrCounter), length: 8 }, ctr, data));
          out.ctr64 = hex(await subtle.encrypt({ name: 'AES-CTR', counter: unhex(out.ctrCounter), length: 64 }, ctr, data));
          const kw = await subtle.generateKey({ name: 'AES-KW', length: 256 }, true, ['wrapKey', 'unwrapKey']);
          out.kwKey = await raw(kw);
          const inner = await subtle.generateKey({ name: 'AES-GCM', length: 192 }, true, ['encrypt']);
          out.innerKey = await raw(inner);
          out.kwWrapped = hex(await subtle.wrapKey('raw', inner, kw, 'AES-KW'));
          const hmac = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-384' }, true, ['sign', 'verify']);
          out.hmacKey = await raw(hmac);
          out.gcmWrappedJwk = hex(await subtle.wrapKey('jwk', hmac, gcm, { name: 'AES-GCM', iv: unhex(out.gcmIv) }));
          out.password = hex(random(13)); out.salt = hex(random(16));
          const pw = await subtle.importKey('raw', unhex(out.password), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
          out.pbkdf2 = hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt: unhex(out.salt), iterations: 1000 }, pw, 8 * 72));
          const emptyPw = await subtle.importKey('raw', new Uint8Array(0), 'PBKDF2', false, ['deriveBits']);
          out.pbkdf2Empty = hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: new Uint8Array(0), iterations: 3 }, emptyPw, 8 * 30));
          out.pbkdf2Aes = await raw(await subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: unhex(out.salt), iterations: 500 }, pw,
            { name: 'AES-KW', length: 192 }, true, ['wrapKey']));
          out.ikm = hex(random(40)); out.info = hex(random(10));
          const ikm = await subtle.importKey('raw', unhex(out.ikm), 'HKDF', false, ['deriveBits', 'deriveKey']);
          out.hkdf = hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-384', salt: unhex(out.salt), info: unhex(out.info) }, ikm, 8 * 200));
          out.hkdfNoSalt = hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 256));
          out.hkdfHmac = await raw(await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: unhex(out.salt), info: unhex(out.info) }, ikm,
            { name: 'HMAC', hash: 'SHA-512' }, true, ['sign']));
          console.log(JSON.stringify(out));
        })().catch(fail);
        """);
    JsonObject node = new JsonObject(fromNode.strip());
    JsonObject o = run("""
        const n = %s;
        const key = (name, hexKey, usages = ['decrypt']) => subtle.importKey('raw', unhex(hexKey), name, false, usages);
        const gcm = await key('AES-GCM', n.gcmKey, ['decrypt', 'unwrapKey']);
        const open = async (params, k, c) => hex(await subtle.decrypt(params, k, unhex(c)));
        const kw = await key('AES-KW', n.kwKey, ['unwrapKey']);
        const inner = await subtle.unwrapKey('raw', unhex(n.kwWrapped), kw, 'AES-KW', 'AES-GCM', true, ['encrypt']);
        const hmac = await subtle.unwrapKey('jwk', unhex(n.gcmWrappedJwk), gcm, { name: 'AES-GCM', iv: unhex(n.gcmIv) },
          { name: 'HMAC', hash: 'SHA-384' }, true, ['verify']);
        const pw = await subtle.importKey('raw', unhex(n.password), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
        const emptyPw = await subtle.importKey('raw', new Uint8Array(0), 'PBKDF2', false, ['deriveBits']);
        const ikm = await subtle.importKey('raw', unhex(n.ikm), 'HKDF', false, ['deriveBits', 'deriveKey']);
        const raw = async (k) => hex(await subtle.exportKey('raw', k));
        return {
          gcm: await open({ name: 'AES-GCM', iv: unhex(n.gcmIv), additionalData: unhex(n.aad) }, gcm, n.gcm),
          gcm32: await open({ name: 'AES-GCM', iv: unhex(n.gcmIv), tagLength: 32 }, gcm, n.gcm32),
          gcm64: await open({ name: 'AES-GCM', iv: unhex(n.gcm64Iv), tagLength: 64 }, gcm, n.gcm64),
          gcm104: await open({ name: 'AES-GCM', iv: unhex(n.gcmIv), tagLength: 104 }, gcm, n.gcm104),
          gcmTampered: await outcome(() => subtle.decrypt({ name: 'AES-GCM', iv: unhex(n.gcmIv), tagLength: 32 }, gcm,
            unhex(n.gcm32.slice(0, -2) + (n.gcm32.endsWith('00') ? '01' : '00')))),
          cbc: await open({ name: 'AES-CBC', iv: unhex(n.cbcIv) }, await key('AES-CBC', n.cbcKey), n.cbc),
          ctr: await open({ name: 'AES-CTR', counter: unhex(n.ctrCounter), length: 8 }, await key('AES-CTR', n.ctrKey), n.ctr),
          ctr64: await open({ name: 'AES-CTR', counter: unhex(n.ctrCounter), length: 64 }, await key('AES-CTR', n.ctrKey), n.ctr64),
          innerKey: await raw(inner), hmacKey: await raw(hmac),
          pbkdf2: hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt: unhex(n.salt), iterations: 1000 }, pw, 8 * 72)),
          pbkdf2Empty: hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: new Uint8Array(0), iterations: 3 }, emptyPw, 8 * 30)),
          pbkdf2Aes: await raw(await subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: unhex(n.salt), iterations: 500 }, pw,
            { name: 'AES-KW', length: 192 }, true, ['wrapKey'])),
          hkdf: hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-384', salt: unhex(n.salt), info: unhex(n.info) }, ikm, 8 * 200)),
          hkdfNoSalt: hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 256)),
          hkdfHmac: await raw(await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: unhex(n.salt), info: unhex(n.info) }, ikm,
            { name: 'HMAC', hash: 'SHA-512' }, true, ['sign'])),
        };
        """.formatted(node.encode()));
    String data = node.getString("data");
    assertEquals(expect(
        "gcm", data, "gcm32", data, "gcm64", data, "gcm104", data, "gcmTampered", "OperationError/0",
        "cbc", data, "ctr", data, "ctr64", data, "innerKey", node.getString("innerKey"), "hmacKey", node.getString("hmacKey"),
        "pbkdf2", node.getString("pbkdf2"), "pbkdf2Empty", node.getString("pbkdf2Empty"), "pbkdf2Aes", node.getString("pbkdf2Aes"),
        "hkdf", node.getString("hkdf"), "hkdfNoSalt", node.getString("hkdfNoSalt"), "hkdfHmac", node.getString("hkdfHmac")),
        o.getMap());
  }

  @Test
  void nodeOpensWhatBulwarkSeals(@TempDir Path tmp) throws Exception {
    JsonObject bulwark = run("""
        const out = {};
        const data = crypto.getRandomValues(new Uint8Array(77));
        out.data = hex(data);
        const raw = async (key) => hex(await subtle.exportKey('raw', key));
        const random = (n) => hex(crypto.getRandomValues(new Uint8Array(n)));
        const gcm = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'wrapKey']);
        out.gcmKey = await raw(gcm); out.gcmIv = random(12); out.aad = random(7);
        out.gcm = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcmIv), additionalData: unhex(out.aad) }, gcm, data));
        out.gcm32 = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcmIv), tagLength: 32 }, gcm, data));
        out.gcm64Iv = random(32);
        out.gcm64 = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcm64Iv), tagLength: 64 }, gcm, data));
        out.gcm120 = hex(await subtle.encrypt({ name: 'AES-GCM', iv: unhex(out.gcmIv), tagLength: 120 }, gcm, data));
        const cbc = await subtle.generateKey({ name: 'AES-CBC', length: 256 }, true, ['encrypt']);
        out.cbcKey = await raw(cbc); out.cbcIv = random(16);
        out.cbc = hex(await subtle.encrypt({ name: 'AES-CBC', iv: unhex(out.cbcIv) }, cbc, data));
        const ctr = await subtle.generateKey({ name: 'AES-CTR', length: 128 }, true, ['encrypt']);
        out.ctrKey = await raw(ctr);
        out.ctrCounter = random(14) + 'fffe'; // a 12-bit counter at ffe wraps after two of the five blocks
        out.ctr = hex(await subtle.encrypt({ name: 'AES-CTR', counter: unhex(out.ctrCounter), length: 12 }, ctr, data));
        const kw = await subtle.generateKey({ name: 'AES-KW', length: 192 }, true, ['wrapKey']);
        out.kwKey = await raw(kw);
        const inner = await subtle.generateKey({ name: 'AES-CBC', length: 256 }, true, ['decrypt']);
        out.innerKey = await raw(inner);
        out.kwWrapped = hex(await subtle.wrapKey('raw', inner, kw, { name: 'AES-KW' }));
        const hmac = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        out.hmacKey = await raw(hmac);
        out.gcmWrappedJwk = hex(await subtle.wrapKey('jwk', hmac, gcm, { name: 'AES-GCM', iv: unhex(out.gcmIv) }));
        out.password = random(9); out.salt = random(12);
        const pw = await subtle.importKey('raw', unhex(out.password), 'PBKDF2', false, ['deriveBits']);
        out.pbkdf2 = hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-384', salt: unhex(out.salt), iterations: 777 }, pw, 8 * 100));
        out.ikm = random(16); out.info = random(33);
        const ikm = await subtle.importKey('raw', unhex(out.ikm), 'HKDF', false, ['deriveBits']);
        out.hkdf = hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-512', salt: unhex(out.salt), info: unhex(out.info) }, ikm, 8 * 130));
        return out;
        """);
    String fromNode = NodeJs.output(tmp, NODE_HELPERS + """
        const b = %s;
        (async () => {
          const key = (name, hexKey, usages = ['decrypt']) => subtle.importKey('raw', unhex(hexKey), name, true, usages);
          const open = async (params, k, c) => hex(await subtle.decrypt(params, k, unhex(c)));
          const gcm = await key('AES-GCM', b.gcmKey, ['decrypt', 'unwrapKey']);
          const kw = await key('AES-KW', b.kwKey, ['unwrapKey']);
          const out = {
            gcm: await open({ name: 'AES-GCM', iv: unhex(b.gcmIv), additionalData: unhex(b.aad) }, gcm, b.gcm),
            gcm32: await open({ name: 'AES-GCM', iv: unhex(b.gcmIv), tagLength: 32 }, gcm, b.gcm32),
            gcm64: await open({ name: 'AES-GCM', iv: unhex(b.gcm64Iv), tagLength: 64 }, gcm, b.gcm64),
            gcm120: await open({ name: 'AES-GCM', iv: unhex(b.gcmIv), tagLength: 120 }, gcm, b.gcm120),
            cbc: await open({ name: 'AES-CBC', iv: unhex(b.cbcIv) }, await key('AES-CBC', b.cbcKey), b.cbc),
            ctr: await open({ name: 'AES-CTR', counter: unhex(b.ctrCounter), length: 12 }, await key('AES-CTR', b.ctrKey), b.ctr),
            innerKey: hex(await subtle.exportKey('raw', await subtle.unwrapKey('raw', unhex(b.kwWrapped), kw, 'AES-KW', 'AES-CBC', true, ['decrypt']))),
            hmacKey: hex(await subtle.exportKey('raw', await subtle.unwrapKey('jwk', unhex(b.gcmWrappedJwk), gcm,
              { name: 'AES-GCM', iv: unhex(b.gcmIv) }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))),
            pbkdf2: hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-384', salt: unhex(b.salt), iterations: 777 },
              await subtle.importKey('raw', unhex(b.password), 'PBKDF2', false, ['deriveBits']), 8 * 100)),
            hkdf: hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-512', salt: unhex(b.salt), info: unhex(b.info) },
              await subtle.importKey('raw', unhex(b.ikm), 'HKDF', false, ['deriveBits']), 8 * 130)),
          };
          console.log(JSON.stringify(out));
        })().catch(fail);
        """.formatted(bulwark.encode()));
    JsonObject node = new JsonObject(fromNode.strip());
    String data = bulwark.getString("data");
    assertEquals(expect(
        "gcm", data, "gcm32", data, "gcm64", data, "gcm120", data, "cbc", data, "ctr", data,
        "innerKey", bulwark.getString("innerKey"), "hmacKey", bulwark.getString("hmacKey"),
        "pbkdf2", bulwark.getString("pbkdf2"), "hkdf", bulwark.getString("hkdf")), node.getMap());
  }

  /**
   * PBKDF2 runs on the isolate's thread in slices of iterations, so the CPU budget stops a derivation of 100 million
   * iterations (minutes of CPU) instead of the host call running to its end: the request fails with the budget's error.
   */
  @Test
  void theCpuBudgetStopsALongPbkdf2() throws Exception {
    String source = """
        export default { async fetch() {
          const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits']);
          const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(8), iterations: 100000000 }, key, 256);
          return new Response(String(bits.byteLength));
        } };
        """;
    try (JsHarness js = JsHarness.worker("worker.mjs", source, java.time.Duration.ofMillis(100), Map.of())) {
      BudgetExceededException e = assertThrows(BudgetExceededException.class, () -> js.fetch(Request.get("/")));
      assertTrue(e.getMessage().contains("exceeded its CPU budget of 100 ms"), e.getMessage());
    }
  }

  /**
   * The bytes of non-extractable keys never reach a script: with TypedArray's getters and methods replaced by ones
   * that record what they are called on, using AES, PBKDF2 and HKDF keys (and a key derived from them) hands none of
   * their bytes to the script, and the results are still right.
   */
  @Test
  void keyBytesDoNotReachScriptHooks() throws Exception {
    JsonObject o = run("""
        const keyHex = '6b3379'.repeat(10) + '6b33', pwHex = '70617373776f7264', ikmHex = '696b6d21'.repeat(6);
        const gcm = await aes('AES-GCM', keyHex, ['encrypt', 'decrypt', 'wrapKey'], false);
        const ctr = await aes('AES-CTR', keyHex, ['encrypt'], false);
        const cbc = await aes('AES-CBC', keyHex, ['encrypt', 'decrypt'], false);
        const kw = await aes('AES-KW', keyHex, ['wrapKey', 'unwrapKey'], false);
        const pw = await subtle.importKey('raw', unhex(pwHex), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
        const ikm = await subtle.importKey('raw', unhex(ikmHex), 'HKDF', false, ['deriveBits']);
        const pParams = { name: 'PBKDF2', hash: 'SHA-256', salt: utf8('salt'), iterations: 10 };
        const derivedHex = hex(await subtle.deriveBits(pParams, pw, 256));
        const TA = Object.getPrototypeOf(Uint8Array.prototype);
        const saved = {}, seen = [];
        for (const name of ['buffer', 'length', 'byteLength', 'byteOffset', 'set', 'slice', 'subarray', Symbol.iterator]) {
          const d = Object.getOwnPropertyDescriptor(TA, name);
          saved[typeof name === 'symbol' ? 'iterator' : name] = [name, d];
          if (d.get) Object.defineProperty(TA, name, { ...d, get() { seen.push(this); return d.get.call(this); } });
          else Object.defineProperty(TA, name, { ...d, value(...args) { seen.push(this, ...args); return d.value.apply(this, args); } });
        }
        const data = utf8('some plaintext, 32 bytes long...');
        const results = {};
        try {
          const iv = new Uint8Array(12), iv16 = new Uint8Array(16);
          const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, gcm, data);
          results.gcm = new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv }, gcm, sealed));
          results.ctr = (await subtle.encrypt({ name: 'AES-CTR', counter: iv16, length: 64 }, ctr, data)).byteLength;
          results.cbc = new TextDecoder().decode(await subtle.decrypt({ name: 'AES-CBC', iv: iv16 }, cbc,
            await subtle.encrypt({ name: 'AES-CBC', iv: iv16 }, cbc, data)));
          const other = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']);
          results.kw = (await subtle.wrapKey('raw', other, kw, 'AES-KW')).byteLength;
          results.pbkdf2 = (await subtle.deriveBits(pParams, pw, 256)).byteLength;
          results.hkdf = (await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: utf8('s'), info: utf8('i') }, ikm, 256)).byteLength;
          const derived = await subtle.deriveKey(pParams, pw, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
          results.derived = (await subtle.encrypt({ name: 'AES-GCM', iv }, derived, data)).byteLength;
        } finally {
          for (const [name, d] of Object.values(saved)) Object.defineProperty(TA, name, d);
        }
        const bytesOf = (v) => (v instanceof ArrayBuffer ? hex(v) : ArrayBuffer.isView(v) ? hex(v.buffer) : '');
        const leaked = seen.map(bytesOf).filter((h) => [keyHex, pwHex, ikmHex, derivedHex].some((k) => h.includes(k)));
        return { ...results, hooked: seen.length > 0, leaked: leaked.length };
        """);
    assertEquals(expect("gcm", "some plaintext, 32 bytes long...", "ctr", 32, "cbc", "some plaintext, 32 bytes long...",
        "kw", 24, "pbkdf2", 32, "hkdf", 32, "derived", 48, "hooked", true, "leaked", 0), o.getMap());
  }
}
