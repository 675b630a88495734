(function (host, internal, global) {
  'use strict';
  // structuredClone (HTML, "Safe passing of structured data"): StructuredSerializeWithTransfer into records, then
  // StructuredDeserializeWithTransfer from them, as two passes like the standard, so that getters run, errors are
  // thrown and transferred buffers are detached exactly when the standard says, and a failed clone detaches nothing.
  // Built-ins are read through their original prototype methods, never through properties a script may shadow.
  const { Blob, File, DOMException } = global;
  const own = (proto, key) => Object.getOwnPropertyDescriptor(proto, key);
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const typedArrayName = own(TypedArray.prototype, Symbol.toStringTag).get;
  const typedArrayBuffer = own(TypedArray.prototype, 'buffer').get;
  const typedArrayOffset = own(TypedArray.prototype, 'byteOffset').get;
  const typedArrayLength = own(TypedArray.prototype, 'length').get;
  const dataViewBuffer = own(DataView.prototype, 'buffer').get;
  const dataViewOffset = own(DataView.prototype, 'byteOffset').get;
  const dataViewLength = own(DataView.prototype, 'byteLength').get;
  const bufferLength = own(ArrayBuffer.prototype, 'byteLength').get;
  const bufferDetached = own(ArrayBuffer.prototype, 'detached').get;
  const bufferResizable = own(ArrayBuffer.prototype, 'resizable').get;
  const bufferMaxLength = own(ArrayBuffer.prototype, 'maxByteLength').get;
  const bufferSlice = ArrayBuffer.prototype.slice;
  const bufferTransfer = ArrayBuffer.prototype.transfer;
  const sharedLength = typeof SharedArrayBuffer === 'function' ? own(SharedArrayBuffer.prototype, 'byteLength').get : null;
  const regExpSource = own(RegExp.prototype, 'source').get;
  // The flags in the order of RegExp.prototype.flags, each read from its own internal slot.
  const REGEXP_FLAGS = [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'], ['dotAll', 's'],
    ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']].filter(([k]) => own(RegExp.prototype, k)).map(([k, f]) => [own(RegExp.prototype, k).get, f]);
  const TYPED_ARRAYS = Object.fromEntries([Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, ...(typeof Float16Array === 'function' ? [Float16Array] : [])]
    .map((c) => [c.name, c]));
  const mapForEach = Map.prototype.forEach;
  const mapSet = Map.prototype.set;
  const setForEach = Set.prototype.forEach;
  const setAdd = Set.prototype.add;
  const ERROR_TYPES = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  // Objects with internal slots that have no serialization: the standard's DataCloneError, not a plain-object copy.
  const UNSERIALIZABLE_BRANDS = [
    (v) => WeakMap.prototype.has.call(v, {}),
    (v) => WeakSet.prototype.has.call(v, {}),
    (v) => WeakRef.prototype.deref.call(v),
    (v) => FinalizationRegistry.prototype.unregister.call(v, {}),
    (v) => Symbol.prototype.valueOf.call(v),
  ];
  // Platform objects of the prelude that are not [Serializable]. Looked up at the first clone, when every prelude
  // file has run, so that interfaces added by later files (streams, crypto, fetch) are known too.
  const PLATFORM_NAMES = ['Request', 'Response', 'Headers', 'FormData', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
    'Event', 'EventTarget', 'AbortController', 'ReadableStream', 'WritableStream', 'TransformStream',
    'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader', 'WritableStreamDefaultWriter', 'TextEncoderStream',
    'TextDecoderStream', 'CompressionStream', 'DecompressionStream', 'Crypto', 'SubtleCrypto', 'CryptoKey'];
  let platformClasses = null;

  function dataCloneError(message) {
    return new DOMException(message, 'DataCloneError');
  }
  /** Whether a built-in method that checks for an internal slot accepts v (as this, or as the argument of an arrow). */
  function hasBrand(check, v) {
    try {
      check.call(v, v);
      return true;
    } catch (e) {
      return false;
    }
  }
  /** [[ErrorData]] of an object with a Symbol.toStringTag, which hides it from Object.prototype.toString. */
  function isError(v) {
    return typeof Error.isError === 'function' ? Error.isError(v) : v instanceof Error;
  }

  /** A serialized object; primitives stand for themselves. */
  class Record {
    constructor(type, fields) {
      this.type = type;
      Object.assign(this, fields);
    }
  }

  function serialize(value, memory) {
    if (typeof value === 'symbol') throw dataCloneError(String(value) + ' could not be cloned.');
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
    if (memory.has(value)) return memory.get(value);
    return serializeObject(value, memory);
  }

  function serializeObject(value, memory) {
    let r;
    const remember = (record) => {
      memory.set(value, record);
      return record;
    };
    if (typeof value === 'function') throw dataCloneError((value.name || 'function') + ' could not be cloned.');
    // A view's buffer is serialized first: a detached one is a DataCloneError before any length is read.
    const typedName = typedArrayName.call(value);
    if (typedName !== undefined) {
      const buffer = serialize(typedArrayBuffer.call(value), memory);
      return remember(new Record('View', { name: typedName, buffer, byteOffset: typedArrayOffset.call(value), length: typedArrayLength.call(value) }));
    }
    // A failed brand check costs a thrown TypeError, far too slow to try a dozen on every plain object. When neither
    // the object nor its prototypes carry a Symbol.toStringTag, Object.prototype.toString names its slot exactly for
    // Boolean, Number, String, Date, RegExp and Error, and every other built-in with a slot (Map, Set, ArrayBuffer,
    // DataView, BigInt, Symbol, Promise, Weak*) has a tag on its prototype: so an untagged object needs checks only
    // for the kind its builtinTag names. (An instance of those whose prototype chain a script stripped of the tag
    // is copied as a plain object.)
    const tagged = typeof value[Symbol.toStringTag] === 'string';
    const builtin = tagged ? null : Object.prototype.toString.call(value).slice(8, -1);
    const may = (kind) => tagged || builtin === kind;
    if (may('Boolean') && hasBrand(Boolean.prototype.valueOf, value)) return remember(new Record('Boolean', { value: Boolean.prototype.valueOf.call(value) }));
    if (may('Number') && hasBrand(Number.prototype.valueOf, value)) return remember(new Record('Number', { value: Number.prototype.valueOf.call(value) }));
    if (tagged && hasBrand(BigInt.prototype.valueOf, value)) return remember(new Record('BigInt', { value: BigInt.prototype.valueOf.call(value) }));
    if (may('String') && hasBrand(String.prototype.valueOf, value)) return remember(new Record('String', { value: String.prototype.valueOf.call(value) }));
    if (may('Date') && hasBrand(Date.prototype.getTime, value)) return remember(new Record('Date', { value: Date.prototype.getTime.call(value) }));
    if (may('RegExp') && hasBrand(regExpSource, value) && value !== RegExp.prototype) {
      const flags = REGEXP_FLAGS.filter(([get]) => get.call(value)).map(([, f]) => f).join('');
      return remember(new Record('RegExp', { source: regExpSource.call(value), flags }));
    }
    if (tagged && sharedLength && hasBrand(sharedLength, value)) {
      throw dataCloneError('A SharedArrayBuffer could not be cloned: this worker is not cross-origin isolated.');
    }
    if (tagged && hasBrand(bufferLength, value)) {
      if (bufferDetached.call(value)) throw dataCloneError('An ArrayBuffer is detached and could not be cloned.');
      const bytes = bufferSlice.call(value, 0);
      return remember(new Record('ArrayBuffer', {
        bytes, maxByteLength: bufferResizable.call(value) ? bufferMaxLength.call(value) : undefined,
      }));
    }
    if (tagged && hasBrand(dataViewBuffer, value)) {
      const buffer = serialize(dataViewBuffer.call(value), memory);
      return remember(new Record('View', { name: 'DataView', buffer, byteOffset: dataViewOffset.call(value), length: dataViewLength.call(value) }));
    }
    if (tagged && hasBrand((v) => Map.prototype.has.call(v), value)) {
      r = remember(new Record('Map', { entries: [] }));
      const copied = [];
      mapForEach.call(value, (v, k) => copied.push([k, v]));
      for (const [k, v] of copied) r.entries.push([serialize(k, memory), serialize(v, memory)]);
      return r;
    }
    if (tagged && hasBrand((v) => Set.prototype.has.call(v), value)) {
      r = remember(new Record('Set', { values: [] }));
      const copied = [];
      setForEach.call(value, (v) => copied.push(v));
      for (const v of copied) r.values.push(serialize(v, memory));
      return r;
    }
    // Platform objects: DOMException, Blob and File are [Serializable]; the others are not.
    if (value instanceof DOMException) {
      return remember(new Record('DOMException', { name: String(value.name), message: String(value.message) }));
    }
    if (value instanceof Blob) {
      // The snapshot is taken now (a copy of the bytes), as the Blob's serialization steps do.
      const snapshot = value instanceof File
        ? new File([value], value.name, { type: value.type, lastModified: value.lastModified })
        : new Blob([value], { type: value.type });
      return remember(new Record('Blob', { snapshot }));
    }
    if (tagged ? isError(value) : builtin === 'Error') {
      let name = value.name;
      if (!Object.prototype.hasOwnProperty.call(ERROR_TYPES, name)) name = 'Error';
      const desc = Object.getOwnPropertyDescriptor(value, 'message');
      const message = desc && 'value' in desc ? String(desc.value) : undefined;
      // The standard invites copying the stack too, as browsers do.
      const stackDesc = Object.getOwnPropertyDescriptor(value, 'stack');
      const stack = stackDesc && typeof stackDesc.value === 'string' ? stackDesc.value : undefined;
      return remember(new Record('Error', { name, message, stack }));
    }
    if (Array.isArray(value)) {
      r = remember(new Record('Array', { length: value.length, properties: [] }));
      serializeProperties(value, r, memory);
      return r;
    }
    platformClasses = platformClasses || PLATFORM_NAMES.map((n) => global[n]).filter((c) => typeof c === 'function');
    for (const c of platformClasses) {
      if (value instanceof c) throw dataCloneError('A ' + c.name + ' could not be cloned.');
    }
    if (tagged && (value instanceof Promise || UNSERIALIZABLE_BRANDS.some((check) => hasBrand(check, value)))) {
      throw dataCloneError(Object.prototype.toString.call(value) + ' could not be cloned.');
    }
    r = remember(new Record('Object', { properties: [] }));
    serializeProperties(value, r, memory);
    return r;
  }

  function serializeProperties(value, r, memory) {
    for (const key of Object.keys(value)) {
      // A getter that ran earlier may have deleted the property.
      if (Object.prototype.hasOwnProperty.call(value, key)) r.properties.push([key, serialize(value[key], memory)]);
    }
  }

  function deserialize(serialized, memory) {
    if (!(serialized instanceof Record)) return serialized;
    if (memory.has(serialized)) return memory.get(serialized);
    let value;
    const remember = (v) => {
      memory.set(serialized, v);
      return v;
    };
    switch (serialized.type) {
      case 'Boolean': case 'Number': case 'BigInt': case 'String':
        return remember(Object(serialized.value));
      case 'Date':
        return remember(new Date(serialized.value));
      case 'RegExp':
        return remember(new RegExp(serialized.source, serialized.flags));
      case 'ArrayBuffer': {
        if (serialized.maxByteLength === undefined) return remember(serialized.bytes);
        const b = new ArrayBuffer(serialized.bytes.byteLength, { maxByteLength: serialized.maxByteLength });
        new Uint8Array(b).set(new Uint8Array(serialized.bytes));
        return remember(b);
      }
      case 'Transferred':
        return remember(serialized.buffer);
      case 'View': {
        const buffer = deserialize(serialized.buffer, memory);
        const Ctor = serialized.name === 'DataView' ? DataView : TYPED_ARRAYS[serialized.name];
        return remember(new Ctor(buffer, serialized.byteOffset, serialized.length));
      }
      case 'Map':
        value = remember(new Map());
        for (const [k, v] of serialized.entries) mapSet.call(value, deserialize(k, memory), deserialize(v, memory));
        return value;
      case 'Set':
        value = remember(new Set());
        for (const v of serialized.values) setAdd.call(value, deserialize(v, memory));
        return value;
      case 'DOMException':
        return remember(new DOMException(serialized.message, serialized.name));
      case 'Blob':
        return remember(serialized.snapshot);
      case 'Error':
        value = remember(new ERROR_TYPES[serialized.name]());
        if (serialized.message !== undefined) {
          Object.defineProperty(value, 'message', { value: serialized.message, writable: true, enumerable: false, configurable: true });
        }
        if (serialized.stack !== undefined) {
          Object.defineProperty(value, 'stack', { value: serialized.stack, writable: true, enumerable: false, configurable: true });
        }
        return value;
      case 'Array':
        value = remember(new Array(serialized.length));
        break;
      case 'Object':
        value = remember({});
        break;
      default:
        throw dataCloneError('Unexpected serialized value');
    }
    for (const [key, v] of serialized.properties) {
      // CreateDataProperty: a key "__proto__" is an own property, never the prototype.
      Object.defineProperty(value, key, { value: deserialize(v, memory), writable: true, enumerable: true, configurable: true });
    }
    return value;
  }
  function structuredClone(value, options = undefined) {
    if (arguments.length < 1) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
    const o = internal.dictionary(options, 'options');
    let transferList = [];
    if (o.transfer !== undefined) {
      if (o.transfer === null || typeof o.transfer !== 'object' || typeof o.transfer[Symbol.iterator] !== 'function') {
        throw new TypeError("Failed to execute 'structuredClone': The provided value cannot be converted to a sequence.");
      }
      transferList = Array.from(o.transfer);
      for (const t of transferList) {
        if (t === null || (typeof t !== 'object' && typeof t !== 'function')) {
          throw new TypeError("Failed to execute 'structuredClone': Failed to convert value to 'object'.");
        }
      }
    }
    const memory = new Map();
    for (const t of transferList) {
      // ArrayBuffers are the only transferable objects here (no MessagePort; streams are not transferable).
      if (sharedLength && hasBrand(sharedLength, t)) throw dataCloneError('A SharedArrayBuffer cannot be transferred.');
      if (!hasBrand(bufferLength, t)) throw dataCloneError('Value at index ' + transferList.indexOf(t) + ' does not have a transferable type.');
      if (memory.has(t)) throw dataCloneError('ArrayBuffer at index ' + transferList.indexOf(t) + ' is a duplicate of an earlier ArrayBuffer.');
      memory.set(t, new Record('Transferred', { buffer: null }));
    }
    const serialized = serialize(value, memory);
    for (const t of transferList) {
      if (bufferDetached.call(t)) throw dataCloneError('An ArrayBuffer is detached and could not be transferred.');
    }
    // Only once everything serialized: detach each buffer, its contents moving to a new one (same resizability).
    for (const t of transferList) memory.get(t).buffer = bufferTransfer.call(t);
    return deserialize(serialized, new Map());
  }

  Object.defineProperty(global, 'structuredClone', { value: structuredClone, writable: true, configurable: true, enumerable: true });
});
