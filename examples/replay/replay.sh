#!/usr/bin/env bash
# The replay recipe on one machine: eight receivers and one rate-limited sender on one pipe.
# Usage: examples/replay/replay.sh [BASE_URL] [LOG_FILE]
#   BASE_URL defaults to http://127.0.0.1:8080/api/v1/pipe (start the server first: see README.md)
set -euo pipefail
base="${1:-http://127.0.0.1:8080/api/v1/pipe}"
log="${2:-$(dirname "$0")/incident-2026-05-04.log}"
out="$(mktemp -d)"
url="$base/replay-$$?n=8"

for i in 1 2 3 4 5 6 7 8; do
  curl -sS "$url" > "$out/reader-$i.log" &
done
# the readers wait for each other and for the sender; the sender may come first or last
cat "$log" | pv -q -L 50k | curl -sS -T - "$url"
wait

for i in 1 2 3 4 5 6 7 8; do
  cmp -s "$log" "$out/reader-$i.log" && echo "reader $i: identical" || echo "reader $i: DIFFERENT"
done
rm -r "$out"
