#!/usr/bin/env bash
# Durable submit throughput and latency: wrk posts a 1 KiB PDF to a real docket over loopback,
# once with fsync before 202 (the default) and once without, and prints both and their ratio.
# Usage: bench/intake.sh [seconds=10] [connections=64]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
scripts/setup
work=$(mktemp -d); echo "work dir: $work" >&2
trap 'kill $(jobs -p) 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
python3 bench/make_pdf.py "docket intake bench" 1024 > "$work/doc.pdf"

run() { # $1 = fsync true|false
  local dir="$work/data-$1"
  local key
  key=$(build/docket keys create --data-dir "$dir" 2>/dev/null)
  build/docket serve --data-dir "$dir" --listen 127.0.0.1:0 --fsync="$1" --max-queue-depth 100000000 \
    > "$work/serve-$1.out" 2> "$work/serve-$1.err" &
  local pid=$!
  for _ in $(seq 100); do grep -q listening "$work/serve-$1.out" 2>/dev/null && break; sleep 0.1; done
  local url
  url=$(grep -o 'http://[0-9.:]*' "$work/serve-$1.out")
  DOCKET_KEY=$key DOCKET_BENCH_FILE="$work/doc.pdf" wrk -t1 -c"$conns" -d"${secs}s" -s bench/submit.lua "$url" \
    | grep '^RESULT' | sed "s/^RESULT/fsync=$1/"
  kill -TERM $pid; wait $pid || true
}

a=$(run true)
b=$(run false)
echo "$a"
echo "$b"
ra=$(sed -E 's/.* rps=([0-9]+).*/\1/' <<<"$a")
rb=$(sed -E 's/.* rps=([0-9]+).*/\1/' <<<"$b")
awk -v a="$ra" -v b="$rb" 'BEGIN { printf "durable/non-durable throughput ratio: %.2f\n", a / b }'
