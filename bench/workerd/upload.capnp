# workerd side of bench/run.sh part "upload": serves bench/upload/worker.mjs, the same file Bulwark's JS worker runs,
# unchanged. The script starts it as
#   node_modules/@cloudflare/workerd-linux-64/bin/workerd serve bench/workerd/upload.capnp --socket-addr http=127.0.0.1:PORT
# so the address below is only the default; either way it binds loopback only.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .uploadWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ]
);

const uploadWorker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "../upload/worker.mjs") ],
  compatibilityDate = "2026-11-01"
);
