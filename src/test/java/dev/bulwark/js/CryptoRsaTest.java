package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.NodeJs;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web Crypto's RSA algorithms (RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP) in a real isolate: the RFC 7515 appendix A.2
 * known answer, import and export in every format with the standard's errors, generation, the operations with their
 * errors and tampering, wrapKey/unwrapKey through the core, and interop with Node.js's webcrypto both ways.
 */
class CryptoRsaTest {
  private static final String HELPERS = CryptoScripts.HELPERS + """
      const subtle = crypto.subtle;
      const E = new Uint8Array([1, 0, 1]);
      """;

  /** RFC 7515 appendix A.2: the RSA key (JWK), the JWS signing input and its RS256 signature. */
  private static final String A2 = """
      const A2 = { kty: 'RSA',
        n: 'ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ',
        e: 'AQAB',
        d: 'Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ',
        p: '4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc',
        q: 'uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc',
        dp: 'BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0',
        dq: 'h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU',
        qi: 'IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U' };
      const A2_PUBLIC = { kty: 'RSA', n: A2.n, e: A2.e };
      const A2_INPUT = utf8('eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ');
      const A2_SIG = 'cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw';
      const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
      """;

  private static JsonObject run(String body) throws Exception {
    return (JsonObject) JsHarness.eval(HELPERS + A2 + body);
  }

  @Test
  void rfc7515RsaSignatureIsReproducedAndVerified() throws Exception {
    JsonObject o = run("""
        const priv = await subtle.importKey('jwk', A2, RS256, true, ['sign']);
        const pub = await subtle.importKey('jwk', A2_PUBLIC, { name: 'rsassa-pkcs1-v1_5', hash: { name: 'sha-256' } }, true, ['verify']);
        const sig = await subtle.sign('RSASSA-PKCS1-v1_5', priv, A2_INPUT);
        const sigBytes = unb64u(A2_SIG);
        const tampered = sigBytes.slice(); tampered[10] ^= 1;
        const otherData = A2_INPUT.slice(); otherData[0] ^= 1;
        // A private JWK with d only (JWA 6.3.2 allows it): the primes are recovered, the signature is the same.
        const dOnly = await subtle.importKey('jwk', { kty: 'RSA', n: A2.n, e: A2.e, d: A2.d }, RS256, true, ['sign']);
        const dOnlyJwk = await subtle.exportKey('jwk', dOnly);
        const pkcs8 = await subtle.exportKey('pkcs8', priv);
        const spki = await subtle.exportKey('spki', pub);
        const fromPkcs8 = await subtle.importKey('pkcs8', pkcs8, RS256, false, ['sign']);
        const fromSpki = await subtle.importKey('spki', spki, RS256, true, ['verify']);
        const alg = pub.algorithm;
        return {
          sign: b64u(sig),
          verify: await subtle.verify(RS256, pub, sigBytes, A2_INPUT),
          tampered: await subtle.verify(RS256, pub, tampered, A2_INPUT),
          otherData: await subtle.verify(RS256, pub, sigBytes, otherData),
          truncated: await subtle.verify(RS256, pub, sigBytes.slice(1), A2_INPUT),
          longer: await subtle.verify(RS256, pub, new Uint8Array([...sigBytes, 0]), A2_INPUT),
          empty: await subtle.verify(RS256, pub, new Uint8Array(0), A2_INPUT),
          aboveModulus: await subtle.verify(RS256, pub, new Uint8Array(256).fill(0xff), A2_INPUT),
          dOnly: b64u(await subtle.sign(RS256, dOnly, A2_INPUT)),
          dOnlyCrt: ['p', 'q', 'dp', 'dq', 'qi'].every((m) => dOnlyJwk[m] === A2[m]),
          pkcs8: b64u(await subtle.sign(RS256, fromPkcs8, A2_INPUT)),
          spki: await subtle.verify(RS256, fromSpki, sigBytes, A2_INPUT),
          algorithm: { name: alg.name, modulusLength: alg.modulusLength, e: hex(alg.publicExponent), hash: alg.hash,
            isUint8Array: alg.publicExponent instanceof Uint8Array, same: pub.algorithm === alg },
          privateJwk: await subtle.exportKey('jwk', priv),
          privateSame: await subtle.exportKey('jwk', priv).then((j) => ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].every((m) => j[m] === A2[m])),
          publicJwk: await subtle.exportKey('jwk', pub),
          types: [priv.type, pub.type, fromPkcs8.type, fromSpki.type, fromPkcs8.extractable],
          usages: [priv.usages, pub.usages],
          opaque: [Object.getOwnPropertyNames(priv).length, JSON.stringify(priv)],
        };
        """);
    String sig = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1"
        + "dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzD"
        + "wusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
    assertEquals(sig, o.getString("sign"));
    assertEquals(true, o.getBoolean("verify"));
    for (String forged : new String[] {"tampered", "otherData", "truncated", "longer", "empty", "aboveModulus"}) {
      assertEquals(false, o.getBoolean(forged), forged);
    }
    assertEquals(sig, o.getString("dOnly"));
    assertEquals(true, o.getBoolean("dOnlyCrt"));
    assertEquals(sig, o.getString("pkcs8"));
    assertEquals(true, o.getBoolean("spki"));
    assertEquals(new JsonObject().put("name", "RSASSA-PKCS1-v1_5").put("modulusLength", 2048).put("e", "010001")
        .put("hash", new JsonObject().put("name", "SHA-256")).put("isUint8Array", true).put("same", true),
        o.getJsonObject("algorithm"));
    JsonObject priv = o.getJsonObject("privateJwk");
    assertEquals("[alg, d, dp, dq, e, ext, key_ops, kty, n, p, q, qi]", priv.fieldNames().toString());
    assertEquals("RS256", priv.getString("alg"));
    assertEquals(true, priv.getBoolean("ext"));
    assertEquals("[\"sign\"]", priv.getJsonArray("key_ops").encode());
    assertEquals("RSA", priv.getString("kty"));
    assertEquals("AQAB", priv.getString("e"));
    assertEquals(true, o.getBoolean("privateSame"), "the exported members are A.2's");
    JsonObject pub = o.getJsonObject("publicJwk");
    assertEquals("[alg, e, ext, key_ops, kty, n]", pub.fieldNames().toString());
    assertEquals(priv.getString("n"), pub.getString("n"));
    assertEquals("[\"private\",\"public\",\"private\",\"public\",false]", o.getJsonArray("types").encode());
    assertEquals("[[\"sign\"],[\"verify\"]]", o.getJsonArray("usages").encode());
    assertEquals("[0,\"{}\"]", o.getJsonArray("opaque").encode());
  }

  @Test
  void importRefusesBadKeyDataWithTheStandardsErrors() throws Exception {
    JsonObject o = run("""
        const imp = (format, data, alg, usages, extractable = true) => outcome(() => subtle.importKey(format, data, alg, extractable, usages).then((k) => k.type));
        const priv = await subtle.importKey('jwk', A2, RS256, true, ['sign']);
        const pub = await subtle.importKey('jwk', A2_PUBLIC, RS256, true, ['verify']);
        const spki = new Uint8Array(await subtle.exportKey('spki', pub));
        const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', priv));
        // rsaEncryption's OID ends 01 01 01; 01 01 0a is RSASSA-PSS (1.2.840.113549.1.1.10).
        const withOid = (der, last) => { const d = der.slice(); const i = hex(d).indexOf('2a864886f70d010101') / 2 + 8; d[i] = last; return d; };
        const oaep = { name: 'RSA-OAEP', hash: 'SHA-256' };
        const pss = { name: 'RSA-PSS', hash: 'SHA-256' };
        const without = (member) => { const j = { ...A2 }; delete j[member]; return j; };
        const flip = (member) => { const b = unb64u(A2[member]); b[b.length - 1] ^= 2; return { ...A2, [member]: b64u(b) }; };
        return {
          raw: await imp('raw', spki, RS256, ['verify']),
          rawOaep: await imp('raw', spki, oaep, ['encrypt']),
          spkiUsage: await imp('spki', spki, RS256, ['sign']),
          spkiOaepUsage: await imp('spki', spki, oaep, ['decrypt']),
          pkcs8Usage: await imp('pkcs8', pkcs8, RS256, ['verify']),
          pkcs8OaepUsage: await imp('pkcs8', pkcs8, oaep, ['encrypt']),
          jwkPublicUsage: await imp('jwk', A2_PUBLIC, RS256, ['sign']),
          jwkPrivateUsage: await imp('jwk', A2, RS256, ['verify']),
          jwkOaepUsages: [await imp('jwk', A2, oaep, ['decrypt', 'unwrapKey']), await imp('jwk', A2_PUBLIC, oaep, ['encrypt', 'wrapKey']),
            await imp('jwk', A2, oaep, ['encrypt']), await imp('jwk', A2_PUBLIC, oaep, ['sign'])],
          emptyPrivateUsages: await imp('pkcs8', pkcs8, RS256, []),
          emptyPublicUsages: await imp('spki', spki, RS256, []),
          spkiGarbage: await imp('spki', new Uint8Array([0x30, 3, 1, 2, 3]), RS256, ['verify']),
          spkiEmpty: await imp('spki', new Uint8Array(0), RS256, ['verify']),
          spkiTrailing: await imp('spki', new Uint8Array([...spki, 0]), RS256, ['verify']),
          spkiPss: await imp('spki', withOid(spki, 10), pss, ['verify']),
          spkiOfPkcs8: await imp('spki', pkcs8, RS256, ['verify']),
          pkcs8Pss: await imp('pkcs8', withOid(pkcs8, 10), pss, ['sign']),
          pkcs8OfSpki: await imp('pkcs8', spki, RS256, ['sign']),
          pkcs8Truncated: await imp('pkcs8', pkcs8.slice(0, 100), RS256, ['sign']),
          kty: await imp('jwk', { ...A2, kty: 'EC' }, RS256, ['sign']),
          noKty: await imp('jwk', A2_PUBLIC.n && { n: A2.n, e: A2.e }, RS256, ['verify']),
          use: await imp('jwk', { ...A2, use: 'enc' }, RS256, ['sign']),
          useOaep: [await imp('jwk', { ...A2, use: 'sig' }, oaep, ['decrypt']), await imp('jwk', { ...A2, use: 'enc' }, oaep, ['decrypt'])],
          keyOps: await imp('jwk', { ...A2, key_ops: ['verify'] }, RS256, ['sign']),
          ext: await imp('jwk', { ...A2, ext: false }, RS256, ['sign']),
          extFalseOk: await imp('jwk', { ...A2, ext: false }, RS256, ['sign'], false),
          algs: [await imp('jwk', { ...A2, alg: 'RS256' }, RS256, ['sign']), await imp('jwk', { ...A2, alg: 'RS384' }, RS256, ['sign']),
            await imp('jwk', { ...A2, alg: 'PS256' }, RS256, ['sign']), await imp('jwk', { ...A2, alg: 'PS384' }, { name: 'RSA-PSS', hash: 'SHA-384' }, ['sign']),
            await imp('jwk', { ...A2, alg: 'RS1' }, { ...RS256, hash: 'SHA-1' }, ['sign']), await imp('jwk', { ...A2, alg: 'RSA-OAEP' }, { ...oaep, hash: 'SHA-1' }, ['decrypt']),
            await imp('jwk', { ...A2, alg: 'RSA-OAEP-256' }, oaep, ['decrypt']), await imp('jwk', { ...A2, alg: 'RSA-OAEP' }, oaep, ['decrypt']),
            await imp('jwk', { ...A2, alg: 'RSA-OAEP-512' }, { ...oaep, hash: 'SHA-512' }, ['decrypt']), await imp('jwk', { ...A2, alg: 'HS256' }, RS256, ['sign'])],
          partialCrt: await Promise.all(['p', 'q', 'dp', 'dq', 'qi'].map((m) => imp('jwk', without(m), RS256, ['sign']))),
          oth: await imp('jwk', { ...A2, oth: [{ r: 'AQAB', d: 'AQAB', t: 'AQAB' }] }, RS256, ['sign']),
          inconsistent: await Promise.all(['d', 'p', 'q', 'dp', 'dq', 'qi'].map((m) => imp('jwk', flip(m), RS256, ['sign']))),
          dOnlyWrong: await imp('jwk', { kty: 'RSA', n: A2.n, e: A2.e, d: flip('d').d }, RS256, ['sign']),
          noN: await imp('jwk', without('n'), RS256, ['sign']),
          noE: await imp('jwk', { kty: 'RSA', n: A2.n }, RS256, ['verify']),
          badBase64: await imp('jwk', { ...A2_PUBLIC, n: A2.n + '+' }, RS256, ['verify']),
          padded: await imp('jwk', { ...A2_PUBLIC, e: 'AQAB==' }, RS256, ['verify']),
          exponentOne: await imp('jwk', { ...A2_PUBLIC, e: 'AQ' }, RS256, ['verify']),
          exponentEven: await imp('jwk', { ...A2_PUBLIC, e: 'AQAC' }, RS256, ['verify']),
          evenModulus: await imp('jwk', { ...A2_PUBLIC, n: b64u(unb64u(A2.n).map((b, i, a) => (i === a.length - 1 ? b & 0xfe : b))) }, RS256, ['verify']),
          smallModulus: await imp('jwk', { kty: 'RSA', n: b64u(unb64u(A2.n).slice(0, 32).map((b, i) => (i === 31 ? b | 1 : b))), e: 'AQAB' }, RS256, ['verify']),
          noHash: await imp('jwk', A2_PUBLIC, { name: 'RSASSA-PKCS1-v1_5' }, ['verify']),
          badHash: await imp('jwk', A2_PUBLIC, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-3' }, ['verify']),
          jwkAsBuffer: await imp('jwk', spki, RS256, ['verify']),
          bufferAsJwk: await imp('spki', A2_PUBLIC, RS256, ['verify']),
        };
        """);
    Map<String, Object> expected = Map.ofEntries(
        Map.entry("raw", "NotSupportedError/9"), Map.entry("rawOaep", "NotSupportedError/9"),
        Map.entry("spkiUsage", "SyntaxError/12"), Map.entry("spkiOaepUsage", "SyntaxError/12"),
        Map.entry("pkcs8Usage", "SyntaxError/12"), Map.entry("pkcs8OaepUsage", "SyntaxError/12"),
        Map.entry("jwkPublicUsage", "SyntaxError/12"), Map.entry("jwkPrivateUsage", "SyntaxError/12"),
        Map.entry("jwkOaepUsages", java.util.List.of("private", "public", "SyntaxError/12", "SyntaxError/12")),
        Map.entry("emptyPrivateUsages", "SyntaxError/12"), Map.entry("emptyPublicUsages", "public"),
        Map.entry("spkiGarbage", "DataError/0"), Map.entry("spkiEmpty", "DataError/0"), Map.entry("spkiTrailing", "DataError/0"),
        Map.entry("spkiPss", "DataError/0"), Map.entry("spkiOfPkcs8", "DataError/0"), Map.entry("pkcs8Pss", "DataError/0"),
        Map.entry("pkcs8OfSpki", "DataError/0"), Map.entry("pkcs8Truncated", "DataError/0"),
        Map.entry("kty", "DataError/0"), Map.entry("noKty", "DataError/0"), Map.entry("use", "DataError/0"),
        Map.entry("useOaep", java.util.List.of("DataError/0", "private")), Map.entry("keyOps", "DataError/0"),
        Map.entry("ext", "DataError/0"), Map.entry("extFalseOk", "private"),
        Map.entry("algs", java.util.List.of("private", "DataError/0", "DataError/0", "private", "private", "private", "private",
            "DataError/0", "private", "DataError/0")),
        Map.entry("partialCrt", java.util.Collections.nCopies(5, "DataError/0")), Map.entry("oth", "DataError/0"),
        Map.entry("inconsistent", java.util.Collections.nCopies(6, "DataError/0")), Map.entry("dOnlyWrong", "DataError/0"),
        Map.entry("noN", "DataError/0"), Map.entry("noE", "DataError/0"), Map.entry("badBase64", "DataError/0"),
        Map.entry("padded", "DataError/0"), Map.entry("exponentOne", "DataError/0"), Map.entry("exponentEven", "DataError/0"),
        Map.entry("evenModulus", "DataError/0"), Map.entry("smallModulus", "DataError/0"),
        Map.entry("noHash", "TypeError"), Map.entry("badHash", "NotSupportedError/9"),
        Map.entry("jwkAsBuffer", "TypeError"), Map.entry("bufferAsJwk", "TypeError"));
    assertEquals(new JsonObject(new java.util.TreeMap<>(expected)).encodePrettily(),
        new JsonObject(new java.util.TreeMap<>(o.getMap())).encodePrettily());
  }

  @Test
  void generatedKeysSignVerifyEncryptDecryptAndWrap() throws Exception {
    JsonObject o = run("""
        const t0 = Date.now();
        const gen = (name, hash, bits, usages, extractable = true) =>
          subtle.generateKey({ name, hash, modulusLength: bits, publicExponent: E }, extractable, usages);
        const pkcs1 = await gen('RSASSA-PKCS1-v1_5', 'SHA-256', 2048, ['sign', 'verify'], false);
        const keygenMs = Date.now() - t0;
        const pss = await gen('RSA-PSS', 'SHA-256', 1024, ['verify', 'sign']);
        const oaep = await gen('RSA-OAEP', 'SHA-256', 1024, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
        const oaep2048 = await gen('RSA-OAEP', 'SHA-1', 2048, ['wrapKey', 'unwrapKey']);
        const data = utf8('the message');
        const ps = (saltLength) => ({ name: 'RSA-PSS', saltLength });
        const pssSig = await subtle.sign(ps(32), pss.privateKey, data);
        const tampered = new Uint8Array(pssSig).slice(); tampered[5] ^= 0x80;
        const oa = (label) => (label === undefined ? { name: 'RSA-OAEP' } : { name: 'RSA-OAEP', label });
        const ct = await subtle.encrypt(oa(), oaep.publicKey, data);
        const ctLabel = await subtle.encrypt(oa(utf8('label')), oaep.publicKey, data);
        const badCt = new Uint8Array(ct).slice(); badCt[0] ^= 1;
        const hmac = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
        const hmacRaw = hex(await subtle.exportKey('raw', hmac));
        const wrapped = {};
        for (const format of ['raw', 'jwk']) {
          const w = await subtle.wrapKey(format, hmac, oaep2048.publicKey, 'RSA-OAEP');
          const back = await subtle.unwrapKey(format, w, oaep2048.privateKey, { name: 'RSA-OAEP' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
          wrapped[format] = [w.byteLength, hex(await subtle.exportKey('raw', back)) === hmacRaw, back.algorithm.name];
        }
        const describe = (k) => [k.type, k.extractable, k.usages, k.algorithm.name, k.algorithm.modulusLength, hex(k.algorithm.publicExponent), k.algorithm.hash.name];
        const genErr = (params, usages, name = 'RSASSA-PKCS1-v1_5') => outcome(() => subtle.generateKey({ name, hash: 'SHA-256', ...params }, true, usages));
        return {
          keygenMs,
          pair: [Object.keys(pkcs1), describe(pkcs1.publicKey), describe(pkcs1.privateKey)],
          oaepPair: [describe(oaep.publicKey), describe(oaep.privateKey), describe(oaep2048.publicKey), describe(oaep2048.privateKey)],
          pkcs1: [await subtle.verify('RSASSA-PKCS1-v1_5', pkcs1.publicKey, await subtle.sign('RSASSA-PKCS1-v1_5', pkcs1.privateKey, data), data),
            await outcome(() => subtle.sign('RSASSA-PKCS1-v1_5', pkcs1.publicKey, data)),
            await outcome(() => subtle.verify('RSASSA-PKCS1-v1_5', pkcs1.privateKey, new Uint8Array(256), data)),
            await outcome(() => subtle.exportKey('jwk', pkcs1.privateKey)),
            await outcome(() => subtle.sign(ps(32), pkcs1.privateKey, data)),
            await outcome(() => subtle.encrypt('RSA-OAEP', pkcs1.publicKey, data))],
          pss: [await subtle.verify(ps(32), pss.publicKey, pssSig, data), await subtle.verify(ps(0), pss.publicKey, pssSig, data),
            await subtle.verify(ps(32), pss.publicKey, tampered, data), await subtle.verify(ps(32), pss.publicKey, pssSig, utf8('other')),
            await subtle.verify(ps(32), pss.publicKey, pssSig.slice(1), data),
            // 1024 bits, SHA-256: the salt can be at most 128 - 32 - 2 = 94 bytes.
            await subtle.verify(ps(94), pss.publicKey, await subtle.sign(ps(94), pss.privateKey, data), data),
            await outcome(() => subtle.sign(ps(95), pss.privateKey, data)),
            await outcome(() => subtle.sign(ps(4294967295), pss.privateKey, data)),
            await subtle.verify(ps(4294967295), pss.publicKey, pssSig, data),
            await outcome(() => subtle.sign({ name: 'RSA-PSS' }, pss.privateKey, data)),
            await outcome(() => subtle.sign(ps(-1), pss.privateKey, data)),
            await outcome(() => subtle.sign(ps(32), pss.publicKey, data)),
            await outcome(() => subtle.verify(ps(32), pss.privateKey, pssSig, data)),
            hex(await subtle.sign(ps(32), pss.privateKey, data)) !== hex(pssSig)],
          oaep: [new TextDecoder().decode(await subtle.decrypt(oa(), oaep.privateKey, ct)),
            new TextDecoder().decode(await subtle.decrypt(oa(utf8('label')), oaep.privateKey, ctLabel)),
            await outcome(() => subtle.decrypt(oa(), oaep.privateKey, ctLabel)),
            await outcome(() => subtle.decrypt(oa(utf8('other')), oaep.privateKey, ctLabel)),
            await outcome(() => subtle.decrypt(oa(), oaep.privateKey, badCt)),
            await outcome(() => subtle.decrypt(oa(), oaep.privateKey, new Uint8Array(3))),
            // 1024 bits, SHA-256: at most 128 - 2 * 32 - 2 = 62 bytes.
            (await subtle.decrypt(oa(), oaep.privateKey, await subtle.encrypt(oa(), oaep.publicKey, new Uint8Array(62)))).byteLength,
            await outcome(() => subtle.encrypt(oa(), oaep.publicKey, new Uint8Array(63))),
            (await subtle.decrypt(oa(), oaep.privateKey, await subtle.encrypt(oa(), oaep.publicKey, new Uint8Array(0)))).byteLength,
            await outcome(() => subtle.encrypt(oa(), oaep.privateKey, data)),
            await outcome(() => subtle.decrypt(oa(), oaep.publicKey, ct)),
            await outcome(() => subtle.encrypt(oa('label'), oaep.publicKey, data)),
            ct.byteLength, hex(ct) !== hex(await subtle.encrypt(oa(), oaep.publicKey, data)),
            await outcome(() => subtle.encrypt(oa(), oaep2048.publicKey, data))],
          wrapped,
          errors: {
            usage: await genErr({ modulusLength: 1024, publicExponent: E }, ['encrypt']),
            oaepUsage: await genErr({ modulusLength: 1024, publicExponent: E }, ['sign'], 'RSA-OAEP'),
            publicUsagesOnly: await genErr({ modulusLength: 1024, publicExponent: E }, ['verify']),
            small: await genErr({ modulusLength: 256, publicExponent: E }, ['sign']),
            large: await genErr({ modulusLength: 4104, publicExponent: E }, ['sign']),
            tooSmall: await genErr({ modulusLength: 504, publicExponent: E }, ['sign']),
            bigExponent: await genErr({ modulusLength: 1024, publicExponent: new Uint8Array(9).fill(0xff) }, ['sign']),
            huge: await genErr({ modulusLength: 4294967295, publicExponent: E }, ['sign']),
            evenExponent: await genErr({ modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 0]) }, ['sign']),
            exponentOne: await genErr({ modulusLength: 1024, publicExponent: new Uint8Array([1]) }, ['sign']),
            exponentEmpty: await genErr({ modulusLength: 1024, publicExponent: new Uint8Array(0) }, ['sign']),
            noModulusLength: await genErr({ publicExponent: E }, ['sign']),
            negative: await genErr({ modulusLength: -1, publicExponent: E }, ['sign']),
            noExponent: await genErr({ modulusLength: 1024 }, ['sign']),
            arrayExponent: await genErr({ modulusLength: 1024, publicExponent: [1, 0, 1] }, ['sign']),
            noHash: await outcome(() => subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: E }, true, ['sign'])),
          },
          leadingZeroExponent: hex((await gen('RSA-PSS', 'SHA-384', 1024, ['sign'])).publicKey.algorithm.publicExponent),
          three: await subtle.generateKey({ name: 'RSA-PSS', hash: 'SHA-512', modulusLength: 1024, publicExponent: new Uint8Array([0, 3]) }, true, ['sign'])
            .then((k) => [hex(k.publicKey.algorithm.publicExponent), k.privateKey.usages, k.publicKey.usages]),
        };
        """);
    System.out.println("RSA-2048 generateKey in the isolate: " + o.getInteger("keygenMs") + " ms");
    assertEquals("[[\"privateKey\",\"publicKey\"],[\"public\",true,[\"verify\"],\"RSASSA-PKCS1-v1_5\",2048,\"010001\",\"SHA-256\"],"
        + "[\"private\",false,[\"sign\"],\"RSASSA-PKCS1-v1_5\",2048,\"010001\",\"SHA-256\"]]", o.getJsonArray("pair").encode());
    assertEquals("[[\"public\",true,[\"encrypt\",\"wrapKey\"],\"RSA-OAEP\",1024,\"010001\",\"SHA-256\"],"
        + "[\"private\",true,[\"decrypt\",\"unwrapKey\"],\"RSA-OAEP\",1024,\"010001\",\"SHA-256\"],"
        + "[\"public\",true,[\"wrapKey\"],\"RSA-OAEP\",2048,\"010001\",\"SHA-1\"],"
        + "[\"private\",true,[\"unwrapKey\"],\"RSA-OAEP\",2048,\"010001\",\"SHA-1\"]]", o.getJsonArray("oaepPair").encode());
    assertEquals("[true,\"InvalidAccessError/15\",\"InvalidAccessError/15\",\"InvalidAccessError/15\",\"InvalidAccessError/15\","
        + "\"InvalidAccessError/15\"]", o.getJsonArray("pkcs1").encode());
    assertEquals("[true,false,false,false,false,true,\"OperationError/0\",\"OperationError/0\",false,\"TypeError\",\"TypeError\","
        + "\"InvalidAccessError/15\",\"InvalidAccessError/15\",true]", o.getJsonArray("pss").encode());
    assertEquals("[\"the message\",\"the message\",\"OperationError/0\",\"OperationError/0\",\"OperationError/0\",\"OperationError/0\","
        + "62,\"OperationError/0\",0,\"InvalidAccessError/15\",\"InvalidAccessError/15\",\"TypeError\",128,true,"
        + "\"InvalidAccessError/15\"]", o.getJsonArray("oaep").encode());
    assertEquals("{\"raw\":[256,true,\"HMAC\"],\"jwk\":[256,true,\"HMAC\"]}", o.getJsonObject("wrapped").encode());
    JsonObject errors = o.getJsonObject("errors");
    assertEquals(new JsonObject().put("usage", "SyntaxError/12").put("oaepUsage", "SyntaxError/12")
        .put("publicUsagesOnly", "SyntaxError/12").put("small", "OperationError/0").put("large", "OperationError/0").put("tooSmall", "OperationError/0").put("bigExponent", "OperationError/0")
        .put("huge", "OperationError/0").put("evenExponent", "OperationError/0").put("exponentOne", "OperationError/0")
        .put("exponentEmpty", "OperationError/0").put("noModulusLength", "TypeError").put("negative", "TypeError")
        .put("noExponent", "TypeError").put("arrayExponent", "TypeError").put("noHash", "TypeError"), errors);
    assertEquals("010001", o.getString("leadingZeroExponent"));
    assertEquals("[\"03\",[\"sign\"],[]]", o.getJsonArray("three").encode());
  }

  @Test
  void exportChecksTheKeyTypeAndFormat() throws Exception {
    JsonObject o = run("""
        const priv = await subtle.importKey('jwk', A2, RS256, true, ['sign']);
        const pub = await subtle.importKey('jwk', A2_PUBLIC, RS256, true, ['verify']);
        const locked = await subtle.importKey('jwk', A2, RS256, false, ['sign']);
        const oaep = await subtle.importKey('jwk', A2_PUBLIC, { name: 'RSA-OAEP', hash: 'SHA-384' }, true, ['encrypt']);
        const pss = await subtle.importKey('jwk', A2, { name: 'RSA-PSS', hash: 'SHA-512' }, true, ['sign']);
        // A script that replaces the buffer getter of typed arrays does not change what the prelude reads.
        Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'buffer', { get() { throw new Error('replaced'); } });
        return {
          spkiOfPrivate: await outcome(() => subtle.exportKey('spki', priv)),
          pkcs8OfPublic: await outcome(() => subtle.exportKey('pkcs8', pub)),
          raw: await outcome(() => subtle.exportKey('raw', pub)),
          rawPrivate: await outcome(() => subtle.exportKey('raw', priv)),
          locked: await outcome(() => subtle.exportKey('pkcs8', locked)),
          lockedSigns: (await subtle.sign(RS256, locked, A2_INPUT)).byteLength,
          algs: [(await subtle.exportKey('jwk', oaep)).alg, (await subtle.exportKey('jwk', pss)).alg],
          spkiPrefix: (await outcome(() => subtle.exportKey('spki', pub))).slice(0, 48),
          pkcs8Prefix: (await outcome(() => subtle.exportKey('pkcs8', priv))).slice(0, 52),
        };
        """);
    assertEquals("InvalidAccessError/15", o.getString("spkiOfPrivate"));
    assertEquals("InvalidAccessError/15", o.getString("pkcs8OfPublic"));
    assertEquals("NotSupportedError/9", o.getString("raw"));
    assertEquals("NotSupportedError/9", o.getString("rawPrivate"));
    assertEquals("InvalidAccessError/15", o.getString("locked"));
    assertEquals(256, o.getInteger("lockedSigns"));
    assertEquals("[\"RSA-OAEP-384\",\"PS512\"]", o.getJsonArray("algs").encode());
    // SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING ...
    assertEquals("30820122300d06092a864886f70d0101010500038201", o.getString("spkiPrefix").substring(0, 44));
    // SEQUENCE { INTEGER 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING ...
    assertEquals("020100300d06092a864886f70d0101010500048", o.getString("pkcs8Prefix").substring(8, 47));
  }

  /** The algorithms of the interop tests: name, hash, and what the key does (sign or encrypt). */
  private static final String CONFIGS = """
      const CONFIGS = [
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', op: { name: 'RSASSA-PKCS1-v1_5' }, usages: ['sign', 'verify'] },
        { name: 'RSA-PSS', hash: 'SHA-384', op: { name: 'RSA-PSS', saltLength: 48 }, usages: ['sign', 'verify'] },
        { name: 'RSA-PSS', hash: 'SHA-1', op: { name: 'RSA-PSS', saltLength: 0 }, usages: ['sign', 'verify'] },
        { name: 'RSA-OAEP', hash: 'SHA-256', op: { name: 'RSA-OAEP', label: new TextEncoder().encode('a label') }, usages: ['encrypt', 'decrypt'] },
        { name: 'RSA-OAEP', hash: 'SHA-512', op: { name: 'RSA-OAEP' }, usages: ['encrypt', 'decrypt'] },
      ];
      const MESSAGE = new TextEncoder().encode('interop message');
      """;

  @Test
  void nodeKeysSignaturesAndCiphertextsWorkInBulwark(@TempDir Path tmp) throws Exception {
    String node = NodeJs.output(tmp, CONFIGS + """
        const hex = (b) => Buffer.from(b).toString('hex');
        (async () => {
          const s = globalThis.crypto.subtle;
          const out = [];
          for (const c of CONFIGS) {
            const alg = { name: c.name, hash: c.hash };
            const k = await s.generateKey({ ...alg, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, c.usages);
            const signing = c.usages[0] === 'sign';
            out.push({
              spki: hex(await s.exportKey('spki', k.publicKey)), pkcs8: hex(await s.exportKey('pkcs8', k.privateKey)),
              publicJwk: await s.exportKey('jwk', k.publicKey), privateJwk: await s.exportKey('jwk', k.privateKey),
              output: hex(signing ? await s.sign(c.op, k.privateKey, MESSAGE) : await s.encrypt(c.op, k.publicKey, MESSAGE)),
            });
          }
          console.log(JSON.stringify(out));
        })().catch((e) => { console.error(e); process.exit(1); });
        """);
    JsonObject o = run(CONFIGS + "const NODE = " + node + ";\n" + """
        const results = [];
        for (let i = 0; i < CONFIGS.length; i++) {
          const c = CONFIGS[i];
          const n = NODE[i];
          const alg = { name: c.name, hash: c.hash };
          const signing = c.usages[0] === 'sign';
          const pub = [await subtle.importKey('spki', unhex(n.spki), alg, true, [signing ? 'verify' : 'encrypt']),
            await subtle.importKey('jwk', n.publicJwk, alg, true, [signing ? 'verify' : 'encrypt'])];
          const priv = [await subtle.importKey('pkcs8', unhex(n.pkcs8), alg, true, [signing ? 'sign' : 'decrypt']),
            await subtle.importKey('jwk', n.privateJwk, alg, true, [signing ? 'sign' : 'decrypt'])];
          const r = { name: c.name, hash: c.hash };
          if (signing) {
            r.verified = await Promise.all(pub.map((k) => subtle.verify(c.op, k, unhex(n.output), MESSAGE)));
            r.signed = await Promise.all(priv.map(async (k) => {
              const sig = await subtle.sign(c.op, k, MESSAGE);
              // PKCS#1 v1.5 is deterministic: the very bytes Node made; PSS with a salt is not, but must verify.
              return c.name === 'RSASSA-PKCS1-v1_5' ? hex(sig) === n.output : await subtle.verify(c.op, pub[0], sig, MESSAGE);
            }));
          } else {
            r.decrypted = await Promise.all(priv.map(async (k) => new TextDecoder().decode(await subtle.decrypt(c.op, k, unhex(n.output)))));
          }
          r.spki = await Promise.all(pub.map(async (k) => hex(await subtle.exportKey('spki', k)) === n.spki));
          r.pkcs8 = await Promise.all(priv.map(async (k) => hex(await subtle.exportKey('pkcs8', k)) === n.pkcs8));
          const same = (a, b) => Object.keys(b).filter((m) => m !== 'key_ops').every((m) => JSON.stringify(a[m]) === JSON.stringify(b[m]))
            && Object.keys(a).length === Object.keys(b).length;
          r.jwk = [same(await subtle.exportKey('jwk', pub[0]), n.publicJwk), same(await subtle.exportKey('jwk', priv[0]), n.privateJwk)];
          r.modulusLength = pub[1].algorithm.modulusLength;
          results.push(r);
        }
        return { results };
        """);
    for (Object item : o.getJsonArray("results")) {
      JsonObject r = (JsonObject) item;
      String what = r.getString("name") + " " + r.getString("hash");
      if (r.containsKey("verified")) {
        assertEquals("[true,true]", r.getJsonArray("verified").encode(), what + " verifies Node's signature");
        assertEquals("[true,true]", r.getJsonArray("signed").encode(), what + " signs as Node does");
      } else {
        assertEquals("[\"interop message\",\"interop message\"]", r.getJsonArray("decrypted").encode(), what + " decrypts Node's");
      }
      assertEquals("[true,true]", r.getJsonArray("spki").encode(), what + " spki export is Node's");
      assertEquals("[true,true]", r.getJsonArray("pkcs8").encode(), what + " pkcs8 export is Node's");
      assertEquals("[true,true]", r.getJsonArray("jwk").encode(), what + " jwk export is Node's");
      assertEquals(2048, r.getInteger("modulusLength"), what);
    }
    assertEquals(5, o.getJsonArray("results").size());
  }

  @Test
  void bulwarkKeysSignaturesAndCiphertextsWorkInNode(@TempDir Path tmp) throws Exception {
    JsonObject o = run(CONFIGS + """
        const out = [];
        for (const c of CONFIGS) {
          const alg = { name: c.name, hash: c.hash };
          const k = await subtle.generateKey({ ...alg, modulusLength: 2048, publicExponent: E }, true, c.usages);
          const signing = c.usages[0] === 'sign';
          out.push({
            spki: hex(await subtle.exportKey('spki', k.publicKey)), pkcs8: hex(await subtle.exportKey('pkcs8', k.privateKey)),
            publicJwk: await subtle.exportKey('jwk', k.publicKey), privateJwk: await subtle.exportKey('jwk', k.privateKey),
            output: hex(signing ? await subtle.sign(c.op, k.privateKey, MESSAGE) : await subtle.encrypt(c.op, k.publicKey, MESSAGE)),
          });
        }
        return { out };
        """);
    String node = NodeJs.output(tmp, CONFIGS + "const BULWARK = " + o.getJsonArray("out").encode() + ";\n" + """
        const hex = (b) => Buffer.from(b).toString('hex');
        const unhex = (h) => Buffer.from(h, 'hex');
        (async () => {
          const s = globalThis.crypto.subtle;
          const results = [];
          for (let i = 0; i < CONFIGS.length; i++) {
            const c = CONFIGS[i];
            const b = BULWARK[i];
            const alg = { name: c.name, hash: c.hash };
            const signing = c.usages[0] === 'sign';
            const pub = [await s.importKey('spki', unhex(b.spki), alg, true, [signing ? 'verify' : 'encrypt']),
              await s.importKey('jwk', b.publicJwk, alg, true, [signing ? 'verify' : 'encrypt'])];
            const priv = [await s.importKey('pkcs8', unhex(b.pkcs8), alg, true, [signing ? 'sign' : 'decrypt']),
              await s.importKey('jwk', b.privateJwk, alg, true, [signing ? 'sign' : 'decrypt'])];
            const r = { name: c.name };
            if (signing) {
              r.verified = await Promise.all(pub.map((k) => s.verify(c.op, k, unhex(b.output), MESSAGE)));
              r.signed = await Promise.all(priv.map(async (k) => {
                const sig = await s.sign(c.op, k, MESSAGE);
                return c.name === 'RSASSA-PKCS1-v1_5' ? hex(sig) === b.output : s.verify(c.op, pub[1], sig, MESSAGE);
              }));
            } else {
              r.decrypted = await Promise.all(priv.map(async (k) => new TextDecoder().decode(await s.decrypt(c.op, k, unhex(b.output)))));
            }
            r.spki = await Promise.all(pub.map(async (k) => hex(await s.exportKey('spki', k)) === b.spki));
            r.pkcs8 = await Promise.all(priv.map(async (k) => hex(await s.exportKey('pkcs8', k)) === b.pkcs8));
            const j = await s.exportKey('jwk', priv[0]);
            r.jwk = ['alg', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].every((m) => j[m] === b.privateJwk[m]);
            results.push(r);
          }
          console.log(JSON.stringify(results));
        })().catch((e) => { console.error(e); process.exit(1); });
        """);
    io.vertx.core.json.JsonArray results = new io.vertx.core.json.JsonArray(node.trim());
    assertEquals(5, results.size());
    for (Object item : results) {
      JsonObject r = (JsonObject) item;
      String what = r.getString("name");
      if (r.containsKey("verified")) {
        assertEquals("[true,true]", r.getJsonArray("verified").encode(), what + ": Node verifies Bulwark's signature");
        assertEquals("[true,true]", r.getJsonArray("signed").encode(), what + ": Node signs as Bulwark does");
      } else {
        assertEquals("[\"interop message\",\"interop message\"]", r.getJsonArray("decrypted").encode(), what + ": Node decrypts");
      }
      assertEquals("[true,true]", r.getJsonArray("spki").encode(), what);
      assertEquals("[true,true]", r.getJsonArray("pkcs8").encode(), what);
      assertEquals(true, r.getBoolean("jwk"), what);
    }
  }
}
