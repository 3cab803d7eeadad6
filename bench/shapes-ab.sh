#!/usr/bin/env bash
# A shorter side-by-side than run-all.sh: Node and the three OrleansSocket shapes on the warm echo, closed-loop and
# broadcast scenarios only (no cold, memory, idle or smoke rows, no report), interleaved scenario by scenario, REPS
# times, through the shared harness's run.sh with WARM=5. Raw JSON lines in OUT; medians with bench/lib/ab-table.js.
#
#   bench/publish.sh /tmp/ab/pub && HARNESS=/path/to/harness-copy bench/shapes-ab.sh /tmp/ab/pub
#   node bench/lib/ab-table.js /tmp/shapes-ab.jsonl
#
# HARNESS must be a writable copy of shared/bench with its node_modules (run-all.sh makes one in .bench-work/harness).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
P=$(cd "${1:?usage: bench/shapes-ab.sh PUBLISH_DIR}" && pwd)
# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"
HARNESS=${HARNESS:-$BENCH/../.bench-work/harness}
REPS=${REPS:-3}
SCENARIOS=${SCENARIOS:-"echo_latency:rate=5000 echo_latency:rate=20000 echo_throughput broadcast:n=1000,rate=40"}
TARGETS=${TARGETS:-"node embedded cohosted distributed"}
export WARM=${WARM:-5} QUIET=${QUIET:-1} OUT=${OUT:-/tmp/shapes-ab.jsonl}
for t in $TARGETS; do [[ $t == node ]] || shape_cmd "$t" "$P" >/dev/null || exit 2; done
cd "$HARNESS"
for r in $(seq 1 "$REPS"); do
  for s in $SCENARIOS; do
    for t in $TARGETS; do
      case $t in
        node) LABEL=node ./run.sh node "$s" >/dev/null 2>&1 ;;
        *) LABEL=$t SERVER_CMD=$(shape_cmd "$t" "$P") ./run.sh cmd "$s" >/dev/null 2>&1 ;;
      esac
      echo "$(date +%T) rep $r $s $t done"
    done
  done
done
