package dev.bulwark.js;

/** The JDK's primitives behind the prelude's ECDSA, ECDH, Ed25519 and X25519 (48-crypto-ec.js). */
public final class EcHost {
}
