#!/usr/bin/env bash
# OrleansSocket, distributed shape, as ONE benchmark target: a test silo process (Tests/Hosts/TestSilo: grains +
# the bench handlers) and a test gateway process (Tests/Hosts/TestGateway) in Orleans client mode, both children of this script, which waits on them so
# that the harness (which measures the whole process tree of what it started) sees both.
#
#   bench/distributed-server.sh PORT        (PORT: the gateway's HTTP port on 127.0.0.1; default $PORT or 3100)
#
# Needs the Release build (dotnet build OrleansSocket.sln -c Release), or SILO_DIR / GW_DIR pointing elsewhere
# (bench/run-all.sh BUILD=publish passes bench/publish.sh's output). Ports of the silo (silo-to-silo and
# client gateway) are taken free at start, so several instances or other silos on the box do not clash;
# set SILO_PORT / SILO_GATEWAY_PORT to fix them. The two processes use localhost clustering.
# On TERM/INT/EXIT both children are stopped (TERM, then KILL after 4 s); if either exits, so does the other.
# Extra arguments after PORT go to both processes (e.g. --Logging:LogLevel:Default=Information).
# The gateway sends its sockets' events in batches over the silo's event link (SocketIO:EventLink), the thin shape's
# measured best (docs/performance.md, "Thin gateway: batches over the silo's event link"); EVENT_LINK=0: one grain call
# per event, the library's default. SILO_ENV / GW_ENV: VAR=value ... set for that process only (A/Bs of runtime
# settings on one side).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${1:-${PORT:-3100}}
shift || true
CONFIG=${CONFIG:-Release}
SILO_DIR=${SILO_DIR:-$ROOT/Tests/Hosts/TestSilo/bin/$CONFIG/net10.0}
GW_DIR=${GW_DIR:-$ROOT/Tests/Hosts/TestGateway/bin/$CONFIG/net10.0}
for f in "$SILO_DIR/OrleansSocket.TestSilo" "$GW_DIR/OrleansSocket.TestGateway"; do
  [[ -x $f ]] || { echo "distributed-server: $f missing; run: dotnet build $ROOT/OrleansSocket.sln -c $CONFIG (or set SILO_DIR / GW_DIR)" >&2; exit 2; }
done

# shellcheck source=lib/free-ports.sh
source "$ROOT/bench/lib/free-ports.sh"
read -r FREE1 FREE2 < <(free_ports 2)
[[ -n ${FREE2:-} ]] || { echo "distributed-server: no 2 free ports found" >&2; exit 2; }
SILO_PORT=${SILO_PORT:-$FREE1}
SILO_GATEWAY_PORT=${SILO_GATEWAY_PORT:-$FREE2}
[[ $SILO_GATEWAY_PORT != "$SILO_PORT" ]] || { echo "distributed-server: SILO_PORT and SILO_GATEWAY_PORT are both $SILO_PORT" >&2; exit 2; }
# Same cluster id on both sides, unique per instance so that nothing else on the box can join it.
CLUSTER_ID=bench-$PORT-$$
# shellcheck source=lib/server-args.sh
source "$ROOT/bench/lib/server-args.sh"

SILO_PID="" GW_PID=""
stop_children() {
  trap - TERM INT EXIT
  local p
  for p in $GW_PID $SILO_PID; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for p in $GW_PID $SILO_PID; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for p in $GW_PID $SILO_PID; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "${READY:-}"
}
trap 'stop_children; exit 143' TERM
trap 'stop_children; exit 130' INT
trap 'stop_children' EXIT

# The silo writes a line to this FIFO once it has started and its client gateway listens (TestSilo's --Bench:ReadyFile);
# the gateway starts then. Started earlier, its Orleans client's first connection is refused and the silo's endpoint is
# not tried again for Orleans' ConnectionRetryDelay, a second (docs/performance.md, "Cold start of the cluster shapes").
# Waiting on the FIFO takes none of the core the two processes start on; polling the port with `ss` took 4 ms a poll.
thin_silo_args "$CLUSTER_ID" "$SILO_PORT" "$SILO_GATEWAY_PORT"
thin_gateway_args "$CLUSTER_ID" "$SILO_GATEWAY_PORT" "$PORT"
READY=$(mktemp -u "${TMPDIR:-/tmp}/distributed-server.XXXXXX")
mkfifo -m 600 "$READY"
exec 3<>"$READY" # read-write: neither this open nor the silo's blocks, and a read can time out

env ${SILO_ENV:-} "$SILO_DIR/OrleansSocket.TestSilo" --contentRoot "$SILO_DIR" "${SILO_ARGS[@]}" --Bench:ReadyFile="$READY" "$@" &
SILO_PID=$!

t0=$SECONDS
until read -r -t 1 _ <&3; do
  kill -0 "$SILO_PID" 2>/dev/null || { echo "distributed-server: the silo exited during start" >&2; exit 1; }
  (( SECONDS - t0 < 60 )) || { echo "distributed-server: the silo had not started after 60 s" >&2; exit 1; }
done
exec 3<&-
rm -f "$READY"

env ${GW_ENV:-} "$GW_DIR/OrleansSocket.TestGateway" --contentRoot "$GW_DIR" "${GW_ARGS[@]}" "$@" &
GW_PID=$!
echo "distributed-server: silo pid $SILO_PID (silo port $SILO_PORT, gateway port $SILO_GATEWAY_PORT), gateway pid $GW_PID on 127.0.0.1:$PORT" >&2

# Until one of them ends (or a signal arrives: the traps above stop both).
set +e
wait -n "$SILO_PID" "$GW_PID"
rc=$?
echo "distributed-server: a child exited ($rc); stopping the other" >&2
exit "$rc"
