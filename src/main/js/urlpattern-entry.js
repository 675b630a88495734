// Entry point of the URLPattern bundle: urlpattern-polyfill (the URLPattern Standard, by its editors' polyfill),
// its module that leaves globals alone, exposed to the prelude file 16-urlpattern.js.
import { URLPattern } from 'urlpattern-polyfill/urlpattern';
globalThis.__bulwarkVendorUrlPattern = { URLPattern };
