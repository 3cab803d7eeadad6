#!/usr/bin/env bash
# The thin shape's other cold start: a fresh gateway process joining a silo that is already running, as an autoscaler
# adds gateways to a cluster whose silos stay up. Starts a test silo (as bench/distributed-server.sh does, pinned to the
# server CPUs) and a first gateway that it runs until /health/ready answers (so the silo's side of a gateway joining is
# warm: its client connection, lease, subscription and event link), stops that gateway, then times a fresh gateway's
# spawn to its first Socket.IO handshake with bench/lib/first-handshake.js (the gateway's process only: the silo's CPU
# is not in it, its wall time is), REPS times. Prints first-handshake.js's JSON lines, labelled LABEL.
#
#   GW_DIR=DIR SILO_DIR=DIR HARNESS=DIR bench/lib/gateway-join.sh LABEL [REPS]
#   env: PORT [3100], SERVER_CPUS [0], GEN_CPUS [1], READY_TIMEOUT [120], LOG [/dev/null: the silo's output]
set -euo pipefail
BENCH=$(cd "$(dirname "$0")/.." && pwd)
LABEL=${1:?usage: bench/lib/gateway-join.sh LABEL [REPS]}
REPS=${2:-1}
PORT=${PORT:-3100} SERVER_CPUS=${SERVER_CPUS:-0} GEN_CPUS=${GEN_CPUS:-1} READY_TIMEOUT=${READY_TIMEOUT:-120}
: "${GW_DIR:?}" "${SILO_DIR:?}" "${HARNESS:?}"
# shellcheck source=free-ports.sh
source "$BENCH/lib/free-ports.sh"
read -r SILO_PORT SILO_GATEWAY_PORT SILO_HTTP_PORT < <(free_ports 3)
[[ -n ${SILO_HTTP_PORT:-} ]] || { echo "gateway-join: no 3 free ports found" >&2; exit 2; }
CLUSTER_ID=join-$PORT-$$
# shellcheck source=server-args.sh
source "$BENCH/lib/server-args.sh"

# The silo and its gateways as bench/distributed-server.sh starts them; the silo's health probes on a port of its own.
thin_silo_args "$CLUSTER_ID" "$SILO_PORT" "$SILO_GATEWAY_PORT"
taskset -c "$SERVER_CPUS" "$SILO_DIR/OrleansSocket.TestSilo" --contentRoot "$SILO_DIR" "${SILO_ARGS[@]}" --urls "http://127.0.0.1:$SILO_HTTP_PORT" \
  >>"${LOG:-/dev/null}" 2>&1 &
SILO=$!
trap 'kill -TERM "$SILO" 2>/dev/null; wait "$SILO" 2>/dev/null || true' EXIT
t0=$SECONDS
until curl -fs "http://127.0.0.1:$SILO_HTTP_PORT/health/ready" >/dev/null 2>&1; do
  kill -0 "$SILO" 2>/dev/null || { echo "gateway-join: the silo exited during start" >&2; exit 1; }
  (( SECONDS - t0 < READY_TIMEOUT )) || { echo "gateway-join: the silo not ready after $READY_TIMEOUT s" >&2; exit 1; }
  sleep 0.1
done

# A command line for first-handshake.js, which sets PORT for each gateway it starts (no argument holds a space).
thin_gateway_args "$CLUSTER_ID" "$SILO_GATEWAY_PORT" '$PORT'
GW="$GW_DIR/OrleansSocket.TestGateway --contentRoot $GW_DIR ${GW_ARGS[*]}"
hs() { taskset -c "$GEN_CPUS" node "$BENCH/lib/first-handshake.js" --harness "$HARNESS" --port "$PORT" --server-cpus "$SERVER_CPUS" \
  --timeout "$READY_TIMEOUT" --kind cmd --cmd "$GW" "$@"; }
hs --label "$LABEL-first" --ready-path /health/ready >/dev/null   # the silo's first gateway, to readiness: not reported
for _ in $(seq 1 "$REPS"); do
  if [[ ${QUIET:-1} == 1 ]]; then node "$HARNESS/lib/quiet.js" --max-busy 20 --max-wait 60 >/dev/null || true; fi
  hs --label "$LABEL"
done
