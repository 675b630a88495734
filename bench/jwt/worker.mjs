// bench/run.sh part "jwt": an RS256 JWT check as an API gateway worker does it, served unchanged by Bulwark's JavaScript
// worker and by workerd. GET / with `Authorization: Bearer <TOKEN>` answers "Hello World" when the token's signature
// (RSASSA-PKCS1-v1_5 with SHA-256, checked with crypto.subtle against the public key below) and its exp, aud and iss
// claims are right, 401 otherwise; GET / without the header answers "Hello World" (the bench's start-up check).
// The key pair was made once with Node.js's Web Crypto (2048 bits); only the public half and one token are kept.
const JWK = {"kty": "RSA", "n": "i5td3Zt4T0QxLc_8ZT1n7jgQbim6zfq7QIEGRY-cxju5lVl8GwbjnAIAriuhWitOXvSP8WCIXbQ9CGrD-N8Ife0bskIVz_pFen9o_KzrRKeWQFjuJaPk5jWMTp-cWzq0M9av4XYEaD6KbcMBDIb_dK0de5RRYVrjMBEsv0HItKBQHXVHtALbnOxh7Pjm6KKIVoZOaxTDuvG0IgsG5FISd1An4SvDeQ5qKHhw0bFz0ggvm3VbQW7QElWxSKO249XQ2i0qwpF5OKg6lrQJWA1uV62W99VSfnEHlw-Qi_XoVQ3AQYbapSmdQKd7Ts3ZmlYafIcmbbc8cjt3IMmCyxU-fQ", "e": "AQAB", "alg": "RS256", "kid": "bench"};
// The token bench/run.sh sends (read from this line); exp is in 2100.
const TOKEN = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJlbmNoIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJiZW5jaCIsImlhdCI6MTc2NDYzMzYwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.BaudmYHR6cerK6VQnwuCu9KHiSRc_b8D2peujXCq7GVkHsZBBRvfU_xFmp_fBB4ZecJXt9s2Du-f3MtXbcu1B57QbbJdl8qoxHhTc-tuLgfv7PRwy0UM4EjFT4JfhRe0QmyQ6SF6KmQIN_EkA8z21bkdcXEnd6nsDjl9bOERHcPL-4EG3_GhwXOQe3ftrB412HGPCMFUU4ua3dYkABIESMfCrsMbm0mEwVK3IvvO6_9szzddxylnhYYq5fDRenWcGV2izw_Y9C8V_hOup-c-ETvdQ1ieagWS7H-JeLxg4j9MOofNMQ9EiBQCsWIBcQkkeHpiR8PKSBM0jTJWYFyGHQ';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const base64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
let key; // imported once per isolate, as a worker keeps its verification key

export default {
  async fetch(request) {
    const auth = request.headers.get('authorization');
    if (auth === null) return new Response('Hello World\n');
    const [header, payload, signature] = auth.replace(/^Bearer /, '').split('.');
    if (signature === undefined) return new Response('malformed token\n', { status: 401 });
    key ??= crypto.subtle.importKey('jwk', JWK, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', await key, base64url(signature),
      encoder.encode(header + '.' + payload));
    if (!valid) return new Response('bad signature\n', { status: 401 });
    const claims = JSON.parse(decoder.decode(base64url(payload)));
    if (claims.exp * 1000 < Date.now() || claims.aud !== 'bench' || claims.iss !== 'https://auth.example.com/') {
      return new Response('bad claims\n', { status: 401 });
    }
    return new Response('Hello World\n');
  },
};
