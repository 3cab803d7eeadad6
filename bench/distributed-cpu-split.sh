#!/usr/bin/env bash
# The distributed target's CPU per echo_ack, split between its two processes (silo, gateway), for one gateway setting:
#
#   bench/distributed-cpu-split.sh RATE [GATEWAY_ARGS...]
#   e.g. bench/distributed-cpu-split.sh 20000 --SocketIO:EventBatching:Mode=Auto
#
# Starts bench/distributed-server.sh (both processes on CPU 0, the generator on CPU 1), runs the harness's
# echo_latency at RATE for 5 s unmeasured, then 10 s measured, and prints the CPU time (utime + stime from
# /proc/PID/stat) each process spent per ack in that window. Arguments after RATE go to both processes.
# Env: HARNESS [.bench-work/harness: the copy bench/run-all.sh prepares, with node_modules], PORT [3190],
# SILO_DIR / GW_DIR as for distributed-server.sh.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
RATE=${1:?usage: distributed-cpu-split.sh RATE [ARGS...]}
shift
HARNESS=${HARNESS:-$ROOT/.bench-work/harness}
PORT=${PORT:-3190}
[[ -f $HARNESS/load.js && -d $HARNESS/node_modules ]] || { echo "distributed-cpu-split: no harness with node_modules in $HARNESS (run bench/run-all.sh once, or set HARNESS)" >&2; exit 2; }

# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"
start_pinned_server "$BENCH/distributed-server.sh \$PORT $(printf "%q " "$@")" "/socket.io/?EIO=4&transport=polling" distributed-cpu-split
child() { for k in $(pgrep -P "$SERVER"); do grep -q "$1" "/proc/$k/cmdline" 2>/dev/null && { echo "$k"; return; }; done; }
SILO=$(child TestSilo) GW=$(child TestGateway)
[[ -n $SILO && -n $GW ]] || { echo "distributed-cpu-split: silo or gateway process not found" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

cd "$HARNESS"
taskset -c 1 node load.js echo_latency --url "http://127.0.0.1:$PORT" --rate "$RATE" --warmup 5 --duration 5 >/dev/null 2>&1
s0=$(cpu "$SILO") g0=$(cpu "$GW")
line=$(taskset -c 1 node load.js echo_latency --url "http://127.0.0.1:$PORT" --rate "$RATE" --warmup 0 --duration 10 2>/dev/null | tail -1)
s1=$(cpu "$SILO") g1=$(cpu "$GW")
node -e '
  const [silo, gw, ticks] = process.argv.slice(1, 4).map(Number), r = JSON.parse(process.argv[4]), n = r.metrics.n;
  const us = (t) => (t / ticks * 1e6 / n).toFixed(1);
  console.log(JSON.stringify({ rate: r.params.rate, acks: n, lost: r.metrics.lost, silo_us_per_ack: +us(silo), gateway_us_per_ack: +us(gw), args: process.argv.slice(5) }));
' "$((s1 - s0))" "$((g1 - g0))" "$(getconf CLK_TCK)" "$line" "$@"
