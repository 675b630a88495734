// A fast path for whatwg-url's basicURLParse: an http(s) URL that is already in the form the URL Standard serializes
// (a lowercase ASCII domain, no credentials, no default port, nothing to percent-encode, no dot segments) parses to
// exactly its own parts, so they are split out with one regular expression instead of running the standard's state
// machine code point by code point. That machine costs GraalJS's interpreter 0.3-1.3 ms per URL, and
// `new URL(request.url)` is the first line of most workers. Anything else, and every call with a base URL or a state
// override (the setters), goes to the reference implementation unchanged.
const usm = require('whatwg-url/lib/url-state-machine.js');

function chars(excluded) {
  let out = '';
  for (let c = 0x21; c <= 0x7e; c++) {
    const ch = String.fromCharCode(c);
    if (!excluded.includes(ch)) out += /[\w]/.test(ch) ? ch : '\\' + ch;
  }
  return '[' + out + ']*';
}
// The sets are printable ASCII less the standard's percent-encode sets: path (special URLs treat '\' as '/'),
// special-query, fragment. '?' and '#' end the path, '#' the query.
const PATH = chars('"#<>?`{}\\');
const QUERY = chars('"#<>\'');
const FRAGMENT = chars('"<>`');
const SIMPLE = new RegExp('^(https?)://([a-z0-9-]+(?:\\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?(/' + PATH + ')'
  + '(?:\\?(' + QUERY + '))?(?:#(' + FRAGMENT + '))?$');
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;
const LAST_LABEL_NUMBER = /(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/;
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp('^' + OCTET + '\\.' + OCTET + '\\.' + OCTET + '\\.' + OCTET + '$');
const DEFAULT_PORT = { http: 80, https: 443 };

function fast(input) {
  const m = SIMPLE.exec(input);
  if (m === null) return null;
  const [, scheme, host, port, path, query, fragment] = m;
  // Left to the reference implementation: other hosts it would read as numbers (0x7f, 1.2.3, 010.0.0.1), punycode labels
  // (validated by tr46), default or out-of-range ports (dropped or refused), dot segments (removed).
  // A dotted-decimal IPv4 address as the standard serializes it (four decimal numbers to 255, no leading zeros) is
  // kept as the standard keeps it, a number.
  const ipv4 = IPV4.exec(host);
  if (ipv4 === null && (LAST_LABEL_NUMBER.test(host) || host.startsWith('xn--') || host.includes('.xn--'))) return null;
  if (DOT_SEGMENT.test(path)) return null;
  const portNumber = port === undefined ? null : Number(port);
  if (portNumber !== null && (portNumber > 65535 || portNumber === DEFAULT_PORT[scheme])) return null;
  return {
    scheme, username: '', password: '',
    host: ipv4 === null ? host : ((Number(ipv4[1]) * 256 + Number(ipv4[2])) * 256 + Number(ipv4[3])) * 256 + Number(ipv4[4]),
    port: portNumber, path: path.slice(1).split('/'),
    query: query === undefined ? null : query, fragment: fragment === undefined ? null : fragment,
  };
}

const reference = usm.basicURLParse;
usm.basicURLParse = function (input, options) {
  if (options === undefined || (options.baseURL == null && options.url === undefined && options.stateOverride === undefined)) {
    const parts = fast(input);
    if (parts !== null) return parts;
  }
  return reference(input, options);
};
