# Sourced by run-all.sh and the A/B scripts (shapes-ab.sh, env-ab.sh, cold-ab.sh): the server command of each
# OrleansSocket shape, and the parsing of a variant argument. BENCH must be set to the bench directory.

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
