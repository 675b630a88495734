package dev.bulwark.js;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The primitives behind the prelude's Web Crypto (47-crypto.js): random bytes, digests and HMAC from the JDK's
 * providers. Everything the standard says about arguments, algorithm names, keys and errors is done in JavaScript;
 * the prelude passes only names it has already normalized and ArrayBuffers it owns, so a failure here is a bug.
 */
public final class CryptoHost {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The hashes the prelude registers, by their Web Crypto names, with the JDK's names for them. */
  private static final Map<String, String> DIGESTS =
      Map.of("SHA-1", "SHA-1", "SHA-256", "SHA-256", "SHA-384", "SHA-384", "SHA-512", "SHA-512", "MD5", "MD5");
  private static final Map<String, String> MACS =
      Map.of("SHA-1", "HmacSHA1", "SHA-256", "HmacSHA256", "SHA-384", "HmacSHA384", "SHA-512", "HmacSHA512");

  static {
    // Loading the JDK's providers costs tens of milliseconds of CPU once per JVM: pay it when the first isolate is
    // built rather than in the first request that signs, where it would count against that request's CPU budget.
    RANDOM.nextBytes(new byte[1]);
    digest("SHA-256", new byte[0]);
    mac("SHA-256", new byte[1], new byte[0]);
  }

  /** {@code length} bytes from a {@link SecureRandom}. */
  @HostAccess.Export
  public ByteBuffer randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return ByteBuffer.wrap(bytes);
  }

  /** A version 4 UUID in its lowercase string form (the JDK draws it from a SecureRandom). */
  @HostAccess.Export
  public String randomUUID() {
    return UUID.randomUUID().toString();
  }

  /** The digest of a whole ArrayBuffer with {@code hash}, one of SHA-1, SHA-256, SHA-384, SHA-512, MD5. */
  @HostAccess.Export
  public ByteBuffer digest(String hash, Value data) {
    return ByteBuffer.wrap(digest(hash, Bytes.of(data)));
  }

  /** A digest fed chunk by chunk (crypto.DigestStream); {@code hash} as for {@link #digest}. */
  @HostAccess.Export
  public Digester digester(String hash) {
    try {
      return new Digester(MessageDigest.getInstance(lookup(DIGESTS, hash)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + hash, e);
    }
  }

  /** Whether two ArrayBuffers of the same length hold the same bytes, in time independent of where they differ. */
  @HostAccess.Export
  public boolean equal(Value a, Value b) {
    return MessageDigest.isEqual(Bytes.of(a), Bytes.of(b));
  }

  /** RFC 7515 base64url without padding of a whole ArrayBuffer (JWK members, as JWA requires). */
  @HostAccess.Export
  public String base64urlEncode(Value data) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(Bytes.of(data));
  }

  /**
   * The bytes of RFC 7515 base64url without padding (JWK members, as JWA requires), or null for anything else. Decoded
   * here rather than in JavaScript: the text may be a secret key's, and a script may replace string methods.
   */
  @HostAccess.Export
  public ByteBuffer base64urlDecode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return null;
      }
    }
    try {
      return ByteBuffer.wrap(java.util.Base64.getUrlDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      return null; // a length of 4n + 1
    }
  }

  /** One running digest; the script holds it only inside a DigestStream. */
  public static final class Digester {
    private final MessageDigest digest;

    private Digester(MessageDigest digest) {
      this.digest = digest;
    }

    @HostAccess.Export
    public void update(Value data) {
      digest.update(Bytes.of(data));
    }

    /** The digest of everything given; the digester starts over afterwards. */
    @HostAccess.Export
    public ByteBuffer finish() {
      return ByteBuffer.wrap(digest.digest());
    }
  }

  /** HMAC of a whole ArrayBuffer with the key in another; {@code hash} as for {@link #digest}. */
  @HostAccess.Export
  public ByteBuffer hmac(String hash, Value key, Value data) {
    return ByteBuffer.wrap(mac(hash, Bytes.of(key), Bytes.of(data)));
  }

  /** Whether {@code signature} is the HMAC of {@code data}, compared in time independent of where they differ. */
  @HostAccess.Export
  public boolean hmacVerify(String hash, Value key, Value data, Value signature) {
    return MessageDigest.isEqual(mac(hash, Bytes.of(key), Bytes.of(data)), Bytes.of(signature));
  }

  private static byte[] digest(String hash, byte[] data) {
    try {
      return MessageDigest.getInstance(lookup(DIGESTS, hash)).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + hash, e);
    }
  }

  private static byte[] mac(String hash, byte[] key, byte[] data) {
    return hmac(hash, key).doFinal(data);
  }

  /**
   * HMAC with {@code hash} (a Web Crypto SHA name) keyed with {@code key}, which may be empty (PBKDF2's and HKDF's
   * passwords, salts and key material may be). SecretKeySpec refuses an empty key, but HMAC pads any key shorter than
   * the hash's block with zeros (FIPS 198-1 step 3), so an empty key and the one-byte key 00 are the same key: the
   * latter is used. (An empty HMAC key itself is a DataError the prelude gives before it gets here.)
   */
  static Mac hmac(String hash, byte[] key) {
    String algorithm = lookup(MACS, hash);
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }

  /** The JDK's name for a Web Crypto hash in one of the tables of names; an IllegalArgumentException for another. */
  static String lookup(Map<String, String> names, String hash) {
    String name = names.get(hash);
    if (name == null) {
      throw new IllegalArgumentException("unsupported hash " + hash);
    }
    return name;
  }
}
