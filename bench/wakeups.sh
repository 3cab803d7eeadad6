#!/usr/bin/env bash
# System calls, context switches and CPU per echo_ack of each server process, at one rate: what an event costs in
# wake-ups, where the CPU per ack at low rates goes.
#
#   bench/wakeups.sh TARGET RATE        TARGET: node | embedded | distributed
#
# Starts the target pinned to CPU 0 (published images in .bench-work/publish, as bench/run-all.sh runs them; the
# test hosts' bench profile, so a .NET server first warms up and is measured once /health/ready answers), runs the
# harness's echo_latency at RATE on CPU 1 for 5 s unmeasured, then for 10 s while `perf stat` counts each server
# process (tracepoints syscalls:sys_enter_*, context-switches, task-clock), and prints one JSON line per process:
# counts per ack. Needs perf with tracepoint access (root).
# Env: HARNESS [.bench-work/harness], PUBLISH [.bench-work/publish], PORT [3191], DURATION [10].
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
TARGET=${1:?usage: wakeups.sh node|embedded|distributed RATE}
RATE=${2:?usage: wakeups.sh node|embedded|distributed RATE}
HARNESS=${HARNESS:-$ROOT/.bench-work/harness}
PUBLISH=${PUBLISH:-$ROOT/.bench-work/publish}
PORT=${PORT:-3191}
DURATION=${DURATION:-10}
[[ -f $HARNESS/load.js && -d $HARNESS/node_modules ]] || { echo "wakeups: no harness with node_modules in $HARNESS (run bench/run-all.sh once)" >&2; exit 2; }
command -v perf >/dev/null || { echo "wakeups: perf not found" >&2; exit 2; }

# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"
case $TARGET in
  node) CMD="node $HARNESS/peers/node-server.js \$PORT" ;;
  embedded|distributed) CMD=$(shape_cmd "$TARGET" "$PUBLISH") ;;
  *) echo "wakeups: unknown target $TARGET" >&2; exit 2 ;;
esac
ready="/socket.io/?EIO=4&transport=polling"
[[ $TARGET == node ]] || ready=/health/ready
start_pinned_server "$CMD" "$ready" wakeups
case $TARGET in
  distributed) PIDS=$(pgrep -P "$SERVER" | while read -r k; do grep -qE "TestSilo|TestGateway" "/proc/$k/cmdline" && echo "$k"; done) ;;
  *) PIDS=$SERVER ;;
esac

cd "$HARNESS"
taskset -c 1 node load.js echo_latency --url "http://127.0.0.1:$PORT" --rate "$RATE" --warmup 5 --duration 5 >/dev/null 2>&1
EVENTS=syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendmsg,syscalls:sys_enter_recvmsg,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_read,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_futex,context-switches,task-clock
OUT=$(mktemp -d)
for p in $PIDS; do
  taskset -c 1 perf stat -x, -e "$EVENTS" -p "$p" -o "$OUT/$p.csv" -- sleep "$DURATION" &
done
line=$(taskset -c 1 node load.js echo_latency --url "http://127.0.0.1:$PORT" --rate "$RATE" --warmup 0 --duration "$DURATION" 2>/dev/null | tail -1)
wait $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true
for p in $PIDS; do
  name=$(tr '\0' ' ' < "/proc/$p/cmdline" | grep -oE "TestSilo|TestGateway|node-server" | head -1)
  node -e '
    const fs = require("fs");
    const [file, name, target, lineText] = process.argv.slice(1);
    const r = JSON.parse(lineText), acks = r.metrics.n, out = { target, process: name, rate: r.params.rate, acks };
    for (const row of fs.readFileSync(file, "utf8").split("\n")) {
      const f = row.split(",");
      if (f.length < 3 || row.startsWith("#")) continue;
      const value = Number(f[0]), event = f[2].replace("syscalls:sys_enter_", "");
      if (!Number.isFinite(value)) continue;
      out[event === "task-clock" ? "cpu_us" : event] = +(event === "task-clock" ? value * 1000 / acks : value / acks).toFixed(3);
    }
    console.log(JSON.stringify(out));
  ' "$OUT/$p.csv" "${name:-$TARGET}" "$TARGET" "$line"
done
rm -rf "$OUT"
