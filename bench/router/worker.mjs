// bench/run.sh part "router": the first lines of most real workers, served unchanged by Bulwark's JavaScript worker
// and by workerd. It parses request.url with the URL class, picks a route by the path and reads the query.
// GET /api/items/42?fields=name,price&lang=en (what wrk asks) answers {"id":42,"fields":["name","price"],"lang":"en"};
// GET / answers "Hello World" (the bench's start-up check); anything else 404.
const routes = [
  [/^\/api\/items\/(\d+)$/, (url, m) => Response.json({
    id: Number(m[1]), fields: url.searchParams.get('fields')?.split(',') ?? [], lang: url.searchParams.get('lang'),
  })],
  [/^\/api\/health$/, () => Response.json({ ok: true })],
];

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/') return new Response('Hello World\n');
    for (const [pattern, handle] of routes) {
      const m = pattern.exec(url.pathname);
      if (m !== null) return handle(url, m);
    }
    return new Response('not found\n', { status: 404 });
  },
};
