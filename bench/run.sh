#!/usr/bin/env bash
# Benchmarks under wrk, on loopback only, in six parts (PARTS, default all six):
#
#  java   Bulwark's Java hello handler (event loop -> event bus -> worker -> event loop) against a plain Vert.x 5
#         hello server on the same HTTP stack (bench/PlainVertx.java plain) and against the naive form of the design,
#         the same server with one event-bus request/reply per request to worker verticles (PlainVertx.java hop),
#         and against the bare form of Bulwark's batched dispatch, a loop turn's requests as one message per worker
#         (all 4, dealt in turn) and nothing else of Bulwark (PlainVertx.java batch).
#  js     workerd's hello example, verticles/hello.js, served by Bulwark's JavaScript worker (GraalJS) and by
#         workerd itself (npm package pinned in bench/workerd/package.json, installed by this script into
#         bench/workerd/node_modules; bench/workerd/config.capnp), with Bulwark's Java hello handler for reference.
#  jwt    an RS256 JWT check in a worker (bench/jwt/worker.mjs: crypto.subtle.verify, base64url, JSON claims), each
#         request with the same valid token, served by Bulwark's JavaScript worker (and its JIT run, as for js) and
#         by workerd (bench/workerd/jwt.capnp); a forged token must get 401 before anything is measured. No target.
#  router the first lines of most workers (bench/router/worker.mjs: new URL(request.url), a route picked by the path,
#         the query read, Response.json), wrk asking /api/items/42?fields=name,price&lang=en, served by Bulwark's
#         JavaScript worker (and its JIT run) and by workerd (bench/workerd/router.capnp); each server's answer is
#         checked before anything is measured. No target.
#  upload a worker that reads each request's body as it arrives and counts its bytes (bench/upload/worker.mjs), wrk
#         POSTing 256 KiB per request (bench/upload/post.lua), served by Bulwark's JavaScript worker (and its JIT run)
#         and by workerd (bench/workerd/upload.capnp); each server's count is checked first. No target.
#  flood  wrk plus aborted connections at 127.0.0.1 and ::1 against Bulwark, plain Vert.x, the hop server and Bulwark
#         with its deferred accept off ("Bulwark, guard only": what an OS without TCP_DEFER_ACCEPT gets).
#
# The servers of the selected parts are started once, warmed up alike, then measured in alternated rounds.
#
#   bash bench/run.sh                      # build, then 3 alternated rounds of 10 s per server and concurrency
#   SKIP_BUILD=1 DURATION=5 ROUNDS=1 bash bench/run.sh
#   SKIP_BUILD=1 PARTS=js bash bench/run.sh
#   SKIP_BUILD=1 PARTS=js JS_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash bench/run.sh
#
# The js, jwt, router and upload parts also run the JS worker a second time with GraalJS's optimizing runtime ("Bulwark JS JIT": README,
# "Faster JavaScript") when a JDK 25 is found (JIT_JAVA, default: the first JDK 25 under /usr/lib/jvm; JIT_JAVA=none
# skips it), so the interpreter and the compiler are compared in the same run.
#
# Env: PARTS (words of "java js jwt router upload flood", default all; not GROUPS, which bash reserves), DURATION (s per wrk run,
#      default 10), ROUNDS (default 3), WARMUP (s per concurrency and server, default 10), CONNS ("50 200"),
#      THREADS (wrk threads, 2), TARGET (Bulwark/plain req/s ratio to pass, 0.80), JS_TARGET (Bulwark JS/workerd
#      req/s to pass, 3.0), JS_P99_TARGET (Bulwark JS p99 / workerd p99 at c50 to pass, 0.2), SKIP_BUILD=1,
#      JAVA_OPTS (extra JVM options for the Java servers: Bulwark, plain, hop, batch), JS_JAVA (java binary for the JS
#      worker, default java), JS_JAVA_OPTS (JVM options for the JS worker; default: JAVA_OPTS), FLOOD=0 (= no flood
#      part), FLOOD_SECONDS (10), PRELOAD=1 (see the flood round), JIT_JAVA (see above).
# Output: a summary on stdout; raw wrk outputs, server logs and summary.txt under bench/results/<UTC stamp>/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-10}"
CONNS="${CONNS:-50 200}"
THREADS="${THREADS:-2}"
TARGET="${TARGET:-0.80}"
JS_TARGET="${JS_TARGET:-3.0}"
JS_P99_TARGET="${JS_P99_TARGET:-0.2}"
JAVA_OPTS="${JAVA_OPTS:-}"
JS_JAVA="${JS_JAVA:-java}"
JS_JAVA_OPTS="${JS_JAVA_OPTS-$JAVA_OPTS}"   # unset: the same options as the Java servers; set (even empty): these
PARTS="${PARTS:-java js jwt router upload flood}"
if [[ -z "${JIT_JAVA:-}" ]]; then
  JIT_JAVA=none
  for home in /usr/lib/jvm/*; do
    if [[ -x "$home/bin/java" ]] && grep -q '^JAVA_VERSION="25' "$home/release" 2>/dev/null; then
      JIT_JAVA="$home/bin/java"; break
    fi
  done
fi
# README, "Faster JavaScript": JVMCI on, the Graal compiler (target/jit, made by the build) on the upgrade module path.
JIT_OPTS="-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path $ROOT/target/jit --sun-misc-unsafe-memory-access=allow"
FLOOD_SECONDS="${FLOOD_SECONDS:-10}"
HOST=127.0.0.1
JAR="$ROOT/target/runtime-fat.jar"
WD_DIR="$ROOT/bench/workerd"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/$STAMP"
declare -A PID=() PORT=() START_MS=() RSS_IDLE=() RSS_LOAD=() \
  LABEL=([bulwark]="Bulwark" [guard]="Bulwark, guard only" [plain]="plain Vert.x" [hop]="Vert.x+EB hop" [batch]="Vert.x+EB batched" [js]="Bulwark JS" [jsjit]="Bulwark JS JIT" [workerd]="workerd"
    [jwt]="Bulwark JS JWT" [jwtjit]="Bulwark JIT JWT" [jwtwd]="workerd JWT"
    [router]="Bulwark JS router" [routerjit]="Bulwark JIT router" [routerwd]="workerd router"
    [upload]="Bulwark JS upload" [uploadjit]="Bulwark JIT upload" [uploadwd]="workerd upload")

for v in DURATION ROUNDS WARMUP THREADS FLOOD_SECONDS; do
  [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || { echo "$v must be a positive integer" >&2; exit 2; }
done
for v in TARGET JS_TARGET JS_P99_TARGET; do
  [[ "${!v}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "$v must be a non-negative number" >&2; exit 2; }
done
[[ -n "${CONNS// /}" ]] || { echo "CONNS must name at least one concurrency" >&2; exit 2; }
for c in $CONNS; do
  [[ "$c" =~ ^[0-9]+$ && "$c" -ge "$THREADS" ]] || { echo "CONNS entries must be integers >= THREADS" >&2; exit 2; }
done
declare -A PART=()
for p in $PARTS; do
  case $p in
    java|js|jwt|router|upload|flood) PART[$p]=1 ;;
    *) echo "PARTS: unknown part '$p' (known: java js jwt router upload flood)" >&2; exit 2 ;;
  esac
done
[[ "${FLOOD:-1}" == 0 ]] && unset 'PART[flood]'
(( ${#PART[@]} > 0 )) || { echo "PARTS selects nothing to run (PARTS='$PARTS', FLOOD=${FLOOD:-1})" >&2; exit 2; }
has() { [[ -n "${PART[$1]:-}" ]]; }
PARTS_ON=""
for p in java js jwt router upload flood; do has "$p" && PARTS_ON+="${PARTS_ON:+ }$p"; done

# SERVERS: every server started, in the order of the alternated rounds; MEASURED: those in the throughput rounds;
# FLOODED: those in the flood round.
SERVERS=(); MEASURED=(); FLOODED=()
has java && MEASURED+=(bulwark plain hop batch)
has js && { has java || MEASURED+=(bulwark); MEASURED+=(js); [[ "$JIT_JAVA" != none ]] && MEASURED+=(jsjit); MEASURED+=(workerd); }
has jwt && { MEASURED+=(jwt); [[ "$JIT_JAVA" != none ]] && MEASURED+=(jwtjit); MEASURED+=(jwtwd); }
has router && { MEASURED+=(router); [[ "$JIT_JAVA" != none ]] && MEASURED+=(routerjit); MEASURED+=(routerwd); }
has upload && { MEASURED+=(upload); [[ "$JIT_JAVA" != none ]] && MEASURED+=(uploadjit); MEASURED+=(uploadwd); }
# "guard": Bulwark with http.deferAccept 0, so every aborted connection reaches accept() and the accept guard, as on
# an OS without TCP_DEFER_ACCEPT (macOS); under PRELOAD=1 (macOS accept semantics) it is the only Bulwark flooded.
if has flood; then
  if [[ "${PRELOAD:-0}" == 1 ]]; then FLOODED=(guard plain hop); else FLOODED=(bulwark guard plain hop); fi
fi
for s in bulwark guard plain hop batch js jsjit workerd jwt jwtjit jwtwd router routerjit routerwd upload uploadjit uploadwd; do
  [[ " ${MEASURED[*]} ${FLOODED[*]} " == *" $s "* ]] && SERVERS+=("$s")
done

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------------------- clean-up
SAMPLER=""
WRK=""
FLOODER=""
PROBER=""
cleanup() {
  local rc=$? s p
  trap - EXIT INT TERM
  for p in "$SAMPLER" "$WRK" "$FLOODER" "$PROBER"; do   # timeout passes the signal on to wrk
    if [[ -n "$p" ]]; then kill "$p" 2>/dev/null || true; fi
  done
  for s in "${!PID[@]}"; do   # every server started, workerd included
    p="${PID[$s]}"
    if [[ -n "$p" ]]; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for s in "${!PID[@]}"; do
    p="${PID[$s]}"
    [[ -z "$p" ]] && continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------- build, wrk
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building $JAR (mvn -B -q package -DskipTests; SKIP_BUILD=1 skips this)"
  mvn -B -q package -DskipTests
fi
[[ -f "$JAR" ]] || { echo "missing $JAR: build it with mvn -B -q package -DskipTests" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

apt_install() {   # package: installs a missing tool with apt-get (through sudo when not root)
  local sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "$1 is missing and there is no sudo: install $1 first" >&2; exit 1; }
    sudo="sudo"
  fi
  log "installing $1 (apt-get install -y $1)"
  $sudo apt-get install -y "$1" >/dev/null || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y "$1" >/dev/null; }
}
command -v wrk >/dev/null || apt_install wrk
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
if has flood && [[ ! -d "$ROOT/target/test-classes/dev/bulwark/accept" ]]; then
  echo "missing test classes for the flood round: build without SKIP_BUILD (or PARTS without flood)" >&2; exit 1
fi

if has js || has jwt || has router || has upload; then
  command -v "$JS_JAVA" >/dev/null || { echo "JS_JAVA: '$JS_JAVA' is not an executable" >&2; exit 2; }
  if [[ "$JIT_JAVA" != none ]]; then
    [[ -x "$JIT_JAVA" ]] || { echo "JIT_JAVA: '$JIT_JAVA' is not an executable (none skips the JIT run)" >&2; exit 2; }
    [[ -d "$ROOT/target/jit" ]] || { echo "missing target/jit (the Graal compiler): build without SKIP_BUILD" >&2; exit 1; }
  fi
  # workerd: the npm package pinned in bench/workerd/package.json (and package-lock.json), installed with npm ci;
  # the native binary is taken straight from its platform package, so that the PID measured is workerd itself.
  case "$(uname -m)" in
    x86_64|amd64) WD_PLATFORM=linux-64 ;;
    aarch64|arm64) WD_PLATFORM=linux-arm64 ;;
    *) echo "workerd: no npm build for $(uname -m)" >&2; exit 1 ;;
  esac
  WD_PKG="$WD_DIR/node_modules/@cloudflare/workerd-$WD_PLATFORM"
  WORKERD="$WD_PKG/bin/workerd"
  json_version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1" 2>/dev/null | head -1; }
  WD_WANT=$(sed -n 's/^ *"workerd": *"\([^"]*\)".*/\1/p' "$WD_DIR/package.json" | head -1)
  [[ -n "$WD_WANT" ]] || { echo "no workerd version in $WD_DIR/package.json" >&2; exit 1; }
  if [[ ! -x "$WORKERD" || "$(json_version "$WD_PKG/package.json")" != "$WD_WANT" ]]; then
    command -v npm >/dev/null || apt_install npm
    log "installing workerd $WD_WANT (npm ci in bench/workerd)"
    (cd "$WD_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
  [[ -x "$WORKERD" ]] || { echo "npm did not install $WORKERD" >&2; exit 1; }
  WD_VERSION=$("$WORKERD" --version 2>&1) || { echo "$WORKERD does not run here: $WD_VERSION" >&2; exit 1; }
  log "$WD_VERSION (npm workerd $WD_WANT, @cloudflare/workerd-$WD_PLATFORM)"
fi

mkdir -p "$OUT"

# PRELOAD=1: every server runs with accept() behaving as on macOS for reset connections (empty peer address).
PRELOAD_ENV=()
if [[ "${PRELOAD:-0}" == 1 ]]; then
  gcc -shared -fPIC -O2 -o "$OUT/libmacos_accept.so" "$ROOT/src/test/c/macos_accept.c" -ldl
  PRELOAD_ENV=(env "LD_PRELOAD=$OUT/libmacos_accept.so")
fi

# ---------------------------------------------------------------------------------------------------- helpers
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

free_port() {   # a port nobody listens on, in 20000-29999, not one already picked
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 10000 ))
    [[ " ${PORT[*]:-} " == *" $p "* ]] && continue
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "no free port found" >&2; return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

alive() { kill -0 "${PID[$1]}" 2>/dev/null; }

start_server() {   # name -> PID, PORT, START_MS (launch to first 200)
  local s=$1 port t0 code body deadline
  port=$(free_port)
  PORT[$s]=$port
  t0=$(now_ms)
  # shellcheck disable=SC2086  # JAVA_OPTS and JS_JAVA_OPTS are lists of words
  # exec: $! must be the server itself (for VmRSS and for the kill on exit), not a subshell around it.
  case $s in
    bulwark) exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -jar "$JAR" verticles/Hello.java --listen "localhost:$port" --admin off ;;
    guard)   exec "${PRELOAD_ENV[@]}" env BULWARK_HTTP_DEFERACCEPT=0 java $JAVA_OPTS -jar "$JAR" verticles/Hello.java \
               --listen "localhost:$port" --admin off ;;
    plain)   exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -cp "$JAR" bench/PlainVertx.java "$port" plain ;;
    hop)     exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -cp "$JAR" bench/PlainVertx.java "$port" hop ;;
    batch)   exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -cp "$JAR" bench/PlainVertx.java "$port" batch ;;
    js)      exec "${PRELOAD_ENV[@]}" "$JS_JAVA" $JS_JAVA_OPTS -jar "$JAR" verticles/hello.js --listen "localhost:$port" --admin off ;;
    jsjit)   exec "${PRELOAD_ENV[@]}" "$JIT_JAVA" $JIT_OPTS -jar "$JAR" verticles/hello.js --listen "localhost:$port" --admin off ;;
    # The config's only socket, overridden to 127.0.0.1:PORT; workerd listens nowhere else.
    workerd) exec "${PRELOAD_ENV[@]}" "$WORKERD" serve "$WD_DIR/config.capnp" --socket-addr "http=$HOST:$port" ;;
    jwt)     exec "${PRELOAD_ENV[@]}" "$JS_JAVA" $JS_JAVA_OPTS -jar "$JAR" bench/jwt/worker.mjs --listen "localhost:$port" --admin off ;;
    jwtjit)  exec "${PRELOAD_ENV[@]}" "$JIT_JAVA" $JIT_OPTS -jar "$JAR" bench/jwt/worker.mjs --listen "localhost:$port" --admin off ;;
    jwtwd)   exec "${PRELOAD_ENV[@]}" "$WORKERD" serve "$WD_DIR/jwt.capnp" --socket-addr "http=$HOST:$port" ;;
    router)    exec "${PRELOAD_ENV[@]}" "$JS_JAVA" $JS_JAVA_OPTS -jar "$JAR" bench/router/worker.mjs --listen "localhost:$port" --admin off ;;
    routerjit) exec "${PRELOAD_ENV[@]}" "$JIT_JAVA" $JIT_OPTS -jar "$JAR" bench/router/worker.mjs --listen "localhost:$port" --admin off ;;
    routerwd)  exec "${PRELOAD_ENV[@]}" "$WORKERD" serve "$WD_DIR/router.capnp" --socket-addr "http=$HOST:$port" ;;
    upload)    exec "${PRELOAD_ENV[@]}" "$JS_JAVA" $JS_JAVA_OPTS -jar "$JAR" bench/upload/worker.mjs --listen "localhost:$port" --admin off ;;
    uploadjit) exec "${PRELOAD_ENV[@]}" "$JIT_JAVA" $JIT_OPTS -jar "$JAR" bench/upload/worker.mjs --listen "localhost:$port" --admin off ;;
    uploadwd)  exec "${PRELOAD_ENV[@]}" "$WORKERD" serve "$WD_DIR/upload.capnp" --socket-addr "http=$HOST:$port" ;;
  esac >"$OUT/$s.log" 2>&1 &
  PID[$s]=$!
  deadline=$(( t0 + 60000 ))
  while :; do
    code=$(curl -s -o "$OUT/$s.first-body" -w '%{http_code}' --max-time 1 "http://$HOST:$port/" 2>/dev/null || true)
    [[ "$code" == 200 ]] && break
    if ! alive "$s"; then
      echo "$s exited before answering; its log:" >&2; cat "$OUT/$s.log" >&2; exit 1
    fi
    (( $(now_ms) < deadline )) || { echo "$s did not answer 200 within 60 s; log:" >&2; cat "$OUT/$s.log" >&2; exit 1; }
    sleep 0.02
  done
  START_MS[$s]=$(( $(now_ms) - t0 ))
  body=$(cat "$OUT/$s.first-body")
  [[ "$body" == "Hello World" ]] || { echo "$s answered an unexpected body: '$body'" >&2; exit 1; }
  log "${LABEL[$s]} (pid ${PID[$s]}) answers on http://$HOST:$port/ after ${START_MS[$s]} ms"
  check_loopback "$s"
  [[ -n "${WRK_HEADER[$s]:-}" ]] && check_jwt "$s"
  [[ -n "${WRK_PATH[$s]:-}" ]] && check_router "$s"
  [[ -n "${WRK_SCRIPT[$s]:-}" ]] && check_upload "$s"
  return 0
}

# The jwt part's servers must accept the token and refuse it with its signature changed, before anything is measured.
JWT_TOKEN=$(sed -n "s/^const TOKEN = '\(.*\)';\$/\1/p" "$ROOT/bench/jwt/worker.mjs")
declare -A WRK_HEADER=()
if has jwt; then
  [[ -n "$JWT_TOKEN" ]] || { echo "no TOKEN line in bench/jwt/worker.mjs" >&2; exit 1; }
  for s in jwt jwtjit jwtwd; do WRK_HEADER[$s]="Authorization: Bearer $JWT_TOKEN"; done
fi
check_jwt() {
  local s=$1 good bad forged head=${JWT_TOKEN%.*} sig=${JWT_TOKEN##*.}
  # The signature's first character changed: six bits of its first byte.
  if [[ "${sig:0:1}" == A ]]; then forged="$head.B${sig:1}"; else forged="$head.A${sig:1}"; fi
  good=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "${WRK_HEADER[$s]}" "http://$HOST:${PORT[$s]}/")
  bad=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $forged" "http://$HOST:${PORT[$s]}/")
  [[ "$good" == 200 && "$bad" == 401 ]] || { echo "${LABEL[$s]}: the token got $good (want 200), a forged one $bad (want 401)" >&2; exit 1; }
  log "  the token gets 200, a forged one 401"
}

# The router part's servers are asked for WRK_PATH, and must give the answer bench/router/worker.mjs describes.
ROUTER_PATH='/api/items/42?fields=name,price&lang=en'
ROUTER_BODY='{"id":42,"fields":["name","price"],"lang":"en"}'
declare -A WRK_PATH=()
if has router; then
  for s in router routerjit routerwd; do WRK_PATH[$s]=$ROUTER_PATH; done
fi
check_router() {
  local s=$1 body
  body=$(curl -s --max-time 10 "http://$HOST:${PORT[$s]}${WRK_PATH[$s]}")
  [[ "$body" == "$ROUTER_BODY" ]] || { echo "${LABEL[$s]}: ${WRK_PATH[$s]} answered '$body', want '$ROUTER_BODY'" >&2; exit 1; }
  log "  ${WRK_PATH[$s]} answers $body"
}

# The upload part's servers run WRK_SCRIPT (a POST of UPLOAD_BYTES), and must count every byte of it.
UPLOAD_BYTES=262144
declare -A WRK_SCRIPT=()
if has upload; then
  grep -q "string.rep(\"x\", $UPLOAD_BYTES)" "$ROOT/bench/upload/post.lua" \
    || { echo "bench/upload/post.lua does not send $UPLOAD_BYTES bytes" >&2; exit 1; }
  for s in upload uploadjit uploadwd; do WRK_SCRIPT[$s]="$ROOT/bench/upload/post.lua"; done
fi
check_upload() {
  local s=$1 body
  body=$(head -c "$UPLOAD_BYTES" /dev/zero | curl -s --max-time 10 --data-binary @- "http://$HOST:${PORT[$s]}/")
  [[ "$body" == "{\"bytes\":$UPLOAD_BYTES}" ]] || { echo "${LABEL[$s]}: a POST of $UPLOAD_BYTES bytes answered '$body'" >&2; exit 1; }
  log "  a POST of $UPLOAD_BYTES bytes answers $body"
}

check_loopback() {   # every listening TCP socket of the server is on 127.0.0.0/8 or ::1, or the run stops
  local s=$1 addrs bad
  command -v ss >/dev/null || { log "ss is missing: listening addresses of ${LABEL[$s]} not checked"; return 0; }
  addrs=$(ss -Hltnp 2>/dev/null | awk -v pid="pid=${PID[$s]}," 'index($0, pid) {print $4}' | sort -u)
  bad=$(grep -v -E '^(127\.[0-9.]+|\[::1\]|\[::ffff:127\.[0-9.]+\]):[0-9]+$' <<<"$addrs" || true)
  [[ -z "$bad" ]] || { echo "${LABEL[$s]} listens beyond loopback: $bad" >&2; exit 1; }
  log "  listening on: $(tr '\n' ' ' <<<"$addrs")"
}

# CPU ticks: the whole machine (busy), one process (utime+stime), and this script's reaped children (wrk, curl...).
CLK_TCK=$(getconf CLK_TCK)
# user + nice + system only: irq/softirq time (loopback TCP work) is not charged to any process.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4; exit}' /proc/stat; }
# Time the hypervisor ran someone else while this machine wanted its CPUs (steal, the 8th value): on a shared VM it
# comes and goes (seen here: a quarter of both cores over 10 s, 3 % a minute later) and no process is charged for it.
steal_ticks() { awk '/^cpu / {print $9; exit}' /proc/stat; }
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }
child_ticks() { sed 's/^.*) //' "/proc/$$/stat" | awk '{print $14 + $15}'; }

# Samples VmRSS of a pid every 100 ms into a file until killed; the max is read afterwards.
sample_rss() { while :; do rss_kb "$1"; sleep 0.1; done >>"$2"; }

run_wrk() {   # server conns duration outfile; sets RUN_SRV_TICKS, RUN_OTHER_PCT, RUN_STEAL_PCT
  local s=$1 c=$2 d=$3 f=$4 b0 p0 k0 t0 st0
  SAMPLER=""
  st0=$(steal_ticks); b0=$(busy_ticks); p0=$(proc_ticks "${PID[$s]}"); k0=$(child_ticks); t0=$(now_ms)
  sample_rss "${PID[$s]}" "$OUT/$s.rss-samples" &
  SAMPLER=$!
  # In the background and waited for, so that Ctrl-C / TERM reach the trap at once, not after the run.
  local header=()
  [[ -n "${WRK_HEADER[$s]:-}" ]] && header=(-H "${WRK_HEADER[$s]}")
  [[ -n "${WRK_SCRIPT[$s]:-}" ]] && header=(-s "${WRK_SCRIPT[$s]}")
  timeout $(( d + 30 )) wrk -t"$THREADS" -c"$c" -d"${d}s" --latency "${header[@]}" "http://$HOST:${PORT[$s]}${WRK_PATH[$s]:-/}" >"$f" 2>&1 &
  WRK=$!
  wait "$WRK" || { echo "wrk failed against $s (c$c); output:" >&2; cat "$f" >&2; exit 1; }
  WRK=""
  sleep 0.3   # one more sample right after the run
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  SAMPLER=""
  RUN_SRV_TICKS=$(( $(proc_ticks "${PID[$s]}") - p0 ))
  # Whatever the machine did besides this server, wrk and this script: other people's builds, tests... (noise).
  RUN_OTHER_PCT=$(awk -v b=$(( $(busy_ticks) - b0 )) -v srv="$RUN_SRV_TICKS" -v kids=$(( $(child_ticks) - k0 )) \
    -v ms=$(( $(now_ms) - t0 )) -v hz="$CLK_TCK" -v n="$(nproc)" \
    'BEGIN { o = (b - srv - kids) / hz; if (o < 0) o = 0; printf "%.0f", 100 * o / (ms / 1000 * n) }')
  RUN_STEAL_PCT=$(awk -v st=$(( $(steal_ticks) - st0 )) -v ms=$(( $(now_ms) - t0 )) -v hz="$CLK_TCK" -v n="$(nproc)" \
    'BEGIN { printf "%.0f", 100 * st / hz / (ms / 1000 * n) }')
  alive "$s" || { echo "${LABEL[$s]} died during wrk c$c; log tail:" >&2; tail -50 "$OUT/$s.log" >&2; exit 1; }
}

to_ms() {   # wrk latency ("812.00us", "1.23ms", "2.01s", "1.5m") -> ms
  awk -v v="$1" 'BEGIN {
    n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
    if (f < 0 || n == "") { print "NaN"; exit }
    printf "%.3f", n * f }'
}

parse_wrk() {   # file -> "rps p50ms p99ms errors requests"
  local f=$1 rps p50 p99 sock non2xx n
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  n=$(awk '/ requests in / {print $1}' "$f")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
  sock=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' "$f")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")
  echo "${rps:-0} $p50 $p99 $(( ${sock:-0} + ${non2xx:-0} )) ${n:-0}"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
  if (NR == 0) { print "NaN"; exit }
  if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ---------------------------------------------------------------------------------------------------- run
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "parts: $PARTS_ON; servers: ${SERVERS[*]}; results in $OUT (load average now: $LOAD0)"
for s in "${SERVERS[@]}"; do
  start_server "$s"
  sleep 2   # let start-up work (JIT, GC after compiling the handler) settle before the idle reading
  RSS_IDLE[$s]=$(rss_kb "${PID[$s]}")
done

# Bulwark's longer request path needs ~15-20 s of load before the JIT has settled (13k -> 65k req/s here), and its
# JavaScript worker more (GraalJS runs interpreted on a JVM without the Graal compiler), so the warm-up is WARMUP
# seconds at each concurrency, the same for every server, workerd included.
for s in "${SERVERS[@]}"; do
  for c in $CONNS; do
    log "warm-up ${LABEL[$s]}: ${WARMUP} s at c$c"
    run_wrk "$s" "$c" "$WARMUP" "$OUT/warmup-$s-c$c.txt"
  done
done
for s in "${SERVERS[@]}"; do : >"$OUT/$s.rss-samples"; done   # under-load RSS counts measured runs only

declare -A RPS=() P50=() P99=() ERR=() CPU=()
OTHER=""; STEAL=""
if (( ${#MEASURED[@]} > 0 )); then
  for r in $(seq "$ROUNDS"); do
    for c in $CONNS; do
      for s in "${MEASURED[@]}"; do
        f="$OUT/round$r-$s-c$c.txt"
        log "round $r/$ROUNDS: ${LABEL[$s]} c$c for ${DURATION} s"
        run_wrk "$s" "$c" "$DURATION" "$f"
        read -r rps p50 p99 err n < <(parse_wrk "$f")
        cpu=$(awk -v t="$RUN_SRV_TICKS" -v hz="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.1f", (n > 0) ? t / hz * 1e6 / n : 0}')
        RPS[$s,$c]+="$rps "; P50[$s,$c]+="$p50 "; P99[$s,$c]+="$p99 "; ERR[$s,$c]=$(( ${ERR[$s,$c]:-0} + err ))
        CPU[$s,$c]+="$cpu "; OTHER+="$RUN_OTHER_PCT "; STEAL+="$RUN_STEAL_PCT "
        log "  $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $err, server CPU $cpu us/request," \
          "other processes ${RUN_OTHER_PCT}% of the machine, stolen by the hypervisor ${RUN_STEAL_PCT}%"
      done
    done
  done
fi

for s in "${SERVERS[@]}"; do
  RSS_LOAD[$s]=$(sort -n "$OUT/$s.rss-samples" | tail -1)
done

# ---------------------------------------------------------------------------------------------------- summary
mb() { [[ -n "$1" ]] && awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}' || echo "-"; }
# shellcheck disable=SC2086  # the per-round values are a list of words
med() { local -n ref=$2; median ${ref[$1]}; }   # "server,conns" array-name -> median of that cell
table() {   # servers... : the req/s, latency, errors and CPU table at every concurrency
  printf '%-6s %-17s %11s %9s %9s %7s %12s\n' conns server "req/s" "p50 ms" "p99 ms" errors "CPU us/req"
  for c in $CONNS; do
    for s in "$@"; do
      printf '%-6s %-17s %11.0f %9.2f %9.2f %7d %12.1f\n' "c$c" "${LABEL[$s]}" "$(med "$s,$c" RPS)" \
        "$(med "$s,$c" P50)" "$(med "$s,$c" P99)" "${ERR[$s,$c]}" "$(med "$s,$c" CPU)"
    done
  done
}
against_workerd() {   # title js jit workerd: a part's table of a worker on Bulwark (and its JIT run) and workerd, and the ratios
  local title=$1 js=$2 jit=$3 wd=$4 j c runs
  echo
  echo "$title"
  runs=("$js"); [[ -n "${PID[$jit]:-}" ]] && runs+=("$jit")
  table "${runs[@]}" "$wd"
  echo
  for j in "${runs[@]}"; do
    for c in $CONNS; do
      awk -v j="$(med "$j,$c" RPS)" -v w="$(med "$wd,$c" RPS)" -v c="$c" -v n="${LABEL[$j]}" -v m="${LABEL[$wd]}" 'BEGIN {
        printf "c%-5s %s / %s req/s = %.2f (no target)\n", c, n, m, (w > 0) ? j / w : 0 }'
    done
  done
}
{
  echo "Bulwark hello-world benchmarks (parts: $PARTS_ON) — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)," \
    "$(java -version 2>&1 | head -1)${JAVA_OPTS:+, JAVA_OPTS: $JAVA_OPTS}"
  if has js; then
    echo "JS worker: $("$JS_JAVA" -version 2>&1 | head -1) ($JS_JAVA)${JS_JAVA_OPTS:+, options: $JS_JAVA_OPTS};" \
      "$(grep -m1 -o 'GraalJS.*' "$OUT/js.log" || echo 'GraalJS')"
    [[ -n "${PID[jsjit]:-}" ]] && echo "JS worker JIT: $("$JIT_JAVA" -version 2>&1 | head -1) ($JIT_JAVA), options: $JIT_OPTS;" \
      "$(grep -m1 -o 'GraalJS.*' "$OUT/jsjit.log" || echo 'GraalJS')"
    echo "workerd: $WD_VERSION (npm workerd $WD_WANT), bench/workerd/config.capnp, one process"
  fi
  has jwt && ! has js && echo "JS worker: $("$JS_JAVA" -version 2>&1 | head -1); workerd: $WD_VERSION (bench/workerd/jwt.capnp)"
  has router && ! has js && ! has jwt && echo "JS worker: $("$JS_JAVA" -version 2>&1 | head -1); workerd: $WD_VERSION (bench/workerd/router.capnp)"
  has upload && ! has js && ! has jwt && ! has router && echo "JS worker: $("$JS_JAVA" -version 2>&1 | head -1); workerd: $WD_VERSION (bench/workerd/upload.capnp)"
  echo "wrk -t$THREADS -d${DURATION}s --latency, $ROUNDS alternated rounds (medians), warm-up ${WARMUP} s per" \
       "concurrency and server;" \
       "servers and wrk share the machine"
  if has java; then
    echo
    echo "Java hello: Bulwark vs plain Vert.x 5"
    table bulwark plain hop batch
    echo
    echo "target: Bulwark >= $TARGET x plain Vert.x requests/s"
    for c in $CONNS; do
      awk -v b="$(med "bulwark,$c" RPS)" -v p="$(med "plain,$c" RPS)" -v t="$TARGET" -v c="$c" 'BEGIN {
        r = (p > 0) ? b / p : 0
        printf "c%-5s Bulwark/plain req/s = %.2f  %s\n", c, r, (r >= t) ? "PASS" : "FAIL" }'
    done
    # The same ratio round by round: each pair was measured minutes apart at most, so a machine that speeds up or
    # slows down between rounds shows here as spread rather than moving the medians apart.
    for c in $CONNS; do
      awk -v b="${RPS[bulwark,$c]}" -v p="${RPS[plain,$c]}" -v c="$c" 'BEGIN {
        n = split(b, x, " "); split(p, y, " "); line = ""
        for (i = 1; i <= n; i++) line = line sprintf(" %.2f", (y[i] > 0) ? x[i] / y[i] : 0)
        printf "c%-5s Bulwark/plain round by round:%s\n", c, line }'
    done
    for c in $CONNS; do
      awk -v b="$(med "bulwark,$c" RPS)" -v h="$(med "hop,$c" RPS)" -v p="$(med "plain,$c" RPS)" \
        -v c="$c" 'BEGIN { printf "c%-5s one request/reply per request: Vert.x+EB hop/plain = %.2f; Bulwark/hop = %.2f\n", c,
          (p > 0) ? h / p : 0, (h > 0) ? b / h : 0 }'
    done
    for c in $CONNS; do
      awk -v b="$(med "bulwark,$c" RPS)" -v h="$(med "batch,$c" RPS)" -v p="$(med "plain,$c" RPS)" \
        -v c="$c" 'BEGIN { printf "c%-5s bare batched design (a turn per message to 4 workers, nothing else): Vert.x+EB batched/plain = %.2f; Bulwark/batched = %.2f\n", c,
          (p > 0) ? h / p : 0, (h > 0) ? b / h : 0 }'
    done
  fi
  if has js; then
    echo
    echo "JavaScript hello (verticles/hello.js): Bulwark JS worker vs workerd; Bulwark = the Java hello handler"
    JS_RUNS=(js); [[ -n "${PID[jsjit]:-}" ]] && JS_RUNS+=(jsjit)
    table "${JS_RUNS[@]}" workerd bulwark
    echo
    echo "targets: Bulwark JS >= $JS_TARGET x workerd requests/s; Bulwark JS p99 <= $JS_P99_TARGET x workerd p99 at c50"
    for j in "${JS_RUNS[@]}"; do
      for c in $CONNS; do
        awk -v j="$(med "$j,$c" RPS)" -v w="$(med "workerd,$c" RPS)" -v t="$JS_TARGET" -v c="$c" -v n="${LABEL[$j]}" 'BEGIN {
          r = (w > 0) ? j / w : 0
          printf "c%-5s %s / workerd req/s = %.2f  %s\n", c, n, r, (r >= t) ? "PASS" : "FAIL" }'
      done
      for c in $CONNS; do
        awk -v j="$(med "$j,$c" P99)" -v w="$(med "workerd,$c" P99)" -v t="$JS_P99_TARGET" -v c="$c" -v n="${LABEL[$j]}" 'BEGIN {
          r = (w > 0) ? j / w : 0
          printf "c%-5s %s p99 / workerd p99 = %.3f  %s\n", c, n, r,
            (c != 50) ? "(no target)" : (w > 0 && r <= t) ? "PASS" : "FAIL" }'
      done
    done
    [[ " $CONNS " == *" 50 "* ]] || echo "(c50 not in CONNS: the p99 target is not judged)"
    for c in $CONNS; do
      awk -v j="$(med "js,$c" RPS)" -v b="$(med "bulwark,$c" RPS)" -v c="$c" 'BEGIN {
        printf "c%-5s JS/Java (Bulwark JS / Bulwark Java hello) req/s = %.2f\n", c, (b > 0) ? j / b : 0 }'
      [[ -n "${PID[jsjit]:-}" ]] && awk -v j="$(med "js,$c" RPS)" -v k="$(med "jsjit,$c" RPS)" -v c="$c" 'BEGIN {
        printf "c%-5s JIT/interpreter (Bulwark JS JIT / Bulwark JS) req/s = %.2f\n", c, (j > 0) ? k / j : 0 }'
    done
  fi
  if has jwt; then
    against_workerd "RS256 JWT check (bench/jwt/worker.mjs: crypto.subtle.verify, base64url, JSON): Bulwark JS worker vs workerd" \
      jwt jwtjit jwtwd
  fi
  if has router; then
    against_workerd "Router (bench/router/worker.mjs: new URL(request.url), route by path, query, Response.json), wrk asking $ROUTER_PATH" \
      router routerjit routerwd
  fi
  if has upload; then
    against_workerd "Upload (bench/upload/worker.mjs: for await over request.body, bytes counted), wrk POSTing $UPLOAD_BYTES bytes" \
      upload uploadjit uploadwd
    for c in $CONNS; do
      for s in upload uploadjit uploadwd; do
        [[ -n "${PID[$s]:-}" ]] && awk -v r="$(med "$s,$c" RPS)" -v b="$UPLOAD_BYTES" -v c="$c" -v n="${LABEL[$s]}" 'BEGIN {
          printf "c%-5s %s: %.0f MB/s of request bodies\n", c, n, r * b / 1e6 }'
      done
    done
  fi
  if (( ${#MEASURED[@]} > 0 )); then
    echo "(errors: socket errors + non-2xx/3xx, summed over rounds; CPU us/req: the server's own CPU time per request)"
    echo "per-round req/s:"
    for c in $CONNS; do
      for s in "${MEASURED[@]}"; do printf '  c%-4s %-17s %s\n' "$c" "${LABEL[$s]}" "${RPS[$s,$c]}"; done
    done
  fi
  echo
  printf '%-20s %10s %14s %18s\n' server "RSS idle" "RSS under load" "start to first 200"
  for s in "${SERVERS[@]}"; do
    printf '%-20s %10s %14s %15s ms\n' "${LABEL[$s]}" "$(mb "${RSS_IDLE[$s]}")" "$(mb "${RSS_LOAD[$s]}")" "${START_MS[$s]}"
  done
  echo
  if [[ -n "$OTHER" ]]; then
    # shellcheck disable=SC2086
    echo "noise: other processes used $(median $OTHER)% of the machine's CPU in the median measured run" \
      "(max $(printf '%s\n' $OTHER | sort -n | tail -1)%); load average before start: $LOAD0"
    # shellcheck disable=SC2086
    if awk -v m="$(median $OTHER)" 'BEGIN {exit !(m > 10)}'; then
      echo "WARNING: the machine was busy with other work during the runs; these numbers are not reliable, re-run"
    fi
    # shellcheck disable=SC2086
    echo "steal: the hypervisor took $(median $STEAL)% of the machine's CPU in the median measured run" \
      "(max $(printf '%s\n' $STEAL | sort -n | tail -1)%)"
    # shellcheck disable=SC2086
    if awk -v m="$(printf '%s\n' $STEAL | sort -n | tail -1)" 'BEGIN {exit !(m > 5)}'; then
      echo "WARNING: the hypervisor took over 5 % of the CPU in some runs: the servers measured then had less machine" \
        "than the others, so the ratios are not reliable; re-run when steal stays near 0"
    fi
  fi
  for s in "${SERVERS[@]}"; do
    n=$(grep -c -E 'WARN|ERROR|SEVERE|Exception|Error:|warning:|error:' "$OUT/$s.log" || true)
    echo "${LABEL[$s]} log: $n warning/error line(s) (see $OUT/$s.log)"
  done
} | tee "$OUT/summary.txt"

# ---------------------------------------------------------------------------------------------------- flood round
# wrk c50 against each server of the java part while AbortFlood (the seed's stress client, in Java: connect,
# SO_LINGER 0, close) resets connections at both loopbacks and GapProber makes one request per new connection,
# timing the longest gap between two successful answers. FLOOD=0 (or PARTS without flood) skips it; FLOOD_SECONDS
# sets its length; PRELOAD=1 (see above) makes it the macOS scenario of workerd issue 4623.
if has flood; then
  fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
  declare -A FL_RPS=() FL_ERR=() FL_GAP=() FL_PROBE=() FL_FD0=() FL_FD1=() FL_AFTER=() FL_ABORTED=()
  for s in "${FLOODED[@]}"; do
    log "flood round: ${LABEL[$s]}, ${FLOOD_SECONDS} s of wrk c50 + aborted connections at 127.0.0.1 and ::1 + prober"
    FL_FD0[$s]=$(fds "${PID[$s]}")
    java -cp "$ROOT/target/test-classes" dev.bulwark.accept.AbortFlood "${PORT[$s]}" "$FLOOD_SECONDS" 1 \
      >"$OUT/flood-$s-abort.txt" 2>&1 &
    FLOODER=$!
    java bench/GapProber.java "$HOST" "${PORT[$s]}" "$FLOOD_SECONDS" >"$OUT/flood-$s-probe.txt" 2>&1 &
    PROBER=$!
    run_wrk "$s" 50 "$FLOOD_SECONDS" "$OUT/flood-$s-wrk.txt"
    wait "$FLOODER" "$PROBER" || true
    FLOODER=""; PROBER=""
    read -r rps _ _ err _ < <(parse_wrk "$OUT/flood-$s-wrk.txt")
    FL_RPS[$s]=$rps; FL_ERR[$s]=$err
    FL_PROBE[$s]=$(cat "$OUT/flood-$s-probe.txt")
    FL_GAP[$s]=$(awk '{for (i = 1; i < NF; i++) if ($i == "maxgap_ms") print $(i + 1)}' "$OUT/flood-$s-probe.txt")
    FL_ABORTED[$s]=$(awk '/^aborted/ {print $2}' "$OUT/flood-$s-abort.txt")
    sleep 2
    FL_FD1[$s]=$(fds "${PID[$s]}")
    FL_AFTER[$s]=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:${PORT[$s]}/" || true)
  done
  {
    echo
    echo "flood round: wrk -c50 ${FLOOD_SECONDS} s + aborted connections at both loopbacks + a new-connection prober"
    printf '%-20s %9s %7s %10s %14s %12s %9s %s\n' server "req/s" errors "aborted" "prober max gap" "fds before" \
      "after" "accepts afterwards"
    for s in "${FLOODED[@]}"; do
      printf '%-20s %9.0f %7d %10s %11s ms %12s %9s %s\n' "${LABEL[$s]}" "${FL_RPS[$s]}" "${FL_ERR[$s]}" \
        "${FL_ABORTED[$s]:-?}" "${FL_GAP[$s]:-?}" "${FL_FD0[$s]}" "${FL_FD1[$s]}" \
        "$([[ "${FL_AFTER[$s]}" == 200 ]] && echo yes || echo "NO (${FL_AFTER[$s]})")"
    done
    for s in "${FLOODED[@]}"; do echo "  prober ${LABEL[$s]}: ${FL_PROBE[$s]}"; done
    echo "targets: 0 errors, prober max gap < 100 ms, descriptors back to where they were, still accepting"
  } | tee -a "$OUT/summary.txt"
fi
cp "$OUT/summary.txt" "$ROOT/bench/results/summary-latest.txt"
