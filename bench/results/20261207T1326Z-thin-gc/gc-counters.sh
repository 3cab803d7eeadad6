#!/usr/bin/env bash
# usage: gcthin.sh SHAPE RATE [VAR=value ...] -> per process: allocated bytes, gen0/gen1/gen2 GCs and pause per 10 s of echo_latency
SHAPE=$1; RATE=$2; shift 2
cd /work/main; BENCH=/work/main/bench; source bench/lib/shapes.sh
CMD=$(shape_cmd $SHAPE /work/main/.bench-work/publish); PORT=3194; H=/work/main/.bench-work/harness
env "$@" PORT=$PORT taskset -c 0 bash -c "exec $CMD" >/dev/null 2>&1 & SP=$!
for i in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
case $SHAPE in distributed) PIDS=$(pgrep -P "$SP" | while read -r k; do grep -qE "TestSilo|TestGateway" "/proc/$k/cmdline" && echo "$k"; done) ;; *) PIDS=$SP ;; esac
declare -A NAME; for p in $PIDS; do NAME[$p]=$(tr '\0' ' ' < /proc/$p/cmdline | grep -oE 'TestSilo|TestGateway' | head -1); done
cd $H; taskset -c 1 node load.js echo_latency --url http://127.0.0.1:$PORT --rate $RATE --warmup 5 --duration 22 > /tmp/prof/e.json 2>/dev/null & LP=$!
sleep 10
for p in $PIDS; do rm -f /tmp/prof/g.$p.csv; taskset -c 1 /tmp/tools/dotnet-counters collect -p $p --counters 'System.Runtime' --format csv -o /tmp/prof/g.$p.csv --refresh-interval 8 --duration 00:00:17 >/dev/null 2>&1 & done
wait $LP; sleep 2; kill $SP; wait $SP 2>/dev/null
for p in $PIDS; do echo "== ${NAME[$p]} $p"; grep -E "total_allocated|collections|pause" /tmp/prof/g.$p.csv | awk -F, '{print $3, $5}'; done
node -e 'const r=JSON.parse(require("fs").readFileSync("/tmp/prof/e.json","utf8").trim().split("\n").pop()); console.log("p50", r.metrics.p50_ms, "p99", r.metrics.p99_ms, "acks/s", r.metrics.achieved_per_s)'
