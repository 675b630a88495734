// Entry point of the URL bundle: the WHATWG URL Standard's reference implementation (whatwg-url, used by jsdom and
// Node's test suite), exposed to the prelude file 15-url.js.
import { URL, URLSearchParams } from 'whatwg-url';
import './url-fast-path.js';
globalThis.__bulwarkVendorUrl = { URL, URLSearchParams };
