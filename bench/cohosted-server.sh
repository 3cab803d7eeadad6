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
# anywhere in the cluster. The first gateway listens before the second has started: a cold run's first
# connections all reach it.
#
# Needs the Release build (dotnet build OrleansSocket.sln -c Release) or GW_DIR pointing elsewhere, and
# redis-server on the PATH. On TERM/INT/EXIT every child is stopped (TERM, then KILL after 4 s); if one
# exits, so do the others. Extra arguments after PORT go to both gateways.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${1:-${PORT:-3100}}
shift || true
CONFIG=${CONFIG:-Release}
GW_DIR=${GW_DIR:-$ROOT/Tests/Hosts/TestGateway/bin/$CONFIG/net10.0}
[[ -x $GW_DIR/OrleansSocket.TestGateway ]] || { echo "cohosted-server: $GW_DIR/OrleansSocket.TestGateway missing; run: dotnet build $ROOT/OrleansSocket.sln -c $CONFIG (or set GW_DIR)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "cohosted-server: redis-server not found (Debian package redis-server)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
REDIS_PORT=${REDIS_PORT:-$(free_port)}
CLUSTER_ID=bench-$PORT-$$
QUIETLOG=(--Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning --Logging:LogLevel:Orleans=Warning)

PIDS=()
stop_children() {
  trap - TERM INT EXIT
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_children; exit 143' TERM
trap 'stop_children; exit 130' INT
trap 'stop_children' EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >&2 &
PIDS+=($!)
t0=$SECONDS
until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
  (( SECONDS - t0 < 20 )) || { echo "cohosted-server: redis-server not answering on $REDIS_PORT" >&2; exit 1; }
  sleep 0.05
done

# Each gateway also listens on a port of its own, which it advertises: the relay of a session's requests to the
# gateway holding it must reach that gateway, not whichever the shared port picks.
for n in 1 2; do
  OWN_PORT=$(free_port) SILO_PORT=$(free_port) SILO_GATEWAY_PORT=$(free_port)
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
