#!/usr/bin/env bash
# An A/B of the cold rows: fresh server processes of each shape, started from the same published image with other
# environment variables (or another image, DIR_<label>), Node alongside, interleaved, REPS times. Per run: the time
# from spawn to the first handshake (bench/lib/first-handshake.js), then, on fresh processes again, the harness's
# connect (the first 1 000 connections) and echo at 5 000 msg/s for COLD_ECHO_S seconds, as bench/run-all.sh's cold
# rows; for our shapes also the time until /health/ready answers 200 (ready_ms). Raw JSON lines in OUT (first handshakes in OUT with .handshake before .jsonl); medians with bench/lib/ab-table.js.
#
#   bench/cold-ab.sh PUBLISH_DIR LABEL=[VAR=value[,VAR=value...]] ...
#   SHAPES="embedded cohosted" bench/cold-ab.sh .bench-work/publish base= t20k=DOTNET_TC_CallCountThreshold=20000
#   DIR_delay=/tmp/pub-delay bench/cold-ab.sh .bench-work/publish base= delay=   # another image for one variant
#   HANDSHAKE_ONLY=1 bench/cold-ab.sh ...   # the first handshake (and ready_ms) only, no connect or echo run
#
# Whether the environment overrides a property the image's runtimeconfig.json sets depends on the setting (see
# bench/env-ab.sh): to be sure, DIR_<label> names a copy (`cp -al`) whose gateway/ and silo/ runtimeconfig.json were replaced.
# HARNESS must be a writable copy of shared/bench with its node_modules (run-all.sh makes one in .bench-work/harness).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
P=$(cd "${1:?usage: bench/cold-ab.sh PUBLISH_DIR LABEL=[VAR=value,...] ...}" && pwd); shift
(($# > 0)) || { echo "cold-ab: name at least one variant, e.g. base=" >&2; exit 2; }
# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"
HARNESS=$(cd "${HARNESS:-$BENCH/../.bench-work/harness}" && pwd)
REPS=${REPS:-3}
SHAPES=${SHAPES:-"embedded cohosted distributed"}
COLD_ECHO_S=${COLD_ECHO_S:-10}
NODE=${NODE:-1}
HANDSHAKE_ONLY=${HANDSHAKE_ONLY:-0}
export PORT=${PORT:-3100} OUT=${OUT:-/tmp/cold-ab.jsonl} QUIET=${QUIET:-1}
HANDSHAKES=${OUT%.jsonl}.handshake.jsonl
SCEN="connect echo_latency:rate=5000,duration=$COLD_ECHO_S,warmup=0"
one() { # $1 label, $2 kind, $3 server command (empty for node)
  if [[ $QUIET == 1 ]]; then node "$HARNESS/lib/quiet.js" --max-busy 20 --max-wait 90 >/dev/null || true; fi
  local ready=(); [[ $2 == cmd ]] && ready=(--ready-path /health/ready)
  taskset -c 1 node "$BENCH/lib/first-handshake.js" --harness "$HARNESS" --label "$1" --kind "$2" --cmd "$3" \
    --port "$PORT" --server-cpus 0 --timeout 120 "${ready[@]}" >>"$HANDSHAKES" 2>/dev/null || echo "cold-ab: no first handshake for $1" >&2
  [[ $HANDSHAKE_ONLY == 1 ]] && return 0
  # shellcheck disable=SC2086
  (cd "$HARNESS" && LABEL=$1 SERVER_CMD=$3 RESTART=1 REPEAT=1 WARM=0 ./run.sh "$2" $SCEN >/dev/null 2>&1) \
    || echo "cold-ab: run.sh failed for $1" >&2
}
for r in $(seq 1 "$REPS"); do
  if [[ $NODE == 1 ]]; then one node node ""; echo "$(date +%T) rep $r node done"; fi
  for shape in $SHAPES; do
    for variant in "$@"; do
      parse_variant "$variant" "$P"
      one "$shape-$variant_label" cmd "$variant_env $(shape_cmd "$shape" "$variant_dir")"
      echo "$(date +%T) rep $r $shape $variant_label done"
    done
  done
done
