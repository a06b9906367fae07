#!/usr/bin/env bash
# Side by side, on this machine, in one run: this project's standalone server against piping-server 1.12.9 (from
# the npm registry) and a trivial relay (the ceiling), under the same load from pipe-load.jar, alternating.
#
#   pipe-bench/compare.sh           the full comparison (about 10 minutes on 2 cores)
#   pipe-bench/compare.sh --quick   a few seconds of each scenario, to see that everything runs
#   OURS_JVM="-XX:+UseG1GC" pipe-bench/compare.sh
#                                   our server as java $OURS_JVM -jar ..., instead of through its launcher
#                                   (examples/pipe-server, as the README starts it; JAVA_OPTS adds flags to that)
#
# Prints each figure as min / median / max of the runs, and the ratio of the medians (ours / piping-server).
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
RUNS=3
[ $QUICK = 1 ] && RUNS=1

[ -f examples/target/pipe-server.jar ] && [ -f pipe-bench/target/pipe-load.jar ] || mvn -q -DskipTests package

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# installing piping-server@1.12.9 from the npm registry into a temporary folder"
(cd "$WORK" && npm install --silent --no-audit --no-fund piping-server@1.12.9 >/dev/null)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { # url
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "not up: $1" >&2; exit 1
}

# HTTP/2 over TLS: both servers on a certificate made here (piping-server speaks HTTP/2 only over TLS)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# our server as the README starts it, through its launcher (which picks the JVM flags; run in the background, the
# exec makes $! the JVM's pid), or with the JVM flags in OURS_JVM
ours() {
  if [ -n "${OURS_JVM:-}" ]; then
    exec java $OURS_JVM -jar examples/target/pipe-server.jar "$@"
  else
    exec examples/pipe-server "$@"
  fi
}
OURS_PORT=$(free_port); THEIRS_PORT=$(free_port); RELAY_PORT=$(free_port)
OURS_TLS_PORT=$(free_port); THEIRS_TLS_PORT=$(free_port)
ours --port "$OURS_PORT" --join-timeout 10m --max-waiting-per-client 0 >"$WORK/ours.log" 2>&1 &
PIDS+=($!); OURS_PID=$!
ours --port "$OURS_TLS_PORT" --join-timeout 10m --max-waiting-per-client 0 \
    --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >"$WORK/ours-tls.log" 2>&1 &
PIDS+=($!); OURS_TLS_PID=$!
node "$WORK/node_modules/.bin/piping-server" --http-port "$THEIRS_PORT" --enable-https --https-port "$THEIRS_TLS_PORT" \
    --key-path "$WORK/key.pem" --crt-path "$WORK/cert.pem" >"$WORK/theirs.log" 2>&1 &
PIDS+=($!); THEIRS_PID=$!
java -jar pipe-bench/target/pipe-load.jar relay --port "$RELAY_PORT" >"$WORK/relay.log" 2>&1 &
PIDS+=($!); RELAY_PID=$!
wait_up "http://127.0.0.1:$OURS_PORT/healthz"
wait_up "http://127.0.0.1:$THEIRS_PORT/version"
for _ in $(seq 1 100); do curl -sk -o /dev/null "https://127.0.0.1:$OURS_TLS_PORT/healthz" && break; sleep 0.1; done
sleep 0.5

OURS="--url http://127.0.0.1:$OURS_PORT/api/v1/pipe --server-pid $OURS_PID"
THEIRS="--url http://127.0.0.1:$THEIRS_PORT --server-pid $THEIRS_PID"
RELAY="--url http://127.0.0.1:$RELAY_PORT --server-pid $RELAY_PID"
OURS_TLS="--url https://127.0.0.1:$OURS_TLS_PORT/api/v1/pipe --server-pid $OURS_TLS_PID"
THEIRS_TLS="--url https://127.0.0.1:$THEIRS_TLS_PORT --server-pid $THEIRS_PID"
LOAD="java -jar pipe-bench/target/pipe-load.jar"

echo "# machine: $(nproc) cores, $(java -version 2>&1 | head -1), node $(node --version), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# ours in clear text: $(tr '\0' ' ' < "/proc/$OURS_PID/cmdline")"
echo "# ours with TLS: $(tr '\0' ' ' < "/proc/$OURS_TLS_PID/cmdline")"
# warm up the servers alike (the JVMs' JIT, node's own), on the shapes measured first: a long-running server is
# compiled; a cold JVM moves its first GiB slower than its later ones (docs/BENCHMARKS.md)
WARM_N1=1g; WARM_N8=256m; [ $QUICK = 1 ] && WARM_N1=64m && WARM_N8=16m
for target in "$OURS" "$THEIRS" "$RELAY"; do
  $LOAD throughput $target --n 1 --bytes $WARM_N1 --runs 2 >/dev/null
  $LOAD throughput $target --n 8 --bytes $WARM_N8 --runs 2 >/dev/null
  $LOAD throughput $target --n 1 --bytes $WARM_N8 --chunked true >/dev/null
done

RESULTS="$WORK/results.txt"
run() { # label target args...
  local label=$1 target=$2; shift 2
  # a failed run (wrong bytes) is recorded, not fatal: the report below lists it and exits non-zero
  { $LOAD "$@" $target || true; } | grep '^RESULT' | sed "s/^RESULT /RESULT server=$label /" >> "$RESULTS" || true
}

for n in 1 8 64 256; do
  case $n in 1|8) bytes=256m ;; 64) bytes=64m ;; 256) bytes=16m ;; esac
  [ $QUICK = 1 ] && bytes=4m
  for _ in $(seq 1 $RUNS); do
    run ours "$OURS" throughput --n $n --bytes $bytes
    run piping-server "$THEIRS" throughput --n $n --bytes $bytes
    run relay "$RELAY" throughput --n $n --bytes $bytes
  done
done
# the machine's own ceiling: bytes through one loopback connection, no HTTP (in the relay's column)
for _ in $(seq 1 $RUNS); do
  loop_bytes=1g; [ $QUICK = 1 ] && loop_bytes=64m
  run relay "" loopback --bytes $loop_bytes
done
# n = 1 with a chunked upload, as curl -T - sends it (64 KiB chunks): the relay passes the chunks on as they are
for _ in $(seq 1 $RUNS); do
  bytes=256m; [ $QUICK = 1 ] && bytes=4m
  run ours "$OURS" throughput --n 1 --bytes $bytes --chunked true
  run piping-server "$THEIRS" throughput --n 1 --bytes $bytes --chunked true
  run relay "$RELAY" throughput --n 1 --bytes $bytes --chunked true
done
# HTTP/2: over TLS against piping-server's own (h2 by ALPN); in clear text (h2c), ours only (piping-server has none),
# beside our HTTP/1.1 above
H2_BYTES=64m; [ $QUICK = 1 ] && H2_BYTES=4m
# warmed alike and as long as HTTP/1.1 is above (HTTP/2 and TLS are code paths of their own for the JIT)
WARM_H2=256m; [ $QUICK = 1 ] && WARM_H2=8m
for target in "$OURS_TLS" "$THEIRS_TLS"; do
  $LOAD throughput $target --n 1 --bytes $WARM_H2 --runs 2 --http2 h2 >/dev/null
  $LOAD throughput $target --n 8 --bytes $WARM_H2 --http2 h2 >/dev/null
done
$LOAD throughput $OURS --n 1 --bytes $WARM_H2 --runs 2 --http2 h2c >/dev/null
$LOAD throughput $OURS --n 8 --bytes $WARM_H2 --http2 h2c >/dev/null
# each run is a fresh JVM of the tool: --warmup compiles its HTTP/2 client (and JSSE) first, unmeasured
H2_TOOL_WARM=64m; [ $QUICK = 1 ] && H2_TOOL_WARM=4m
for n in 1 8; do
  for _ in $(seq 1 $RUNS); do
    run ours "$OURS_TLS" throughput --n $n --bytes $H2_BYTES --http2 h2 --warmup $H2_TOOL_WARM
    run piping-server "$THEIRS_TLS" throughput --n $n --bytes $H2_BYTES --http2 h2 --warmup $H2_TOOL_WARM
    run ours "$OURS" throughput --n $n --bytes $H2_BYTES --http2 h2c --warmup $H2_TOOL_WARM
  done
done
TTFB_RUNS=20; [ $QUICK = 1 ] && TTFB_RUNS=2
SKEW_SECONDS=10; [ $QUICK = 1 ] && SKEW_SECONDS=1
WAIT_PIPES=10000; WAIT_HOLD=10; [ $QUICK = 1 ] && WAIT_PIPES=100 && WAIT_HOLD=1
# the latency scenarios against the relay too (it says the progress lines they wait for): what the machine and the
# tool allow, a blocking relay writing to each receiver in turn
for _ in $(seq 1 $RUNS); do
  run ours "$OURS" ttfb --n 64 --runs $TTFB_RUNS
  run piping-server "$THEIRS" ttfb --n 64 --runs $TTFB_RUNS
  run relay "$RELAY" ttfb --n 64 --runs $TTFB_RUNS
  run ours "$OURS" ttfb --n 64 --runs $TTFB_RUNS --order receivers-first
  run piping-server "$THEIRS" ttfb --n 64 --runs $TTFB_RUNS --order receivers-first
  run relay "$RELAY" ttfb --n 64 --runs $TTFB_RUNS --order receivers-first
done
for _ in $(seq 1 $RUNS); do
  run ours "$OURS" skew --n 256 --rate 50000 --seconds $SKEW_SECONDS
  run piping-server "$THEIRS" skew --n 256 --rate 50000 --seconds $SKEW_SECONDS
  run relay "$RELAY" skew --n 256 --rate 50000 --seconds $SKEW_SECONDS
  run ours "$OURS" skew --n 8 --rate 50000 --seconds $SKEW_SECONDS
  run piping-server "$THEIRS" skew --n 8 --rate 50000 --seconds $SKEW_SECONDS
  run relay "$RELAY" skew --n 8 --rate 50000 --seconds $SKEW_SECONDS
done
run ours "$OURS" waiting --pipes $WAIT_PIPES --hold $WAIT_HOLD --server-gc jcmd
run piping-server "$THEIRS" waiting --pipes $WAIT_PIPES --hold $WAIT_HOLD

# the heap of our server around a large transfer: after a GC before and after, and the peak in between (jstat,
# every 100 ms, garbage included)
HEAP_BYTES=1g; [ $QUICK = 1 ] && HEAP_BYTES=64m
heap_used_kib() {
  jcmd "$OURS_PID" GC.run >/dev/null
  # G1 prints one heap line, the serial collector one per generation: the sum of their "used"
  jcmd "$OURS_PID" GC.heap_info | awk '/total [0-9]+K, used [0-9]+K/ { sub(/.*used /, ""); sub(/K.*/, ""); u += $0 } END { print u }'
}
HEAP_BEFORE=$(heap_used_kib)
jstat -gc "$OURS_PID" 100 > "$WORK/jstat.txt" &
JSTAT=$!
$LOAD throughput $OURS --n 8 --bytes $HEAP_BYTES | grep '^RESULT' > "$WORK/heap-run.txt"
kill "$JSTAT" 2>/dev/null || true
HEAP_AFTER=$(heap_used_kib)
HEAP_PEAK=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ { u = $3 + $4 + $6 + $8; if (u > m) m = u } END { printf "%d", m }' "$WORK/jstat.txt")
echo "heap of ours around $HEAP_BYTES to n=8: $HEAP_BEFORE KiB before (after GC), peak $HEAP_PEAK KiB (garbage included), $HEAP_AFTER KiB after (after GC); $(cut -d' ' -f2- "$WORK/heap-run.txt")"
grep -q 'ok=true' "$WORK/heap-run.txt" || { echo "the heap run's bytes were wrong"; exit 1; }

# a cold server: a fresh process of each, five GiB to one receiver, the first against the fifth (a user's first
# transfer is a cold one)
COLD_BYTES=1g; [ $QUICK = 1 ] && COLD_BYTES=64m
cold() { # label command...
  local label=$1; shift
  local port; port=$(free_port)
  "$@" "$port" >"$WORK/cold-$label.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  local base="http://127.0.0.1:$port"; [ "$label" = ours ] && base="$base/api/v1/pipe"
  wait_up "http://127.0.0.1:$port/$([ "$label" = ours ] && echo healthz || echo version)"
  $LOAD throughput --url "$base" --server-pid $pid --n 1 --bytes $COLD_BYTES --runs 5 | grep '^RESULT' \
    | sed -n 's/.*mibps=\([0-9.]*\).*/\1/p' | tr '\n' ' ' > "$WORK/cold-$label.txt"
  kill $pid 2>/dev/null || true
  # warm: the fifth run, and the median of the second to the fifth (one run alone moves by a tenth or more here)
  awk -v label="$label" -v bytes="$COLD_BYTES" '{
    for (i = 2; i <= 5; i++) w[i - 1] = $i + 0
    for (i = 1; i <= 4; i++) for (j = i + 1; j <= 4; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
    m = (w[2] + w[3]) / 2
    printf "cold start %s: first %s at n=1 %.1f MiB/s, fifth %.1f: %.0f %% of warm; of the median of runs 2-5 (%.1f): %.0f %% (runs: %s)\n",
      label, bytes, $1, $5, 100 * $1 / $5, m, 100 * $1 / m, $0 }' "$WORK/cold-$label.txt"
}
cold ours ours --max-waiting-per-client 0 --port
cold piping-server node "$WORK/node_modules/.bin/piping-server" --http-port

python3 - "$RESULTS" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
fails = []
for line in open(sys.argv[1]):
    kv = dict(p.split("=", 1) for p in line.split()[1:])
    key = (kv["scenario"], kv.get("n", kv.get("pipes", "")))
    rows[(key, kv["server"])].append(kv)
    if kv.get("ok") != "true":
        fails.append(line.strip())
def stat(key, server, field):
    vals = [float(r[field]) for r in rows.get((key, server), []) if field in r]
    if not vals:
        return None, "-"
    med = statistics.median(vals)
    return med, f"{min(vals):.1f} / {med:.1f} / {max(vals):.1f}"
figures = [
    ("throughput", "mibps", "MiB/s aggregate"),
    ("throughput", "mib_per_server_cpu_s", "MiB per server CPU-s"),
    ("throughput", "tool_cpu_s", "load tool CPU-s"),
    ("loopback", "mibps", "loopback copy MiB/s, no HTTP"),
    ("loopback", "mib_per_cpu_s", "loopback copy MiB per CPU-s"),
    ("throughput-chunked", "mibps", "chunked upload MiB/s aggregate"),
    ("throughput-chunked", "mib_per_server_cpu_s", "chunked MiB per server CPU-s"),
    ("throughput-h2", "mibps", "h2 (TLS) MiB/s aggregate"),
    ("throughput-h2", "mib_per_server_cpu_s", "h2 (TLS) MiB per server CPU-s"),
    ("throughput-h2c", "mibps", "h2c MiB/s aggregate"),
    ("throughput-h2c", "mib_per_server_cpu_s", "h2c MiB per server CPU-s"),
    ("ttfb", "p50_ms", "TTFB p50 ms, sender first"), ("ttfb", "p99_ms", "TTFB p99 ms, sender first"),
    ("ttfb-receivers-first", "p50_ms", "TTFB p50 ms, receivers first"),
    ("ttfb-receivers-first", "p99_ms", "TTFB p99 ms, receivers first"),
    ("skew", "p50_ms", "skew p50 ms"), ("skew", "p99_ms", "skew p99 ms"), ("skew", "max_ms", "skew max ms"),
    ("skew", "server_cpu_s", "server CPU-s in skew"),
    ("skew", "server_rss_kib", "server RSS KiB in skew (peak)"),
    ("waiting", "connected", "still connected"), ("waiting", "completed", "completed"),
    ("waiting", "kb_per_connection", "RSS kB per connection"),
    ("waiting", "kb_per_connection_raw", "RSS kB/conn, garbage incl."),
    ("waiting", "threads_before", "threads before"), ("waiting", "threads_held", "threads held"),
]
keys = sorted({k for (k, _) in rows}, key=lambda k: (k[0], int(k[1] or 0)))
print(f"{'figure':<40} {'ours (min / median / max)':>28} {'piping-server':>28} {'relay (machine)':>24} {'ours/theirs':>11}")
for scenario, field, label in figures:
    for key in keys:
        if key[0] != scenario:
            continue
        o, os_ = stat(key, "ours", field)
        t, ts = stat(key, "piping-server", field)
        r, rs = stat(key, "relay", field)
        ratio = f"{o / t:.2f}" if o is not None and t else "-"
        print(f"{label + ' n=' + key[1]:<40} {os_:>28} {ts:>28} {rs:>24} {ratio:>11}")
if fails:
    print("\nRUNS WITH WRONG OR MISSING BYTES:")
    print("\n".join(fails))
    sys.exit(1)
PY
