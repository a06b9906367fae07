#!/usr/bin/env bash
# The replay recipe on one machine: eight receivers and one sender on one pipe, then a check that every receiver
# got every byte. The sender replays the log at its own timing with the pipe command (pipe-client/target/pipe.jar,
# built by mvn package), SPEED times faster (default 10: the sample spans 2 min 23 s); without the jar, at 50 KB/s
# with pv.
# Usage: examples/replay/replay.sh [BASE_URL] [LOG_FILE]
#   BASE_URL defaults to http://127.0.0.1:8080/api/v1/pipe (start the server first: see README.md)
set -euo pipefail
base="${1:-http://127.0.0.1:8080/api/v1/pipe}"
log="${2:-$(dirname "$0")/incident-2026-05-04.log}"
pipe_jar="$(dirname "$0")/../../pipe-client/target/pipe.jar"
out="$(mktemp -d)"
url="$base/replay-$$?n=8"

for i in 1 2 3 4 5 6 7 8; do
  curl -sS "$url" > "$out/reader-$i.log" &
done
# the readers wait for each other and for the sender; the sender may come first or last
if [ -f "$pipe_jar" ]; then
  java -jar "$pipe_jar" replay "$log" "$url" --speed "${SPEED:-10}"
else
  cat "$log" | pv -q -L 50k | curl -sS -T - "$url"
fi
wait

for i in 1 2 3 4 5 6 7 8; do
  cmp -s "$log" "$out/reader-$i.log" && echo "reader $i: identical" || echo "reader $i: DIFFERENT"
done
rm -r "$out"
