(function (host, internal, global) {
  'use strict';
  // console.* writes one line to the runtime log, tagged with the request id (like workerd's logs).
  const write = host.console;
  function inspect(v, depth, seen) {
    switch (typeof v) {
      case 'string': return depth === 0 ? v : JSON.stringify(v);
      case 'number': case 'boolean': case 'undefined': case 'bigint': return String(v) + (typeof v === 'bigint' ? 'n' : '');
      case 'symbol': return v.toString();
      case 'function': return '[Function: ' + (v.name || 'anonymous') + ']';
    }
    if (v === null) return 'null';
    if (v instanceof Error) return v.stack ? String(v.stack) : v.name + ': ' + v.message;
    if (seen.has(v)) return '[Circular]';
    if (depth > 3) return Array.isArray(v) ? '[Array]' : '[Object]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return '[ ' + v.map((x) => inspect(x, depth + 1, seen)).join(', ') + ' ]';
      if (v instanceof Map) return 'Map(' + v.size + ') { ' + [...v].map(([k, x]) => inspect(k, depth + 1, seen) + ' => ' + inspect(x, depth + 1, seen)).join(', ') + ' }';
      if (v instanceof Set) return 'Set(' + v.size + ') { ' + [...v].map((x) => inspect(x, depth + 1, seen)).join(', ') + ' }';
      if (ArrayBuffer.isView(v)) return v.constructor.name + '(' + v.length + ') [ ' + Array.prototype.slice.call(v, 0, 50).join(', ') + (v.length > 50 ? ', ...' : '') + ' ]';
      if (typeof v.then === 'function') return 'Promise { <pending> }';
      const name = v.constructor && v.constructor !== Object && v.constructor.name ? v.constructor.name + ' ' : '';
      const keys = Object.keys(v);
      if (keys.length === 0) return name + '{}';
      return name + '{ ' + keys.map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)) + ': ' + inspect(v[k], depth + 1, seen)).join(', ') + ' }';
    } finally {
      seen.delete(v);
    }
  }
  function format(args) {
    let out = '';
    let i = 0;
    if (typeof args[0] === 'string' && args[0].includes('%')) {
      out = args[0].replace(/%[sdifjoOc%]/g, (m) => {
        if (m === '%%') return '%';
        if (i + 1 >= args.length) return m;
        const a = args[++i];
        switch (m) {
          case '%s': return typeof a === 'string' ? a : inspect(a, 1, new Set());
          case '%d': case '%i': return String(m === '%i' ? Math.trunc(Number(a)) : Number(a));
          case '%f': return String(Number(a));
          case '%j': try { return JSON.stringify(a); } catch (e) { return '[Circular]'; }
          case '%c': return '';
          default: return inspect(a, 1, new Set());
        }
      });
      i++;
    }
    for (; i < args.length; i++) {
      out += (out.length ? ' ' : '') + inspect(args[i], 0, new Set());
    }
    return out;
  }
  const counts = new Map();
  const timers = new Map();
  const console = {
    log(...a) { write.write('log', format(a)); },
    info(...a) { write.write('info', format(a)); },
    debug(...a) { write.write('debug', format(a)); },
    trace(...a) { write.write('debug', format(a) + '\n' + new Error().stack.split('\n').slice(2).join('\n')); },
    warn(...a) { write.write('warn', format(a)); },
    error(...a) { write.write('error', format(a)); },
    assert(ok, ...a) { if (!ok) write.write('error', 'Assertion failed' + (a.length ? ': ' + format(a) : '')); },
    dir(v) { write.write('log', inspect(v, 1, new Set())); },
    table(v) { write.write('log', inspect(v, 1, new Set())); },
    count(label = 'default') { const n = (counts.get(label) || 0) + 1; counts.set(label, n); write.write('log', label + ': ' + n); },
    countReset(label = 'default') { counts.delete(label); },
    time(label = 'default') { timers.set(label, Date.now()); },
    timeLog(label = 'default', ...a) { if (timers.has(label)) write.write('log', label + ': ' + (Date.now() - timers.get(label)) + 'ms' + (a.length ? ' ' + format(a) : '')); },
    timeEnd(label = 'default') { if (timers.has(label)) { write.write('log', label + ': ' + (Date.now() - timers.get(label)) + 'ms'); timers.delete(label); } },
    group(...a) { if (a.length) write.write('log', format(a)); },
    groupCollapsed(...a) { if (a.length) write.write('log', format(a)); },
    groupEnd() {},
  };
  Object.defineProperty(global, 'console', { value: console, writable: true, configurable: true, enumerable: false });
  internal.inspect = (v) => inspect(v, 0, new Set());
});
