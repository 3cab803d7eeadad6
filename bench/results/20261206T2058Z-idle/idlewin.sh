#!/usr/bin/env bash
set -euo pipefail
P=/work/main/.bench-work/publish/gateway; PORT=3198
taskset -c 0 $P/OrleansSocket.TestGateway --contentRoot $P --profile bench --urls http://127.0.0.1:$PORT >/tmp/iw.log 2>&1 &
S=$!; trap 'kill -TERM $S; wait $S' EXIT
until curl -fs http://127.0.0.1:$PORT/health/ready >/dev/null 2>&1; do sleep 0.1; done
sleep 3
cpu() { awk '{print $14+$15}' /proc/$S/stat; }
out=""; c0=$(cpu)
for i in 1 2 3 4 5 6; do sleep 10; c=$(cpu); out+=" $(awk -v d=$((c-c0)) 'BEGIN{printf "%.1f", d/10}')"; c0=$c; done
echo "idle % per 10-s window from 3 s after ready:$out"
