#!/usr/bin/env bash
# Idle CPU of one server: start it as the harness's run.sh does (pinned to SERVER_CPUS, whole process tree),
# wait until it answers an Engine.IO handshake (and, with READY_PATH, until that path answers 200: a server that warms
# up after it answers, SocketIO:WarmUp, is idle only after that; then until the box is quiet), let it settle, then
# measure IDLE_SECONDS with no client.
#
#   bench/idle-cpu.sh HARNESS_DIR LABEL TARGET        TARGET: node | flask | cmd (with SERVER_CMD, like run.sh)
#
# Env: PORT [3100], OUT (JSON line appended; also printed), LOGDIR, PIN [1], SERVER_CPUS [0], GEN_CPUS [1],
#      IDLE_SECONDS [10], IDLE_SETTLE [3], QUIET [1] / QUIET_MAX_BUSY [20] / QUIET_MAX_S [90], READY_TIMEOUT [60],
#      READY_PATH [none; e.g. /health/ready].
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
HARNESS=$(cd "$1" && pwd); LABEL=$2; TARGET=$3
export PORT=${PORT:-3100}
PIN=${PIN:-1}; SERVER_CPUS=${SERVER_CPUS:-0}; GEN_CPUS=${GEN_CPUS:-1}
IDLE_SECONDS=${IDLE_SECONDS:-10}; IDLE_SETTLE=${IDLE_SETTLE:-3}
QUIET=${QUIET:-1}; QUIET_MAX_BUSY=${QUIET_MAX_BUSY:-20}; QUIET_MAX_S=${QUIET_MAX_S:-90}
READY_TIMEOUT=${READY_TIMEOUT:-60}
LOGDIR=${LOGDIR:-$HARNESS/results/logs}; mkdir -p "$LOGDIR"
OUT=${OUT:-/dev/null}
case $TARGET in
  node)  SERVER=(node "$HARNESS/peers/node-server.js" "$PORT") ;;
  flask) SERVER=(/usr/bin/python3 "$HARNESS/peers/flask_server.py" "$PORT") ;;
  cmd)   [[ -n "${SERVER_CMD:-}" ]] || { echo "TARGET=cmd needs SERVER_CMD" >&2; exit 2; }
         SERVER=(bash -c "exec $SERVER_CMD") ;;
  *) echo "unknown TARGET $TARGET" >&2; exit 2 ;;
esac
TS=(); GTS=()
if [[ $PIN == 1 ]]; then TS=(taskset -c "$SERVER_CPUS"); GTS=(taskset -c "$GEN_CPUS"); fi

SPID=""
descendants() { local p=$1 k; for k in $(awk -v pp="$p" '{ if ($4 == pp) print $1 }' /proc/[0-9]*/stat 2>/dev/null || true); do descendants "$k"; echo "$k"; done; }
stop_server() {
  [[ -n "$SPID" ]] || return 0
  local kids; kids=$(descendants "$SPID" || true)
  kill -TERM "$SPID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SPID" 2>/dev/null || true
  wait "$SPID" 2>/dev/null || true
  for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
  SPID=""
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

if ss -ltn "sport = :$PORT" | grep -q LISTEN; then echo "port $PORT already in use" >&2; exit 1; fi
if [[ $QUIET == 1 ]]; then node "$HARNESS/lib/quiet.js" --max-busy "$QUIET_MAX_BUSY" --max-wait "$QUIET_MAX_S" >/dev/null; fi
log="$LOGDIR/${LABEL}-idle-server.log"
"${TS[@]}" "${SERVER[@]}" >>"$log" 2>&1 &
SPID=$!
t0=$SECONDS
while :; do
  kill -0 "$SPID" 2>/dev/null || { echo "server exited early; tail of $log:" >&2; tail -20 "$log" >&2; SPID=""; exit 1; }
  body=$(curl -s -m 2 "http://127.0.0.1:$PORT/socket.io/?EIO=4&transport=polling" || true)
  if [[ $body == 0\{* ]]; then
    sid=$(sed -E 's/^0\{"sid":"([^"]+)".*/\1/' <<<"$body")
    curl -s -m 2 -X POST -H 'Content-Type: text/plain;charset=UTF-8' --data '1' \
      "http://127.0.0.1:$PORT/socket.io/?EIO=4&transport=polling&sid=$sid" >/dev/null || true
    break
  fi
  (( SECONDS - t0 <= READY_TIMEOUT )) || { echo "server not ready after ${READY_TIMEOUT}s" >&2; exit 1; }
  sleep 0.2
done
if [[ -n "${READY_PATH:-}" ]]; then
  until [[ $(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$READY_PATH" || true) == 200 ]]; do
    (( SECONDS - t0 <= READY_TIMEOUT )) || { echo "$READY_PATH not 200 after ${READY_TIMEOUT}s" >&2; exit 1; }
    sleep 0.2
  done
  # A co-hosted pair answers READY_PATH from the first gateway while the second (started once the first is ready)
  # may still be starting and warming up: wait for the box to be quiet again, as run.sh does before a scenario.
  if [[ $QUIET == 1 ]]; then node "$HARNESS/lib/quiet.js" --max-busy "$QUIET_MAX_BUSY" --max-wait "$QUIET_MAX_S" >/dev/null; fi
fi
sleep "$IDLE_SETTLE"
line=$("${GTS[@]}" node "$HERE/lib/idle.js" --harness "$HARNESS" --pid "$SPID" --seconds "$IDLE_SECONDS" --label "$LABEL") || true
[[ -n "$line" ]] || line="{\"scenario\":\"idle\",\"label\":\"$LABEL\",\"ok\":false,\"error\":\"idle.js failed\"}"
echo "$line" | tee -a "$OUT"
