package dev.bulwark.js;

/** What the Web Crypto tests' scripts start with. */
final class CryptoScripts {
  private CryptoScripts() {
  }

  /**
   * hex and unhex of bytes (unhex ignores white space), UTF-8 bytes of a string, a repeated byte, base64url both ways
   * (b64u of an ArrayBuffer or a view), and outcome: a call's result (an ArrayBuffer as hex) or its error's name, with
   * the DOMException code ("DataError/0").
   */
  static final String HELPERS = """
      const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
      const unhex = (s) => new Uint8Array((s.replace(/\\s/g, '').match(/../g) || []).map((b) => parseInt(b, 16)));
      const utf8 = (s) => new TextEncoder().encode(s);
      const repeat = (byte, n) => new Uint8Array(n).fill(byte);
      const b64u = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, '-').replace(/\\//g, '_')
        .replace(/=+$/, '');
      const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const outcome = async (f) => { try { const v = await f(); return v instanceof ArrayBuffer ? hex(v) : v; }
        catch (e) { return e.name + (e instanceof DOMException ? '/' + e.code : ''); } };
      """;
}
