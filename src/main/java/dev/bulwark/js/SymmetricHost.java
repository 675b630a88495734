package dev.bulwark.js;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The JDK's primitives behind the prelude's AES-GCM, AES-CBC, AES-CTR, AES-KW, PBKDF2 and HKDF (48-crypto-symmetric.js).
 * The prelude does the Web Crypto steps (parameters, lengths, usages, errors) and passes only ArrayBuffers it owns
 * and values it has checked. A failure the standard expects (a wrong tag, a bad padding, an integrity check, a
 * counter that would repeat) is returned as {@code null}, which the script turns into an OperationError; anything
 * else is a bug and is thrown as an IllegalStateException. No state: one instance serves every isolate.
 *
 * <p>Written here by hand, because the JDK's API cannot express them: AES-CTR's counter of fewer than 128 bits (the
 * JDK increments the whole block, so the data is split where the counter wraps), GCM tags of 32 and 64 bits (the JDK
 * refuses tags under 96 bits: the full tag is computed and truncated, as GCM defines a short tag), and PBKDF2 and
 * HKDF over the JDK's HMAC (PBEKeySpec takes characters, not bytes, and JDK 17 has no HKDF).
 */
public final class SymmetricHost {
  private static final int BLOCK = 16;

  static {
    // Load the JDK's AES classes when the first isolate is built, not in the first request that encrypts.
    new SymmetricHost().gcm(true, new byte[16], new byte[12], new byte[0], 128, new byte[16]);
  }

  /** AES-GCM encryption: ciphertext || the first {@code tagBits} bits of the tag. */
  @HostAccess.Export
  public ByteBuffer gcmEncrypt(Value key, Value iv, Value additionalData, int tagBits, Value data) {
    return wrap(gcm(true, Bytes.of(key), Bytes.of(iv), Bytes.of(additionalData), tagBits, Bytes.of(data)));
  }

  /** AES-GCM decryption of ciphertext || tag ({@code tagBits} bits); null if the tag is not right. */
  @HostAccess.Export
  public ByteBuffer gcmDecrypt(Value key, Value iv, Value additionalData, int tagBits, Value data) {
    return wrap(gcm(false, Bytes.of(key), Bytes.of(iv), Bytes.of(additionalData), tagBits, Bytes.of(data)));
  }

  private byte[] gcm(boolean encrypt, byte[] key, byte[] iv, byte[] aad, int tagBits, byte[] data) {
    if (tagBits >= 96) {
      try {
        return gcmCipher(encrypt, key, iv, aad, tagBits).doFinal(data);
      } catch (AEADBadTagException e) {
        return null;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM", e);
      }
    }
    // A 32- or 64-bit tag is the leading bits of the full 128-bit tag (SP 800-38D, MSB_t), which the JDK does not offer.
    int tagBytes = tagBits / 8;
    try {
      if (encrypt) {
        byte[] full = gcmCipher(true, key, iv, aad, 128).doFinal(data);
        return Arrays.copyOf(full, data.length + tagBytes);
      }
      int n = data.length - tagBytes;
      byte[] ciphertext = Arrays.copyOf(data, n);
      // GCM's encryption is CTR from the same counter block: encrypting the ciphertext gives back the plaintext
      // (its tag is of no use). Encrypting that plaintext again gives the tag to check; the plaintext is returned
      // only when the tag matches.
      byte[] plaintext = Arrays.copyOf(gcmCipher(true, key, iv, aad, 128).doFinal(ciphertext), n);
      byte[] full = gcmCipher(true, key, iv, aad, 128).doFinal(plaintext);
      byte[] expected = Arrays.copyOfRange(full, n, n + tagBytes);
      return MessageDigest.isEqual(expected, Arrays.copyOfRange(data, n, data.length)) ? plaintext : null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM", e);
    }
  }

  private static Cipher gcmCipher(boolean encrypt, byte[] key, byte[] iv, byte[] aad, int tagBits)
      throws GeneralSecurityException {
    // A new Cipher every time: the JDK refuses to encrypt twice with one key and IV on the same instance.
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, aes(key), new GCMParameterSpec(tagBits, iv));
    if (aad.length > 0) {
      c.updateAAD(aad);
    }
    return c;
  }

  /** AES-CBC with PKCS#7 padding; on decryption, null for a length that is not whole blocks or a bad padding. */
  @HostAccess.Export
  public ByteBuffer cbc(boolean encrypt, Value key, Value iv, Value data) {
    byte[] in = Bytes.of(data);
    if (!encrypt && (in.length == 0 || in.length % BLOCK != 0)) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, aes(Bytes.of(key)), new IvParameterSpec(Bytes.of(iv)));
      return ByteBuffer.wrap(c.doFinal(in));
    } catch (BadPaddingException | IllegalBlockSizeException e) {
      if (encrypt) {
        throw new IllegalStateException("AES-CBC", e);
      }
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC", e);
    }
  }

  /**
   * AES-CTR (SP 800-38A) where only the rightmost {@code length} bits (1 to 128) of the counter block count and
   * wrap around modulo 2^length; null when the data has more blocks than the counter has values.
   */
  @HostAccess.Export
  public ByteBuffer ctr(Value key, Value counter, int length, Value data) {
    byte[] in = Bytes.of(data);
    byte[] block = Bytes.of(counter);
    BigInteger values = BigInteger.ONE.shiftLeft(length);
    long blocks = (in.length + (long) BLOCK - 1) / BLOCK;
    if (BigInteger.valueOf(blocks).compareTo(values) > 0) {
      return null;
    }
    BigInteger untilWrap = values.subtract(new BigInteger(1, block).mod(values));
    byte[] out = new byte[in.length];
    try {
      if (untilWrap.compareTo(BigInteger.valueOf(blocks)) >= 0) {
        ctrCipher(key, block).doFinal(in, 0, in.length, out, 0);
      } else {
        // The JDK's counter carries into the bits left of the counter: stop where the counter wraps, and go on
        // from a block whose counter bits are zero (the rest of it unchanged). At most one wrap: blocks <= 2^length.
        int first = untilWrap.intValueExact() * BLOCK;
        ctrCipher(key, block).doFinal(in, 0, first, out, 0);
        for (int bit = 0; bit < length; bit++) {
          block[BLOCK - 1 - bit / 8] &= (byte) ~(1 << (bit % 8));
        }
        ctrCipher(key, block).doFinal(in, first, in.length - first, out, first);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR", e);
    }
    return ByteBuffer.wrap(out);
  }

  private static Cipher ctrCipher(Value key, byte[] block) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, aes(Bytes.of(key)), new IvParameterSpec(block));
    return c;
  }

  /**
   * AES Key Wrap (RFC 3394, the default initial value) of whole 64-bit blocks, at least two; unwrapping returns null
   * for data of the wrong length or that fails the integrity check.
   */
  @HostAccess.Export
  public ByteBuffer keyWrap(boolean wrap, Value key, Value data) {
    byte[] in = Bytes.of(data);
    if (in.length % 8 != 0 || in.length < (wrap ? 16 : 24)) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/KW/NoPadding");
      c.init(wrap ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, aes(Bytes.of(key)));
      return ByteBuffer.wrap(c.doFinal(in));
    } catch (BadPaddingException | IllegalBlockSizeException e) {
      if (wrap) {
        throw new IllegalStateException("AES-KW", e);
      }
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-KW", e);
    }
  }

  /**
   * {@code count} iterations of PBKDF2's F (RFC 8018 section 5.2) for one block: U = PRF(P, U), T ^= U. Returns the
   * last U then T, each one hash long. The first call passes S || INT(i) as U and zeros as T. The prelude calls this
   * in slices of iterations, so that a request over its CPU budget can be stopped between them.
   */
  @HostAccess.Export
  public ByteBuffer pbkdf2(String hash, Value password, Value u, Value t, int count) {
    Mac mac = CryptoHost.hmac(hash, Bytes.of(password));
    byte[] next = Bytes.of(u);
    byte[] sum = Bytes.of(t);
    int n = mac.getMacLength();
    if (sum.length != n) {
      throw new IllegalArgumentException("T must be " + n + " bytes");
    }
    try {
      for (int i = 0; i < count; i++) {
        mac.update(next);
        if (next.length != n) {
          next = new byte[n];
        }
        mac.doFinal(next, 0);
        for (int j = 0; j < n; j++) {
          sum[j] ^= next[j];
        }
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer out = ByteBuffer.allocate(2 * n);
    out.put(next).put(sum).flip();
    return out;
  }

  /** HKDF (RFC 5869): extract with the salt, then expand with info to {@code length} bytes (at most 255 hashes). */
  @HostAccess.Export
  public ByteBuffer hkdf(String hash, Value keyMaterial, Value salt, Value info, int length) {
    byte[] prk = CryptoHost.hmac(hash, Bytes.of(salt)).doFinal(Bytes.of(keyMaterial));
    Mac mac = CryptoHost.hmac(hash, prk);
    byte[] context = Bytes.of(info);
    int n = mac.getMacLength();
    if (length > 255 * n) {
      throw new IllegalArgumentException("HKDF output longer than 255 hashes");
    }
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, done = 0; done < length; i++, done += n) {
      mac.update(t);
      mac.update(context);
      mac.update((byte) i);
      t = mac.doFinal();
      System.arraycopy(t, 0, out, done, Math.min(n, length - done));
    }
    return ByteBuffer.wrap(out);
  }

  private static SecretKeySpec aes(byte[] key) {
    return new SecretKeySpec(key, "AES");
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }
}
