package dev.bulwark.js;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.XECKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.KeyAgreement;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The JDK's primitives behind the prelude's ECDSA, ECDH, Ed25519 and X25519 (48-crypto-ec.js). {@code kind} is a
 * curve the prelude has already checked: "P-256", "P-384", "P-521", "Ed25519" or "X25519". Keys go to the script as
 * opaque {@link Handle}s (no exported member, so a script could read nothing from one even if it got hold of it).
 * Every method returns null (or false) when the key data or the operation is refused; the prelude turns that into
 * the standard's DOMException. What the JDK's API cannot express is done here by hand: the check that a public point
 * is on its curve, the range of a private scalar, and a private key's public half (for JWK export).
 */
public final class EcHost {
  /**
   * A key in the JDK's form, and for a private key its public half when known (computed once, when first needed: a
   * handle belongs to one CryptoKey, so this is no state shared between isolates).
   */
  public static final class Handle {
    final Key key;
    volatile PublicKey publicKey;

    Handle(Key key, PublicKey publicKey) {
      this.key = key;
      this.publicKey = publicKey;
    }

    @Override
    public String toString() {
      return "[CryptoKey handle]";
    }
  }

  /** A NIST curve: the JDK's parameters and the length of a coordinate (and of a private scalar) in bytes. */
  private record Curve(ECParameterSpec params, int bytes) {
    BigInteger p() {
      return ((ECFieldFp) params.getCurve().getField()).getP();
    }
  }

  private static final Map<String, Curve> CURVES = Map.of(
      "P-256", curve("secp256r1", 32), "P-384", curve("secp384r1", 48), "P-521", curve("secp521r1", 66));
  /** The DER before the 32 key bytes of an Ed25519 / X25519 SubjectPublicKeyInfo and PrivateKeyInfo (RFC 8410). */
  private static final Map<String, byte[]> SPKI_PREFIX = Map.of(
      "Ed25519", HexFormat.of().parseHex("302a300506032b6570032100"),
      "X25519", HexFormat.of().parseHex("302a300506032b656e032100"));
  private static final Map<String, byte[]> PKCS8_PREFIX = Map.of(
      "Ed25519", HexFormat.of().parseHex("302e020100300506032b657004220420"),
      "X25519", HexFormat.of().parseHex("302e020100300506032b656e04220420"));
  private static final Map<String, String> ECDSA = Map.of("SHA-1", "SHA1withECDSAinP1363Format",
      "SHA-256", "SHA256withECDSAinP1363Format", "SHA-384", "SHA384withECDSAinP1363Format",
      "SHA-512", "SHA512withECDSAinP1363Format");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Curve curve(String name, int bytes) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(name));
      return new Curve(p.getParameterSpec(ECParameterSpec.class), bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + name, e);
    }
  }

  private static boolean isEc(String kind) {
    return CURVES.containsKey(kind);
  }

  /** The JDK's key factory algorithm for a kind. */
  private static String factory(String kind) {
    return isEc(kind) ? "EC" : kind;
  }

  // Import. Every import checks what the JDK does not: the curve, the point, the scalar's range.

  /** A public key from a DER SubjectPublicKeyInfo, or null. */
  @HostAccess.Export
  public Handle importSpki(String kind, Value der) {
    try {
      byte[] bytes = Bytes.of(der);
      if (!Der.isOneSequence(bytes)) {
        return null;
      }
      PublicKey key = KeyFactory.getInstance(factory(kind)).generatePublic(new X509EncodedKeySpec(bytes));
      return validPublic(kind, key) ? new Handle(key, null) : null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** A private key from a DER PrivateKeyInfo, or null. */
  @HostAccess.Export
  public Handle importPkcs8(String kind, Value der) {
    try {
      byte[] bytes = Bytes.of(der);
      if (!Der.isOneSequence(bytes)) {
        return null;
      }
      PrivateKey key = KeyFactory.getInstance(factory(kind)).generatePrivate(new PKCS8EncodedKeySpec(bytes));
      return validPrivate(kind, key) ? new Handle(key, null) : null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A public key from its raw form: for the NIST curves a point 04 || x || y, or compressed (02 or 03 || x), as
   * SEC 1 2.3.4 decodes them; the 32 bytes of RFC 8032 / RFC 7748 for Ed25519 and X25519; or null.
   */
  @HostAccess.Export
  public Handle importRaw(String kind, Value raw) {
    byte[] bytes = Bytes.of(raw);
    try {
      Curve c = CURVES.get(kind);
      if (c == null) {
        return bytes.length == 32 ? importSpkiBytes(kind, concat(SPKI_PREFIX.get(kind), bytes)) : null;
      }
      if (bytes.length == 1 + c.bytes() && (bytes[0] == 2 || bytes[0] == 3)) {
        // Compressed (SEC 1, 2.3.4): y is the square root of x^3 + ax + b of the given parity; p = 3 (mod 4) for
        // the three curves, so a root is (x^3 + ax + b)^((p + 1) / 4), if there is one. All of it is public.
        BigInteger p = c.p();
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(bytes, 1, bytes.length));
        if (x.compareTo(p) >= 0) {
          return null;
        }
        BigInteger y = x.multiply(x).add(c.params().getCurve().getA()).multiply(x).add(c.params().getCurve().getB()).mod(p)
            .modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        if (y.testBit(0) != (bytes[0] == 3)) {
          y = p.subtract(y).mod(p);
        }
        return publicPoint(kind, fixed(x, c.bytes()), fixed(y, c.bytes())); // null unless y^2 is x^3 + ax + b
      }
      if (bytes.length != 1 + 2 * c.bytes() || bytes[0] != 4) {
        return null;
      }
      return publicPoint(kind, Arrays.copyOfRange(bytes, 1, 1 + c.bytes()), Arrays.copyOfRange(bytes, 1 + c.bytes(), bytes.length));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A key from a JWK's members, already base64url-decoded: x and y (y null for Ed25519 / X25519), and d for a private
   * key (else null). The lengths must be the curve's, and d must be the private key of x (and y); or null.
   */
  @HostAccess.Export
  public Handle importJwk(String kind, Value x, Value y, Value d) {
    try {
      byte[] xs = Bytes.of(x);
      Curve c = CURVES.get(kind);
      Handle pub;
      if (c == null) {
        pub = xs.length == 32 ? importSpkiBytes(kind, concat(SPKI_PREFIX.get(kind), xs)) : null;
      } else {
        byte[] ys = Bytes.of(y);
        pub = xs.length == c.bytes() && ys.length == c.bytes() ? publicPoint(kind, xs, ys) : null;
      }
      if (pub == null || d == null || d.isNull()) {
        return pub;
      }
      byte[] ds = Bytes.of(d);
      PrivateKey key;
      if (c == null) {
        if (ds.length != 32) {
          return null;
        }
        key = KeyFactory.getInstance(kind).generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX.get(kind), ds)));
      } else {
        if (ds.length != c.bytes()) {
          return null;
        }
        key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, ds), c.params()));
      }
      if (!validPrivate(kind, key)) {
        return null;
      }
      PublicKey derived = publicOf(kind, key);
      return derived != null && Arrays.equals(derived.getEncoded(), pub.key.getEncoded()) ? new Handle(key, derived) : null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private Handle importSpkiBytes(String kind, byte[] der) throws GeneralSecurityException {
    PublicKey key = KeyFactory.getInstance(kind).generatePublic(new X509EncodedKeySpec(der));
    return validPublic(kind, key) ? new Handle(key, null) : null;
  }

  private static Handle publicPoint(String kind, byte[] x, byte[] y) throws GeneralSecurityException {
    Curve c = CURVES.get(kind);
    ECPoint w = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
    if (!onCurve(c, w)) {
      return null;
    }
    return new Handle(KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, c.params())), null);
  }

  /** Whether a NIST point is a finite point of the curve: 0 <= x, y < p and y^2 = x^3 + ax + b (mod p). */
  private static boolean onCurve(Curve c, ECPoint w) {
    if (w.equals(ECPoint.POINT_INFINITY)) {
      return false;
    }
    BigInteger p = c.p();
    BigInteger x = w.getAffineX();
    BigInteger y = w.getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger a = c.params().getCurve().getA();
    BigInteger b = c.params().getCurve().getB();
    return y.multiply(y).mod(p).equals(x.multiply(x).add(a).multiply(x).add(b).mod(p));
  }

  private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder()) && a.getCofactor() == b.getCofactor();
  }

  private static boolean validPublic(String kind, Key key) {
    Curve c = CURVES.get(kind);
    if (c != null) {
      return key instanceof ECPublicKey k && sameCurve(k.getParams(), c.params()) && onCurve(c, k.getW());
    }
    return namedAs(kind, key);
  }

  private static boolean validPrivate(String kind, Key key) {
    Curve c = CURVES.get(kind);
    if (c != null) {
      if (!(key instanceof ECPrivateKey k) || !sameCurve(k.getParams(), c.params())) {
        return false;
      }
      BigInteger s = k.getS();
      return s.signum() > 0 && s.compareTo(c.params().getOrder()) < 0;
    }
    return namedAs(kind, key);
  }

  /** Whether an Ed25519 / X25519 key is of that curve (the JDK's EdDSA and XDH factories take both of theirs). */
  private static boolean namedAs(String kind, Key key) {
    java.security.spec.AlgorithmParameterSpec params = key instanceof EdECKey k ? k.getParams()
        : key instanceof XECKey k ? k.getParams() : null;
    return params instanceof NamedParameterSpec n && n.getName().equalsIgnoreCase(kind);
  }

  // Generation, public halves.

  /** A new private key (its handle knows its public half), or null. */
  @HostAccess.Export
  public Handle generate(String kind) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(factory(kind));
      Curve c = CURVES.get(kind);
      if (c != null) {
        g.initialize(c.params(), RANDOM);
      }
      KeyPair pair = g.generateKeyPair();
      return new Handle(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** The public key of a private key's handle, or null. */
  @HostAccess.Export
  public Handle publicKey(String kind, Handle privateKey) {
    if (!(privateKey.key instanceof PrivateKey)) {
      return null;
    }
    PublicKey pub = privateKey.publicKey;
    if (pub == null) {
      pub = publicOf(kind, (PrivateKey) privateKey.key);
      privateKey.publicKey = pub;
    }
    return pub == null ? null : new Handle(pub, null);
  }

  /**
   * The public half of a private key, computed with the JDK's own constant-time code: for a NIST curve, x of d*G is
   * the ECDH secret of d with the generator G, and y is the square root (p = 3 mod 4 for all three curves) that a
   * signature made with d verifies with; for Ed25519 and X25519, the key pair generator is given d as its "random"
   * private bytes (checked to be what it used). Null when it cannot be computed.
   */
  private static PublicKey publicOf(String kind, PrivateKey key) {
    try {
      Curve c = CURVES.get(kind);
      if (c == null) {
        byte[] d = key instanceof EdECPrivateKey k ? k.getBytes().orElse(null)
            : key instanceof XECPrivateKey k ? k.getScalar().orElse(null) : null;
        if (d == null || d.length != 32) {
          return null;
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance(kind);
        g.initialize(new NamedParameterSpec(kind), new FixedRandom(d));
        KeyPair pair = g.generateKeyPair();
        return Arrays.equals(pair.getPrivate().getEncoded(), key.getEncoded()) ? pair.getPublic() : null;
      }
      KeyFactory f = KeyFactory.getInstance("EC");
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(key);
      agreement.doPhase(f.generatePublic(new ECPublicKeySpec(c.params().getGenerator(), c.params())), true);
      BigInteger x = new BigInteger(1, agreement.generateSecret());
      BigInteger p = c.p();
      BigInteger rhs = x.multiply(x).add(c.params().getCurve().getA()).multiply(x).add(c.params().getCurve().getB()).mod(p);
      BigInteger y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
      byte[] probe = new byte[] {1};
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key, RANDOM);
      s.update(probe);
      byte[] signature = s.sign();
      for (BigInteger candidate : new BigInteger[] {y, p.subtract(y).mod(p)}) {
        PublicKey pub = f.generatePublic(new ECPublicKeySpec(new ECPoint(x, candidate), c.params()));
        s.initVerify(pub);
        s.update(probe);
        if (s.verify(signature)) {
          return pub;
        }
      }
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** Gives the bytes it was made with, then fails: the "random" private key of a key pair generator. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private transient byte[] bytes;

    FixedRandom(byte[] bytes) {
      super(new byte[0]);
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      if (bytes == null || out.length != bytes.length) {
        throw new IllegalStateException("unexpected use of the fixed random");
      }
      System.arraycopy(bytes, 0, out, 0, out.length);
      bytes = null;
    }
  }

  // Export.

  /** spki (public), pkcs8 (private), or raw (public: 04 || x || y, or the 32 bytes); null for none. */
  @HostAccess.Export
  public ByteBuffer export(String kind, Handle handle, String format) {
    try {
      return exportBytes(kind, handle, format);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static ByteBuffer exportBytes(String kind, Handle handle, String format) {
    Key key = handle.key;
    byte[] out;
    switch (format) {
      case "spki", "pkcs8" -> out = key.getEncoded();
      case "raw" -> {
        Curve c = CURVES.get(kind);
        if (c == null) {
          byte[] spki = key.getEncoded();
          out = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        } else {
          ECPoint w = ((ECPublicKey) key).getW();
          out = concat(new byte[] {4}, concat(fixed(w.getAffineX(), c.bytes()), fixed(w.getAffineY(), c.bytes())));
        }
      }
      default -> out = null;
    }
    return out == null ? null : ByteBuffer.wrap(out);
  }

  /** A JWK member of a key: "x", "y" (NIST curves) of a public key, "d" of a private one, fixed length; or null. */
  @HostAccess.Export
  public ByteBuffer jwkMember(String kind, Handle handle, String member) {
    try {
      return jwkBytes(kind, handle, member);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static ByteBuffer jwkBytes(String kind, Handle handle, String member) {
    Key key = handle.key;
    Curve c = CURVES.get(kind);
    if (member.equals("d")) {
      if (c != null) {
        return ByteBuffer.wrap(fixed(((ECPrivateKey) key).getS(), c.bytes()));
      }
      byte[] pkcs8 = key.getEncoded(); // 04 20 || the 32 bytes, at the end of the JDK's PrivateKeyInfo (RFC 8410)
      return key instanceof EdECPrivateKey k ? ByteBuffer.wrap(k.getBytes().orElseThrow())
          : ByteBuffer.wrap(((XECPrivateKey) key).getScalar().orElse(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)));
    }
    ByteBuffer raw = exportBytes(kind, handle, "raw");
    if (c == null) {
      return raw;
    }
    int from = member.equals("x") ? 1 : 1 + c.bytes();
    return ByteBuffer.wrap(Arrays.copyOfRange(raw.array(), from, from + c.bytes()));
  }

  private static byte[] fixed(BigInteger n, int length) {
    byte[] b = n.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(b.length, length);
    System.arraycopy(b, b.length - copy, out, length - copy, copy);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // Operations.

  /** An ECDSA (P1363 r || s) signature with {@code hash}, or an Ed25519 one ({@code hash} null); null on failure. */
  @HostAccess.Export
  public ByteBuffer sign(Handle handle, String hash, Value data) {
    try {
      Signature s = Signature.getInstance(hash == null ? "Ed25519" : ECDSA.get(hash));
      s.initSign((PrivateKey) handle.key, RANDOM);
      s.update(Bytes.of(data));
      return ByteBuffer.wrap(s.sign());
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether a signature (as for {@link #sign}) is valid; a malformed one is not. For Ed25519, as the standard says
   * (and the JDK does not check), a signature whose public key or R is a small-order point is not valid either.
   */
  @HostAccess.Export
  public boolean verify(Handle handle, String hash, Value signature, Value data) {
    try {
      byte[] sig = Bytes.of(signature);
      if (hash == null) {
        byte[] spki = handle.key.getEncoded();
        if (sig.length != 64 || smallOrder(Arrays.copyOfRange(spki, spki.length - 32, spki.length))
            || smallOrder(Arrays.copyOf(sig, 32))) {
          return false;
        }
      }
      Signature s = Signature.getInstance(hash == null ? "Ed25519" : ECDSA.get(hash));
      s.initVerify((PublicKey) handle.key);
      s.update(Bytes.of(data));
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The encodings of Ed25519's small-order points (orders 1, 2, 4 and 8), with y = p and y = p + 1, the non-canonical
   * encodings of y = 0 and y = 1; compared without the sign bit of x, which gives every other encoding of them.
   */
  private static final byte[][] SMALL_ORDER = {
      HexFormat.of().parseHex("0000000000000000000000000000000000000000000000000000000000000000"),
      HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000"),
      HexFormat.of().parseHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
      HexFormat.of().parseHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
      HexFormat.of().parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      HexFormat.of().parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      HexFormat.of().parseHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")};

  private static boolean smallOrder(byte[] encoding) {
    byte[] e = encoding.clone();
    e[31] &= 0x7f;
    for (byte[] point : SMALL_ORDER) {
      if (Arrays.equals(point, e)) {
        return true;
      }
    }
    return false;
  }

  /** The ECDH / X25519 shared secret of a private and a public key (x of the point, or the 32 bytes); null on failure. */
  @HostAccess.Export
  public ByteBuffer agree(String kind, Handle privateKey, Handle publicKey) {
    try {
      KeyAgreement agreement = KeyAgreement.getInstance(isEc(kind) ? "ECDH" : kind);
      agreement.init(privateKey.key);
      agreement.doPhase(publicKey.key, true);
      return ByteBuffer.wrap(agreement.generateSecret());
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }
}
