#!/usr/bin/env bash
# Bulwark vs plain Vert.x: the Java hello handler (event loop -> event bus -> worker -> reply) against a plain
# Vert.x 5 hello server on the same HTTP stack (bench/PlainVertx.java plain) and against the bare design cost, the
# same server with an event-bus hop to worker verticles (bench/PlainVertx.java hop), under wrk, on 127.0.0.1; then a
# flood round with aborted connections at 127.0.0.1 and ::1 (see below). Loopback only.
#
#   bash bench/run.sh                      # build, then 3 alternated rounds of 10 s per server and concurrency
#   SKIP_BUILD=1 DURATION=5 ROUNDS=1 bash bench/run.sh
#
# Env: DURATION (s per wrk run, default 10), ROUNDS (default 3), WARMUP (s per concurrency, default 10),
#      CONNS ("50 200"), THREADS (wrk threads, 2), TARGET (req/s ratio to pass, 0.80), SKIP_BUILD=1,
#      JAVA_OPTS (extra JVM options for both servers).
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
JAVA_OPTS="${JAVA_OPTS:-}"
HOST=127.0.0.1
JAR="$ROOT/target/runtime-fat.jar"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/$STAMP"
SERVERS=(bulwark plain hop)
declare -A PID=() PORT=() START_MS=() RSS_IDLE=() RSS_LOAD=() \
  LABEL=([bulwark]="Bulwark" [plain]="plain Vert.x" [hop]="Vert.x+EB hop")

for v in DURATION ROUNDS WARMUP THREADS; do
  [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || { echo "$v must be a positive integer" >&2; exit 2; }
done
for c in $CONNS; do
  [[ "$c" =~ ^[0-9]+$ && "$c" -ge "$THREADS" ]] || { echo "CONNS entries must be integers >= THREADS" >&2; exit 2; }
done

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------------------- clean-up
SAMPLER=""
WRK=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null || true
  [[ -n "$WRK" ]] && kill "$WRK" 2>/dev/null || true   # timeout passes the signal on to wrk
  for s in "${SERVERS[@]}"; do
    local p="${PID[$s]:-}"
    [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true
  done
  for s in "${SERVERS[@]}"; do
    local p="${PID[$s]:-}"
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

if ! command -v wrk >/dev/null; then
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "wrk is missing and there is no sudo: install wrk first" >&2; exit 1; }
    SUDO="sudo"
  fi
  log "installing wrk (apt-get install -y wrk)"
  $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

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
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of words
  # exec: $! must be the JVM itself (for VmRSS and for the kill on exit), not a subshell around it.
  case $s in
    bulwark) exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -jar "$JAR" verticles/Hello.java --listen "localhost:$port" --admin off ;;
    plain)   exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -cp "$JAR" bench/PlainVertx.java "$port" plain ;;
    hop)     exec "${PRELOAD_ENV[@]}" java $JAVA_OPTS -cp "$JAR" bench/PlainVertx.java "$port" hop ;;
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
}

# CPU ticks: the whole machine (busy), one process (utime+stime), and this script's reaped children (wrk, curl...).
CLK_TCK=$(getconf CLK_TCK)
# user + nice + system only: irq/softirq time (loopback TCP work) is not charged to any process.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4; exit}' /proc/stat; }
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }
child_ticks() { sed 's/^.*) //' "/proc/$$/stat" | awk '{print $14 + $15}'; }

# Samples VmRSS of a pid every 100 ms into a file until killed; the max is read afterwards.
sample_rss() { while :; do rss_kb "$1"; sleep 0.1; done >>"$2"; }

run_wrk() {   # server conns duration outfile; sets RUN_SRV_TICKS, RUN_OTHER_PCT
  local s=$1 c=$2 d=$3 f=$4 b0 p0 k0 t0
  SAMPLER=""
  b0=$(busy_ticks); p0=$(proc_ticks "${PID[$s]}"); k0=$(child_ticks); t0=$(now_ms)
  sample_rss "${PID[$s]}" "$OUT/$s.rss-samples" &
  SAMPLER=$!
  # In the background and waited for, so that Ctrl-C / TERM reach the trap at once, not after the run.
  timeout $(( d + 30 )) wrk -t"$THREADS" -c"$c" -d"${d}s" --latency "http://$HOST:${PORT[$s]}/" >"$f" 2>&1 &
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
log "results in $OUT (load average now: $LOAD0)"
for s in "${SERVERS[@]}"; do
  start_server "$s"
  sleep 2   # let start-up work (JIT, GC after compiling the handler) settle before the idle reading
  RSS_IDLE[$s]=$(rss_kb "${PID[$s]}")
done

# Bulwark's longer request path needs ~15-20 s of load before the JIT has settled (13k -> 65k req/s here), so the
# warm-up is WARMUP seconds at each concurrency, for each server.
for s in "${SERVERS[@]}"; do
  for c in $CONNS; do
    log "warm-up ${LABEL[$s]}: ${WARMUP} s at c$c"
    run_wrk "$s" "$c" "$WARMUP" "$OUT/warmup-$s-c$c.txt"
  done
done
for s in "${SERVERS[@]}"; do : >"$OUT/$s.rss-samples"; done   # under-load RSS counts measured runs only

declare -A RPS=() P50=() P99=() ERR=() CPU=()
OTHER=""
for r in $(seq "$ROUNDS"); do
  for c in $CONNS; do
    for s in "${SERVERS[@]}"; do
      f="$OUT/round$r-$s-c$c.txt"
      log "round $r/$ROUNDS: ${LABEL[$s]} c$c for ${DURATION} s"
      run_wrk "$s" "$c" "$DURATION" "$f"
      read -r rps p50 p99 err n < <(parse_wrk "$f")
      cpu=$(awk -v t="$RUN_SRV_TICKS" -v hz="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.1f", (n > 0) ? t / hz * 1e6 / n : 0}')
      RPS[$s,$c]+="$rps "; P50[$s,$c]+="$p50 "; P99[$s,$c]+="$p99 "; ERR[$s,$c]=$(( ${ERR[$s,$c]:-0} + err ))
      CPU[$s,$c]+="$cpu "; OTHER+="$RUN_OTHER_PCT "
      log "  $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $err, server CPU $cpu us/request," \
        "other processes ${RUN_OTHER_PCT}% of the machine"
    done
  done
done

for s in "${SERVERS[@]}"; do
  RSS_LOAD[$s]=$(sort -n "$OUT/$s.rss-samples" | tail -1)
done

# ---------------------------------------------------------------------------------------------------- summary
mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}'; }
{
  echo "Bulwark vs plain Vert.x 5 hello world — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)," \
    "$(java -version 2>&1 | head -1)"
  echo "wrk -t$THREADS -d${DURATION}s --latency, $ROUNDS alternated rounds (medians), warm-up ${WARMUP} s per" \
       "concurrency;" \
       "servers and wrk share the machine"
  echo
  printf '%-6s %-13s %11s %9s %9s %7s %12s\n' conns server "req/s" "p50 ms" "p99 ms" errors "CPU us/req"
  for c in $CONNS; do
    for s in "${SERVERS[@]}"; do
      # shellcheck disable=SC2086
      printf '%-6s %-13s %11.0f %9.2f %9.2f %7d %12.1f\n' "c$c" "${LABEL[$s]}" "$(median ${RPS[$s,$c]})" \
        "$(median ${P50[$s,$c]})" "$(median ${P99[$s,$c]})" "${ERR[$s,$c]}" "$(median ${CPU[$s,$c]})"
    done
  done
  echo
  echo "target: Bulwark >= $TARGET x plain Vert.x requests/s"
  for c in $CONNS; do
    # shellcheck disable=SC2086
    awk -v b="$(median ${RPS[bulwark,$c]})" -v p="$(median ${RPS[plain,$c]})" -v t="$TARGET" -v c="$c" 'BEGIN {
      r = (p > 0) ? b / p : 0
      printf "c%-5s Bulwark/plain req/s = %.2f  %s\n", c, r, (r >= t) ? "PASS" : "FAIL" }'
  done
  for c in $CONNS; do
    # shellcheck disable=SC2086
    awk -v b="$(median ${RPS[bulwark,$c]})" -v h="$(median ${RPS[hop,$c]})" -v p="$(median ${RPS[plain,$c]})" \
      -v c="$c" 'BEGIN { printf "c%-5s design ceiling: Vert.x+EB hop/plain = %.2f; Bulwark/hop = %.2f\n", c,
        (p > 0) ? h / p : 0, (h > 0) ? b / h : 0 }'
  done
  echo "(errors: socket errors + non-2xx/3xx, summed over rounds; CPU us/req: the server's own CPU time per request)"
  echo "per-round req/s:"
  for c in $CONNS; do
    for s in "${SERVERS[@]}"; do printf '  c%-4s %-13s %s\n' "$c" "${LABEL[$s]}" "${RPS[$s,$c]}"; done
  done
  echo
  printf '%-13s %10s %14s %18s\n' server "RSS idle" "RSS under load" "start to first 200"
  for s in "${SERVERS[@]}"; do
    printf '%-13s %10s %14s %15s ms\n' "${LABEL[$s]}" "$(mb "${RSS_IDLE[$s]}")" "$(mb "${RSS_LOAD[$s]}")" "${START_MS[$s]}"
  done
  echo
  # shellcheck disable=SC2086
  echo "noise: other processes used $(median $OTHER)% of the machine's CPU in the median measured run" \
    "(max $(printf '%s\n' $OTHER | sort -n | tail -1)%); load average before start: $LOAD0"
  # shellcheck disable=SC2086
  if awk -v m="$(median $OTHER)" 'BEGIN {exit !(m > 10)}'; then
    echo "WARNING: the machine was busy with other work during the runs; these numbers are not reliable, re-run"
  fi
  for s in "${SERVERS[@]}"; do
    n=$(grep -c -E 'WARN|ERROR|SEVERE|Exception|Error:' "$OUT/$s.log" || true)
    echo "${LABEL[$s]} log: $n warning/error line(s) (see $OUT/$s.log)"
  done
} | tee "$OUT/summary.txt"

# ---------------------------------------------------------------------------------------------------- flood round
# wrk c50 against each server while AbortFlood (the seed's stress client, in Java: connect, SO_LINGER 0, close)
# resets connections at both loopbacks and GapProber makes one request per new connection, timing the longest gap
# between two successful answers. FLOOD=0 skips it; FLOOD_SECONDS sets its length; PRELOAD=1 (see above) makes
# it the macOS scenario of workerd issue 4623.
if [[ "${FLOOD:-1}" == 1 ]]; then
  FLOOD_SECONDS="${FLOOD_SECONDS:-10}"
  [[ -d "$ROOT/target/test-classes/dev/bulwark/accept" ]] || { echo "missing test classes: build without SKIP_BUILD" >&2; exit 1; }
  fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
  declare -A FL_RPS=() FL_ERR=() FL_GAP=() FL_PROBE=() FL_FD0=() FL_FD1=() FL_AFTER=() FL_ABORTED=()
  for s in "${SERVERS[@]}"; do
    log "flood round: ${LABEL[$s]}, ${FLOOD_SECONDS} s of wrk c50 + aborted connections at 127.0.0.1 and ::1 + prober"
    FL_FD0[$s]=$(fds "${PID[$s]}")
    java -cp "$ROOT/target/test-classes" dev.bulwark.accept.AbortFlood "${PORT[$s]}" "$FLOOD_SECONDS" 1 \
      >"$OUT/flood-$s-abort.txt" 2>&1 &
    FLOODER=$!
    java bench/GapProber.java "$HOST" "${PORT[$s]}" "$FLOOD_SECONDS" >"$OUT/flood-$s-probe.txt" 2>&1 &
    PROBER=$!
    run_wrk "$s" 50 "$FLOOD_SECONDS" "$OUT/flood-$s-wrk.txt"
    wait "$FLOODER" "$PROBER" || true
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
    printf '%-14s %9s %7s %10s %14s %12s %9s %s
' server "req/s" errors "aborted" "prober max gap" "fds before" \
      "after" "accepts afterwards"
    for s in "${SERVERS[@]}"; do
      printf '%-14s %9.0f %7d %10s %11s ms %12s %9s %s
' "${LABEL[$s]}" "${FL_RPS[$s]}" "${FL_ERR[$s]}" \
        "${FL_ABORTED[$s]:-?}" "${FL_GAP[$s]:-?}" "${FL_FD0[$s]}" "${FL_FD1[$s]}" \
        "$([[ "${FL_AFTER[$s]}" == 200 ]] && echo yes || echo "NO (${FL_AFTER[$s]})")"
    done
    for s in "${SERVERS[@]}"; do echo "  prober ${LABEL[$s]}: ${FL_PROBE[$s]}"; done
    echo "targets: 0 errors, prober max gap < 100 ms, descriptors back to where they were, still accepting"
  } | tee -a "$OUT/summary.txt"
fi
cp "$OUT/summary.txt" "$ROOT/bench/results/summary-latest.txt"
