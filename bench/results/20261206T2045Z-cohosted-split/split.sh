#!/usr/bin/env bash
# usage: split.sh embedded|cohosted RATE
set -euo pipefail
ROOT=/work/main; H=$ROOT/.bench-work/harness; P=$ROOT/.bench-work/publish/gateway; PORT=3195
case $1 in
  embedded) taskset -c 0 $P/OrleansSocket.TestGateway --contentRoot $P --profile bench --urls http://127.0.0.1:$PORT >/tmp/split-srv.log 2>&1 & ;;
  cohosted) GW_DIR=$P taskset -c 0 $ROOT/bench/cohosted-server.sh $PORT >/tmp/split-srv.log 2>&1 & ;;
esac
S=$!
trap 'kill $S 2>/dev/null; sleep 3; pkill -f "urls http://127.0.0.1:$PORT" 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
# the co-hosted pair: wait for both to be ready (the second starts after the first)
sleep 16
desc() { local p=$1; for k in $(pgrep -P $p); do echo $k; desc $k; done; }
PIDS=$( (echo $S; desc $S) | sort -u)
cpu() { for p in $PIDS; do [[ -r /proc/$p/stat ]] && echo "$p $(awk '{print $14+$15}' /proc/$p/stat) $(tr '\0' ' ' </proc/$p/cmdline | cut -c1-60)"; done; }
cd $H
taskset -c 1 node load.js echo_latency --url http://127.0.0.1:$PORT --rate $2 --warmup 0 --duration 5 >/dev/null 2>&1
cpu > /tmp/c0
line=$(taskset -c 1 node load.js echo_latency --url http://127.0.0.1:$PORT --rate $2 --warmup 0 --duration 10 2>/dev/null | tail -1)
cpu > /tmp/c1
n=$(node -e 'const r=JSON.parse(process.argv[1]);console.log(r.metrics.n ?? Math.round(r.metrics.acks_per_s*10))' "$line")
tot=0
while read -r p a rest; do b=$(awk -v p=$p '$1==p{print $2}' /tmp/c1); [[ -z $b ]] && continue; d=$((b-a)); [[ $d == 0 ]] && continue
  echo "$1 $2 pid=$p us_per_ack=$(awk -v d=$d -v n=$n 'BEGIN{printf "%.1f", d*10000/n}') $rest"; tot=$((tot+d)); done < /tmp/c0
echo "$1 $2 total us_per_ack=$(awk -v d=$tot -v n=$n 'BEGIN{printf "%.1f", d*10000/n}') n=$n other=$(node -e 'console.log(JSON.parse(process.argv[1]).metrics.other_cpu_pct)' "$line")"
