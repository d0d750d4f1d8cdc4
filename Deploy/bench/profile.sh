#!/usr/bin/env bash
# Where a worker's time goes: runs one throughput phase of the benchmark (new users, one copy
# of each worker) and samples the workers with perf while they drain the backlog, then prints
# each worker's hottest call paths (inclusive) and hottest functions (self).
#
#   bash Deploy/bench/profile.sh [EVENTS (default 8000)] [SECONDS (default 10)] [MIX: new|returning]
#
# With new users the sender idles at first (the user service's answers queue behind the whole
# backlog in mailroom.ingest): profile the sender with the returning mix.
#
# perf must be able to sample (linux-perf; the cpu-clock software event is enough, hardware
# counters are not needed). Output in /tmp/mailroom-bench/profile/.
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-8000}
seconds=${2:-10}
mix=${3:-new}
out=/tmp/mailroom-bench/profile
mkdir -p "$out"
scratch=${MAILROOM_BENCH_SCRATCH:-$(pwd)/.build}

bash Deploy/bench/run.sh --events "$events" --copies 1 --only throughput >"$out/run.md" 2>"$out/run.log" &
bench=$!

# The workers start once the backlog is published; wait for the one of the wanted mix.
phase=1
[ "$mix" = returning ] && phase=2
for _ in $(seq 1 600); do
    grep -q "phase $phase:" "$out/run.log" 2>/dev/null && pgrep -f "$scratch/.*/release/mailroom-sender" >/dev/null && break
    sleep 0.5
done
sleep 1
pids=$(pgrep -d, -f "$scratch/.*/release/mailroom-(ingest|engine|sender)")
echo "profile: sampling workers $pids for $seconds s" >&2
perf record -F 999 -g -p "$pids" -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.log" >/dev/null
wait "$bench" || true

for worker in ingest engine sender; do
    {
        echo "## mailroom-$worker: inclusive (children), top call paths"
        perf report -i "$out/perf.data" --comm "mailroom-$worker" --percentage relative --children --sort sym \
            --stdio -g none 2>/dev/null | grep -v -e '^#' -e '^$' | head -60 || true
        echo "## mailroom-$worker: self"
        perf report -i "$out/perf.data" --comm "mailroom-$worker" --percentage relative --no-children --sort dso,sym \
            --stdio -g none 2>/dev/null | grep -v -e '^#' -e '^$' | head -30 || true
    } >"$out/$worker.txt"
done
echo "profile: reports in $out/{ingest,engine,sender}.txt, the bench's table in $out/run.md" >&2
