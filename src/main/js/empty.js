// whatwg-url loads legacy multi-byte encodings for non-UTF-8 documents; workers only ever use UTF-8.
