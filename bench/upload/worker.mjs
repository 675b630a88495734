// bench/run.sh part "upload": each POST's body (wrk sends 256 KiB, bench/upload/post.lua) is read as it arrives and
// its bytes counted, the way a worker that hashes, parses or passes on an upload starts. The same file runs on
// Bulwark's JavaScript worker and on workerd (bench/workerd/upload.capnp). A GET answers the readiness check.
export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('Hello World');
    let bytes = 0;
    for await (const chunk of request.body) bytes += chunk.byteLength;
    return Response.json({ bytes });
  },
};
