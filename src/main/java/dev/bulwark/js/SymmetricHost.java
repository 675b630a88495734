package dev.bulwark.js;

/** The JDK's primitives behind the prelude's AES-GCM, AES-CBC, AES-CTR, AES-KW, PBKDF2 and HKDF (48-crypto-symmetric.js). */
public final class SymmetricHost {
}
