// Server-sent events from a worker, streamed as they are made:
//   java -jar target/runtime-fat.jar verticles/events.js
//   curl -N 'http://localhost:8080/?n=5'        (one event a second; a browser: new EventSource('http://localhost:8080/'))
export default {
  async fetch(request) {
    const n = Math.min(Number(new URL(request.url).searchParams.get('n')) || 5, 60);
    const encoder = new TextEncoder();
    let sent = 0;
    let gone = false;
    const events = new ReadableStream({
      async pull(controller) {
        if (sent > 0) await scheduler.wait(1000);
        if (gone) return;
        sent++;
        controller.enqueue(encoder.encode(`id: ${sent}\ndata: ${new Date().toISOString()}\n\n`));
        if (sent === n) controller.close();
      },
      cancel() {
        gone = true;
        console.log(`the client left after ${sent} of ${n} event(s)`);
      },
    });
    return new Response(events, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  },
};
