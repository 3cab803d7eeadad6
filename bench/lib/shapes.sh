# Sourced by run-all.sh, the A/B scripts (shapes-ab.sh, env-ab.sh, cold-ab.sh) and the one-server probes (wakeups.sh,
# user-system-split.sh, distributed-cpu-split.sh): the server command of each OrleansSocket shape, the parsing of a
# variant argument, and the start of one pinned server. BENCH must be set to the bench directory.

# The command run.sh starts for SHAPE (embedded | cohosted | distributed) from the test gateway's apphost directory
# GW_DIR and the test silo's SILO_DIR ($PORT left for run.sh).
server_cmd() {
  case $1 in
    embedded) echo "$2/OrleansSocket.TestGateway --contentRoot $2 --profile bench --urls http://127.0.0.1:\$PORT" ;;
    cohosted) echo "env GW_DIR=$2 $BENCH/cohosted-server.sh \$PORT" ;;
    distributed) echo "env GW_DIR=$2 SILO_DIR=$3 $BENCH/distributed-server.sh \$PORT" ;;
    *) echo "unknown shape $1 (embedded, cohosted or distributed)" >&2; return 2 ;;
  esac
}

# The same from a bench/publish.sh image in DIR (DIR/gateway, DIR/silo).
shape_cmd() { server_cmd "$1" "$2/gateway" "$2/silo"; }

# A variant LABEL=[VAR=value[,VAR=value...]] with the default image DIR: sets variant_label, variant_dir (DIR_<label>
# when set, else DIR) and variant_env ("env VAR=value ..." or empty), to put before a shape's command.
parse_variant() {
  variant_label=${1%%=*}
  local vars=${1#*=} dir_var=DIR_${1%%=*}
  variant_dir=${!dir_var:-$2}
  variant_env=""; [[ -n $vars ]] && variant_env="env ${vars//,/ }"
  return 0
}

# Starts the server command $1 (it reads $PORT) pinned to CPU 0, its output discarded; sets SERVER (its pid), stops it
# when the calling script exits, and returns once http://127.0.0.1:$PORT$2 answers (at most 60 s). $3 names the
# calling script in its messages.
start_pinned_server() {
  PORT=$PORT taskset -c 0 bash -c "exec $1" >/dev/null 2>&1 &
  SERVER=$!
  trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$PORT$2" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER" 2>/dev/null || { echo "$3: the server exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "$3: the server did not answer $2 within 60 s" >&2
  exit 1
}
