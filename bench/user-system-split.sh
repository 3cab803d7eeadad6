#!/usr/bin/env bash
# A server's CPU per operation split into user and system (kernel) time: what part of a scenario's cost is the
# kernel's work that every server pays (a loopback `send` also pays the receiving side's TCP processing).
#
#   bench/user-system-split.sh TARGET SCENARIO [LOAD_ARGS...]      TARGET: node | embedded
#   e.g. bench/user-system-split.sh embedded broadcast --n 1000 --rate 40
#
# Starts the target pinned to CPU 0 (the published image in PUBLISH, as bench/run-all.sh runs it), runs the
# harness's SCENARIO on CPU 1 with 5 s of warm-up and DURATION s measured, reads utime and stime of the server from
# /proc/PID/stat over the middle 10 s of the measured window, and prints one JSON line: user and system µs per
# operation (per delivery for broadcast, per ack for echo), with the run's p50 / p99.
# Env: HARNESS [.bench-work/harness], PUBLISH [.bench-work/publish, absolute or from the repository], PORT [3192],
# DURATION [22].
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
TARGET=${1:?usage: user-system-split.sh node|embedded SCENARIO [LOAD_ARGS...]}
SCENARIO=${2:?usage: user-system-split.sh node|embedded SCENARIO [LOAD_ARGS...]}
shift 2
HARNESS=${HARNESS:-$ROOT/.bench-work/harness}
PUBLISH=$(cd "$ROOT" && cd "${PUBLISH:-.bench-work/publish}" && pwd)
PORT=${PORT:-3192}
DURATION=${DURATION:-22}
(( DURATION >= 14 )) || { echo "user-system-split: DURATION must be at least 14 s" >&2; exit 2; }
[[ -f $HARNESS/load.js && -d $HARNESS/node_modules ]] || { echo "user-system-split: no harness with node_modules in $HARNESS (run bench/run-all.sh once)" >&2; exit 2; }

# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"
case $TARGET in
  node) CMD="node $HARNESS/peers/node-server.js \$PORT"; READY="/socket.io/?EIO=4&transport=polling" ;;
  embedded) CMD=$(shape_cmd embedded "$PUBLISH"); READY=/health/ready ;;
  *) echo "user-system-split: unknown target $TARGET (node or embedded: one process)" >&2; exit 2 ;;
esac
start_pinned_server "$CMD" "$READY" user-system-split

OUT=$(mktemp)
(cd "$HARNESS" && taskset -c 1 node load.js "$SCENARIO" --url "http://127.0.0.1:$PORT" --warmup 5 --duration "$DURATION" "$@" >"$OUT" 2>/dev/null) &
LOAD=$!
# The measured window starts after the harness's connect and warm-up; the split is read over its middle 10 s.
sleep $((5 + (DURATION - 10) / 2 + 3))
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$SERVER/stat")
sleep 10
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$SERVER/stat")
wait "$LOAD"
node -e '
  const [target, user, system, ticks, file] = process.argv.slice(1);
  const r = JSON.parse(require("fs").readFileSync(file, "utf8").trim().split("\n").pop());
  const perS = r.metrics.deliveries_per_s ?? r.metrics.acks_per_s ?? r.metrics.achieved_per_s;
  const us = (t) => +(t / ticks * 1e6 / (perS * 10)).toFixed(2);
  console.log(JSON.stringify({ target, scenario: r.scenario, params: { n: r.params.n, rate: r.params.rate },
    user_us: us(user), system_us: us(system), per_s: perS, p50_ms: r.metrics.p50_ms, p99_ms: r.metrics.p99_ms, lost: r.metrics.lost }));
' "$TARGET" "$((u1 - u0))" "$((s1 - s0))" "$(getconf CLK_TCK)" "$OUT"
rm -f "$OUT"
