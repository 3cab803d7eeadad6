# Sourced by the benchmark's server scripts (cohosted-server.sh, distributed-server.sh, lib/gateway-join.sh): the
# arguments they give the test hosts, so that the shapes and the joining gateway start their processes alike.

# Warning and above only: console logging on the server's core is part of what the harness measures.
QUIETLOG=(--Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning --Logging:LogLevel:Orleans=Warning)

# The thin shape's silo (TestSilo) in cluster $1 on silo port $2 and client gateway port $3: sets SILO_ARGS. With
# EVENT_LINK=1 (the default) it listens for its gateways' event links.
thin_silo_args() {
  SILO_ARGS=(--profile bench --Cluster:Clustering=Localhost --Cluster:ClusterId="$1" --Cluster:SiloPort="$2" --Cluster:GatewayPort="$3")
  [[ ${EVENT_LINK:-1} == 1 ]] && SILO_ARGS+=(--SocketIO:EventLink:Enabled=true --SocketIO:EventLink:ListenAddress=127.0.0.1)
  SILO_ARGS+=("${QUIETLOG[@]}")
}

# The thin shape's gateway (TestGateway as an Orleans client) of cluster $1 through the silo's client gateway port $2,
# serving HTTP on port $3: sets GW_ARGS. With EVENT_LINK=1 its events go in batches over the silo's event link.
thin_gateway_args() {
  GW_ARGS=(--profile bench --Cluster:Mode=Client --Cluster:Clustering=Localhost --Cluster:ClusterId="$1" --Cluster:ClientGatewayPort="$2"
    --urls "http://127.0.0.1:$3")
  [[ ${EVENT_LINK:-1} == 1 ]] && GW_ARGS+=(--SocketIO:EventBatching:Mode=Auto --SocketIO:EventBatching:Transport=EventLink)
  GW_ARGS+=("${QUIETLOG[@]}")
}
