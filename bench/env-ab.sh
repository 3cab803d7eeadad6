#!/usr/bin/env bash
# An A/B of runtime settings: the same published image started with different environment variables, Node alongside,
# interleaved scenario by scenario, REPS times, through the shared harness's run.sh with WARM=5; the embedded server, or
# the shapes SHAPES names (labels then SHAPE-LABEL). Raw JSON lines in OUT; medians with bench/lib/ab-table.js.
#
#   bench/env-ab.sh PUBLISH_DIR LABEL=[VAR=value[,VAR=value...]] ...
#   bench/env-ab.sh .bench-work/publish base= inline=DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
#   DIR_spin=/tmp/pub-spin bench/env-ab.sh .bench-work/publish base= spin=    # another image for one variant
#   SHAPES="embedded cohosted" bench/env-ab.sh .bench-work/publish base= t200=DOTNET_TC_CallCountThreshold=200
#   node bench/lib/ab-table.js /tmp/env-ab.jsonl
#
# Whether the environment overrides a property the image's runtimeconfig.json sets depends on the setting (the JIT's
# tiering knobs, DOTNET_TC_*: it does; the thread pool's settings read runtimeconfig.json first): to be sure, give such
# a variant its own image, DIR_<label>, e.g. a copy made with `cp -al` whose runtimeconfig.json was replaced.
# HARNESS must be a writable copy of shared/bench with its node_modules (run-all.sh makes one in .bench-work/harness).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
P=$(cd "${1:?usage: bench/env-ab.sh PUBLISH_DIR LABEL=[VAR=value,...] ...}" && pwd); shift
(($# > 0)) || { echo "env-ab: name at least one variant, e.g. base=" >&2; exit 2; }
# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"
HARNESS=${HARNESS:-$BENCH/../.bench-work/harness}
REPS=${REPS:-3}
SCENARIOS=${SCENARIOS:-"echo_latency:rate=5000 echo_latency:rate=20000"}
NODE=${NODE:-1}
SHAPES=${SHAPES:-embedded}
for shape in $SHAPES; do shape_cmd "$shape" "$P" >/dev/null || exit 2; done
export WARM=${WARM:-5} QUIET=${QUIET:-1} OUT=${OUT:-/tmp/env-ab.jsonl}
cd "$HARNESS"
for r in $(seq 1 "$REPS"); do
  for s in $SCENARIOS; do
    if [[ $NODE == 1 ]]; then LABEL=node ./run.sh node "$s" >/dev/null 2>&1; echo "$(date +%T) rep $r $s node done"; fi
    for shape in $SHAPES; do
      for variant in "$@"; do
        parse_variant "$variant" "$P"
        label=$variant_label; [[ $SHAPES == embedded ]] || label=$shape-$variant_label
        LABEL=$label SERVER_CMD="$variant_env $(shape_cmd "$shape" "$variant_dir")" ./run.sh cmd "$s" >/dev/null 2>&1
        echo "$(date +%T) rep $r $s $label done"
      done
    done
  done
done
