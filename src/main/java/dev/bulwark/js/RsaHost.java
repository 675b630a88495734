package dev.bulwark.js;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The JDK's primitives behind the prelude's RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP (48-crypto-rsa.js). Keys are
 * {@link Handle}s, opaque to scripts (no exported member) and kept in a CryptoKey's internal slots; the key material
 * leaves Java only through the export methods. The prelude does every Web Crypto check; a failure here comes back as
 * a String (import: why the key data is refused), null (sign, encrypt, decrypt, generate: the operation failed) or
 * false (verify), never as an exception. Keeps no state: one instance serves every isolate.
 */
public final class RsaHost {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The hashes the prelude registers, by their Web Crypto names, with the JDK's names of RSA-with-that-hash. */
  private static final Map<String, String> PKCS1 = Map.of("SHA-1", "SHA1withRSA", "SHA-256", "SHA256withRSA",
      "SHA-384", "SHA384withRSA", "SHA-512", "SHA512withRSA");
  /** DER of the rsaEncryption object identifier, 1.2.840.113549.1.1.1 (RFC 8017 appendix A.1). */
  private static final byte[] RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1};
  /** The modulus lengths the JDK's RSA KeyFactory accepts (sun.security.rsa.RSAKeyFactory), for import and generate. */
  static final int MIN_BITS = 512;
  static final int MAX_BITS = 16384;
  /**
   * The largest modulus generateKey makes: the JDK takes about 1-2 s for 4096 bits and 15 s for 8192 on one core, in
   * a host call the CPU watchdog cannot interrupt.
   */
  static final int MAX_GENERATED_BITS = 4096;

  /** An RSA public key or CRT private key; nothing of it is reachable from JavaScript. */
  public static final class Handle {
    private final Key key;

    private Handle(Key key) {
      this.key = key;
    }
  }

  private static KeyFactory factory() throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA");
  }

  // ---------------------------------------------------------------------------------------------------- import

  /** An RSA public key from a DER SubjectPublicKeyInfo whose algorithm is rsaEncryption, or why it is refused. */
  @HostAccess.Export
  public Object importSpki(Value der) {
    byte[] bytes = Bytes.of(der);
    String refused = checkAlgorithm(bytes, false);
    if (refused != null) {
      return refused;
    }
    try {
      RSAPublicKey key = (RSAPublicKey) factory().generatePublic(new X509EncodedKeySpec(bytes));
      return publicKey(key.getModulus(), key.getPublicExponent());
    } catch (GeneralSecurityException | RuntimeException e) {
      return "the SubjectPublicKeyInfo does not hold a valid RSAPublicKey (" + e.getMessage() + ")";
    }
  }

  /** An RSA private key from a DER PKCS #8 PrivateKeyInfo whose algorithm is rsaEncryption, or why it is refused. */
  @HostAccess.Export
  public Object importPkcs8(Value der) {
    byte[] bytes = Bytes.of(der);
    String refused = checkAlgorithm(bytes, true);
    if (refused != null) {
      return refused;
    }
    try {
      if (!(factory().generatePrivate(new PKCS8EncodedKeySpec(bytes)) instanceof RSAPrivateCrtKey k)) {
        return "the PrivateKeyInfo's RSAPrivateKey lacks its CRT parameters";
      }
      return privateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrimeP(), k.getPrimeQ(),
          k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient());
    } catch (GeneralSecurityException | RuntimeException e) {
      return "the PrivateKeyInfo does not hold a valid RSAPrivateKey (" + e.getMessage() + ")";
    }
  }

  /** An RSA public key from a JWK's n and e (big-endian bytes), or why it is refused. */
  @HostAccess.Export
  public Object importPublic(Value n, Value e) {
    return publicKey(unsigned(n), unsigned(e));
  }

  /**
   * An RSA private key from a JWK's members (big-endian bytes), or why it is refused. {@code p} is null when the JWK
   * has d but none of p, q, dp, dq, qi (JWA section 6.3.2 allows it): the primes are then recovered from n, e, d.
   */
  @HostAccess.Export
  public Object importPrivate(Value n, Value e, Value d, Value p, Value q, Value dp, Value dq, Value qi) {
    BigInteger modulus = unsigned(n);
    BigInteger exponent = unsigned(e);
    BigInteger privateExponent = unsigned(d);
    if (p != null && !p.isNull()) {
      return privateKey(modulus, exponent, privateExponent, unsigned(p), unsigned(q), unsigned(dp), unsigned(dq),
          unsigned(qi));
    }
    Object pub = publicKey(modulus, exponent); // bounds the modulus before any arithmetic on it
    if (pub instanceof String) {
      return pub;
    }
    BigInteger prime = recoverPrime(modulus, exponent, privateExponent);
    if (prime == null || modulus.equals(prime.multiply(prime))) {
      return "the JWK's n, e and d are not an RSA key (its primes cannot be recovered from them)";
    }
    BigInteger other = modulus.divide(prime);
    BigInteger big = prime.max(other);
    BigInteger small = prime.min(other);
    BigInteger one = BigInteger.ONE;
    return privateKey(modulus, exponent, privateExponent, big, small, privateExponent.mod(big.subtract(one)),
        privateExponent.mod(small.subtract(one)), small.modInverse(big));
  }

  private static Object publicKey(BigInteger n, BigInteger e) {
    // RFC 8017 section 3.1: n positive (and odd: a product of odd primes), 3 <= e <= n - 1, e odd.
    if (n.signum() <= 0 || !n.testBit(0)) {
      return "the RSA modulus must be a positive odd integer";
    }
    if (e.compareTo(BigInteger.valueOf(3)) < 0 || e.compareTo(n) >= 0 || !e.testBit(0)) {
      return "the RSA public exponent must be odd, at least 3 and less than the modulus";
    }
    if (n.bitLength() < MIN_BITS || n.bitLength() > MAX_BITS) {
      return "RSA moduli of " + n.bitLength() + " bits are not supported (" + MIN_BITS + " to " + MAX_BITS + " bits)";
    }
    try {
      return new Handle(factory().generatePublic(new RSAPublicKeySpec(n, e)));
    } catch (GeneralSecurityException | RuntimeException x) {
      return "not a valid RSA public key (" + x.getMessage() + ")";
    }
  }

  /** RFC 8017 section 3.2's second representation, its consistency checked (the JDK's KeyFactory does not). */
  private static Object privateKey(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q,
      BigInteger dp, BigInteger dq, BigInteger qi) {
    Object pub = publicKey(n, e);
    if (pub instanceof String) {
      return pub;
    }
    BigInteger one = BigInteger.ONE;
    if (p.compareTo(one) <= 0 || q.compareTo(one) <= 0 || p.bitLength() + q.bitLength() > n.bitLength() + 1
        || !p.multiply(q).equals(n)) {
      return "the RSA private key's primes p and q do not multiply to its modulus";
    }
    BigInteger p1 = p.subtract(one);
    BigInteger q1 = q.subtract(one);
    if (d.signum() <= 0 || d.compareTo(n) >= 0 || !e.multiply(d).mod(p1).equals(one) || !e.multiply(d).mod(q1).equals(one)) {
      return "the RSA private exponent d is not the inverse of e";
    }
    if (!dp.equals(d.mod(p1)) || !dq.equals(d.mod(q1))) {
      return "the RSA private key's CRT exponents dp and dq do not match d";
    }
    if (qi.signum() <= 0 || qi.compareTo(p) >= 0 || !qi.multiply(q).mod(p).equals(one)) {
      return "the RSA private key's CRT coefficient qi is not the inverse of q modulo p";
    }
    try {
      return new Handle(factory().generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qi)));
    } catch (GeneralSecurityException | RuntimeException x) {
      return "not a valid RSA private key (" + x.getMessage() + ")";
    }
  }

  /**
   * A prime factor of n from e and d (NIST SP 800-56B rev. 2, appendix C.2): with k = de - 1 = 2^t r, r odd, some
   * g^(2^i r) is a nontrivial square root of 1 modulo n for most g, and gcd(it - 1, n) is a factor. Null if none is
   * found, which for a genuine key happens with negligible probability.
   */
  private static BigInteger recoverPrime(BigInteger n, BigInteger e, BigInteger d) {
    BigInteger one = BigInteger.ONE;
    if (n.signum() <= 0 || !n.testBit(0) || d.signum() <= 0 || d.compareTo(n) >= 0 || e.signum() <= 0) {
      return null;
    }
    BigInteger k = d.multiply(e).subtract(one);
    if (k.signum() <= 0 || k.testBit(0)) {
      return null;
    }
    int t = k.getLowestSetBit();
    BigInteger r = k.shiftRight(t);
    BigInteger minusOne = n.subtract(one);
    for (int i = 0; i < 100; i++) {
      BigInteger g = new BigInteger(n.bitLength(), RANDOM).mod(n);
      if (g.compareTo(one) <= 0) {
        continue;
      }
      BigInteger x = g.modPow(r, n);
      for (int j = 0; j < t && !x.equals(one) && !x.equals(minusOne); j++) {
        BigInteger y = x.modPow(BigInteger.TWO, n);
        if (y.equals(one)) {
          BigInteger p = x.subtract(one).gcd(n);
          return p.compareTo(one) > 0 && p.compareTo(n) < 0 ? p : null;
        }
        x = y;
      }
    }
    return null;
  }

  /**
   * Null if the DER is a SEQUENCE (with nothing after it) whose AlgorithmIdentifier (first member for an SPKI, second
   * after the version for a PKCS #8 PrivateKeyInfo) has the rsaEncryption OID; else why not. The JDK's KeyFactory
   * would also take an RSASSA-PSS key, which Web Crypto refuses; the rest of the structure is the JDK's to parse.
   */
  private static String checkAlgorithm(byte[] der, boolean pkcs8) {
    String what = pkcs8 ? "PrivateKeyInfo" : "SubjectPublicKeyInfo";
    if (!Der.isOneSequence(der)) {
      return "the key data is not a DER " + what;
    }
    int at = Der.element(der, 0, Der.SEQUENCE)[0];
    if (pkcs8) {
      int[] version = Der.element(der, at, 0x02);
      if (version == null) {
        return "the key data is not a DER " + what;
      }
      at = version[0] + version[1];
    }
    int[] algorithm = Der.element(der, at, Der.SEQUENCE);
    int[] oid = algorithm == null ? null : Der.element(der, algorithm[0], 0x06);
    if (oid == null) {
      return "the key data is not a DER " + what;
    }
    if (!java.util.Arrays.equals(der, oid[0], oid[0] + oid[1], RSA_ENCRYPTION, 0, RSA_ENCRYPTION.length)) {
      return "the " + what + "'s algorithm is not rsaEncryption (1.2.840.113549.1.1.1)";
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------- generate

  /** A new private key of {@code bits} bits with public exponent {@code e} (big-endian), or null if the JDK refuses. */
  @HostAccess.Export
  public Handle generate(int bits, Value e) {
    BigInteger exponent = unsigned(e);
    if (bits < MIN_BITS || bits > MAX_GENERATED_BITS || exponent.compareTo(BigInteger.valueOf(3)) < 0 || !exponent.testBit(0)
        || exponent.bitLength() > 64) {
      return null;
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(new RSAKeyGenParameterSpec(bits, exponent), RANDOM);
      return new Handle(generator.generateKeyPair().getPrivate());
    } catch (GeneralSecurityException | RuntimeException x) {
      return null;
    }
  }

  /** The public key of a private key. */
  @HostAccess.Export
  public Handle publicOf(Handle privateKey) {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) privateKey.key;
    return (Handle) publicKey(k.getModulus(), k.getPublicExponent());
  }

  // ---------------------------------------------------------------------------------------------------- export

  /** The bit length of the key's modulus. */
  @HostAccess.Export
  public int modulusLength(Handle key) {
    return modulus(key).bitLength();
  }

  /**
   * A member of the key as big-endian bytes without leading zeros: n, e (either key), d, p, q, dp, dq, qi (a
   * private key).
   */
  @HostAccess.Export
  public ByteBuffer component(Handle key, String name) {
    BigInteger value;
    if (key.key instanceof RSAPublicKey k) {
      value = switch (name) {
        case "n" -> k.getModulus();
        case "e" -> k.getPublicExponent();
        default -> throw new IllegalArgumentException("a public key has no " + name);
      };
    } else {
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) key.key;
      value = switch (name) {
        case "n" -> k.getModulus();
        case "e" -> k.getPublicExponent();
        case "d" -> k.getPrivateExponent();
        case "p" -> k.getPrimeP();
        case "q" -> k.getPrimeQ();
        case "dp" -> k.getPrimeExponentP();
        case "dq" -> k.getPrimeExponentQ();
        case "qi" -> k.getCrtCoefficient();
        default -> throw new IllegalArgumentException("no RSA key member " + name);
      };
    }
    byte[] bytes = value.toByteArray(); // two's complement: a leading zero byte when the top bit is set
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    return ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
  }

  /** The DER SubjectPublicKeyInfo (rsaEncryption, NULL parameters) of a public key, or the PKCS #8 of a private one. */
  @HostAccess.Export
  public ByteBuffer encoded(Handle key) {
    return ByteBuffer.wrap(key.key.getEncoded());
  }

  // ---------------------------------------------------------------------------------------------------- operations

  /**
   * An RSASSA-PKCS1-v1_5 signature ({@code saltLength} < 0) or an RSASSA-PSS one with MGF1 of the same hash, or
   * null if the operation fails (PSS: a salt too long for the modulus).
   */
  @HostAccess.Export
  public ByteBuffer sign(String hash, double saltLength, Handle key, Value data) {
    try {
      Signature signature = signature(hash, saltLength, key);
      signature.initSign((java.security.PrivateKey) key.key, RANDOM);
      signature.update(Bytes.of(data));
      return ByteBuffer.wrap(signature.sign());
    } catch (GeneralSecurityException | RuntimeException x) {
      return null;
    }
  }

  /** Whether {@code sig} is a valid signature of {@code data}, as for {@link #sign}; false for any malformed one. */
  @HostAccess.Export
  public boolean verify(String hash, double saltLength, Handle key, Value sig, Value data) {
    try {
      Signature signature = signature(hash, saltLength, key);
      signature.initVerify((java.security.PublicKey) key.key);
      signature.update(Bytes.of(data));
      return signature.verify(Bytes.of(sig));
    } catch (GeneralSecurityException | RuntimeException x) {
      return false; // the JDK throws for a signature of the wrong length or not below the modulus
    }
  }

  private static Signature signature(String hash, double saltLength, Handle key) throws GeneralSecurityException {
    if (saltLength < 0) {
      return Signature.getInstance(CryptoHost.lookup(PKCS1, hash));
    }
    // A salt longer than the modulus can never fit; the JDK's int would overflow for the largest unsigned longs.
    if (saltLength > (modulus(key).bitLength() + 7) / 8) {
      throw new java.security.SignatureException("salt too long");
    }
    CryptoHost.lookup(PKCS1, hash);
    Signature signature = Signature.getInstance("RSASSA-PSS");
    signature.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), (int) saltLength, 1));
    return signature;
  }

  /** RSAES-OAEP encryption with {@code hash} and MGF1 of it, or null if it fails (a message too long for the key). */
  @HostAccess.Export
  public ByteBuffer encrypt(String hash, Handle key, Value label, Value data) {
    return oaep(Cipher.ENCRYPT_MODE, hash, key, label, data);
  }

  /** RSAES-OAEP decryption, as {@link #encrypt}; null if the ciphertext does not decrypt. */
  @HostAccess.Export
  public ByteBuffer decrypt(String hash, Handle key, Value label, Value data) {
    return oaep(Cipher.DECRYPT_MODE, hash, key, label, data);
  }

  private static ByteBuffer oaep(int mode, String hash, Handle key, Value label, Value data) {
    try {
      CryptoHost.lookup(PKCS1, hash);
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(mode, key.key, new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
          new PSource.PSpecified(Bytes.of(label))), RANDOM);
      return ByteBuffer.wrap(cipher.doFinal(Bytes.of(data)));
    } catch (GeneralSecurityException | RuntimeException x) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------------- helpers

  private static BigInteger modulus(Handle key) {
    return key.key instanceof RSAPublicKey k ? k.getModulus() : ((RSAPrivateCrtKey) key.key).getModulus();
  }

  private static BigInteger unsigned(Value bytes) {
    return new BigInteger(1, Bytes.of(bytes));
  }
}
