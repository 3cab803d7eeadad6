#!/usr/bin/env bash
# OrleansSocket, co-hosted cluster shape, as ONE benchmark target: two test gateway processes
# (Tests/Hosts/TestGateway, bench profile), each also a silo (Orleans' ASP.NET Core co-hosting), clustered
# through a redis-server (Debian) started here, all children of this script, which waits on them so that the
# harness (which measures the whole process tree of what it started) sees all three.
#
#   bench/cohosted-server.sh PORT        (PORT: the shared HTTP port on 127.0.0.1; default $PORT or 3100)
#
# Both gateways listen on PORT with SO_REUSEPORT (`--Bench:ReusePort=true`), so the kernel spreads the
# connections over them as a load balancer would, without a proxy process whose CPU would be counted; no
# sticky sessions are needed (a polling session's requests reaching the other gateway are relayed).
# Socket grains are placed on the silo of the gateway holding the connection; rooms, users and namespaces
# anywhere in the cluster. The second gateway starts once the first reports ready (below): a cold run's first
# connections all reach the first.
#
# Needs the Release build (dotnet build OrleansSocket.sln -c Release) or GW_DIR pointing elsewhere, and
# redis-server on the PATH. On TERM/INT/EXIT every child is stopped (TERM, then KILL after 4 s); if one
# exits, so do the others (the gateways before Redis). Extra arguments after PORT go to both gateways.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${1:-${PORT:-3100}}
shift || true
CONFIG=${CONFIG:-Release}
READY_POLL_S=${READY_POLL_S:-0.25}
GW_DIR=${GW_DIR:-$ROOT/Tests/Hosts/TestGateway/bin/$CONFIG/net10.0}
[[ -x $GW_DIR/OrleansSocket.TestGateway ]] || { echo "cohosted-server: $GW_DIR/OrleansSocket.TestGateway missing; run: dotnet build $ROOT/OrleansSocket.sln -c $CONFIG (or set GW_DIR)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "cohosted-server: redis-server not found (Debian package redis-server)" >&2; exit 2; }

# Redis's port, then each gateway's own HTTP, silo and silo gateway ports.
# shellcheck source=lib/free-ports.sh
source "$ROOT/bench/lib/free-ports.sh"
read -r -a FREE < <(free_ports 7)
(( ${#FREE[@]} == 7 )) || { echo "cohosted-server: no 7 free ports found" >&2; exit 2; }
REDIS_PORT=${REDIS_PORT:-${FREE[0]}}
CLUSTER_ID=bench-$PORT-$$
# shellcheck source=lib/server-args.sh
source "$ROOT/bench/lib/server-args.sh"

PIDS=()
# The gateways first, Redis once they are gone: a gateway that stops gives its lease back and leaves the cluster
# through Redis (stopped together, each logged a dozen failed writes to a Redis already gone).
stop_some() {
  local p
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for p in "$@"; do kill -KILL "$p" 2>/dev/null || true; done
}
stop_children() {
  trap - TERM INT EXIT
  (( ${#PIDS[@]} > 1 )) && stop_some "${PIDS[@]:1}"
  (( ${#PIDS[@]} > 0 )) && stop_some "${PIDS[0]}"
  wait 2>/dev/null || true
}
trap 'stop_children; exit 143' TERM
trap 'stop_children; exit 130' INT
trap 'stop_children' EXIT

# Sends $2 (backslash escapes expanded) to 127.0.0.1:$1 and sets `reply` to the first line answered, over bash's
# /dev/tcp: no process started per poll on the server's core. False when nothing listens there.
reply=""
ask() {
  reply=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf '%b' "$2" >&3
  IFS= read -r -t 5 reply <&3 || true
  exec 3<&- 3>&-
}

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >&2 &
PIDS+=($!)
# Redis answers PING; polled every 5 ms: a `redis-cli` per poll is a process start on the server's core, and its
# 50-ms poll came late (docs/performance.md, "Cold start of the cluster shapes").
pong() { ask "$1" 'PING\r\n' && [[ $reply == "+PONG"* ]]; }
t0=$SECONDS
until pong "$REDIS_PORT"; do
  (( SECONDS - t0 < 20 )) || { echo "cohosted-server: redis-server not answering on $REDIS_PORT" >&2; exit 1; }
  sleep 0.005
done

# Each gateway also listens on a port of its own, which it advertises: the relay of a session's requests to the
# gateway holding it must reach that gateway, not whichever the shared port picks.
# The second gateway starts once the first reports ready (GET /health/ready on its own port: silo active, lease
# taken, Redis answering), as a rolling deployment starts the next node; started together on the one core, each
# started at half speed and the first handshake waited for the slower (docs/performance.md, "Cold start of the
# cluster shapes"). Polled with `ask`.
ready() { ask "$1" 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' && [[ $reply == "HTTP/1."?" 200"* ]]; }
for n in 1 2; do
  OWN_PORT=${FREE[3*n-2]} SILO_PORT=${FREE[3*n-1]} SILO_GATEWAY_PORT=${FREE[3*n]}
  if (( n == 2 )); then
    t0=$SECONDS
    until ready "$FIRST_OWN_PORT"; do
      kill -0 "${PIDS[1]}" 2>/dev/null || { echo "cohosted-server: the first gateway exited during start" >&2; exit 1; }
      (( SECONDS - t0 < 60 )) || { echo "cohosted-server: the first gateway not ready on $FIRST_OWN_PORT after 60 s" >&2; exit 1; }
      sleep "$READY_POLL_S"
    done
  fi
  FIRST_OWN_PORT=${FIRST_OWN_PORT:-$OWN_PORT}
  "$GW_DIR/OrleansSocket.TestGateway" --contentRoot "$GW_DIR" --profile bench --Bench:ReusePort=true \
    --Cluster:Clustering=Redis --Cluster:RedisConnectionString="127.0.0.1:$REDIS_PORT" --Cluster:ClusterId="$CLUSTER_ID" \
    --Cluster:AdvertisedIPAddress=127.0.0.1 --Cluster:SiloPort="$SILO_PORT" --Cluster:GatewayPort="$SILO_GATEWAY_PORT" --SocketIO:AdvertisedUrl="http://127.0.0.1:$OWN_PORT" \
    --urls "http://127.0.0.1:$PORT;http://127.0.0.1:$OWN_PORT" "${QUIETLOG[@]}" "$@" &
  PIDS+=($!)
done
echo "cohosted-server: redis pid ${PIDS[0]} (port $REDIS_PORT), gateways ${PIDS[1]} and ${PIDS[2]} sharing 127.0.0.1:$PORT" >&2

set +e
wait -n "${PIDS[@]}"
rc=$?
echo "cohosted-server: a child exited ($rc); stopping the others" >&2
exit "$rc"
