package dev.bulwark.js;

/** The JDK's primitives behind the prelude's RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP (48-crypto-rsa.js). */
public final class RsaHost {
}
