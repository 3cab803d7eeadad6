#!/usr/bin/env bash
# Publishes what `bench/run-all.sh` runs by default (BUILD=publish): the test gateway and the test silo (Tests/Hosts,
# which have the bench profile) and the bare ceiling, each self-contained and precompiled (ReadyToRun, composite with
# the framework), tiered compilation and dynamic PGO left on, into OUT/{gateway,silo,ceiling}.
#
#   bench/publish.sh OUT
#   TIERING=0 bench/publish.sh OUT     # the same with tiered compilation off (measured, not kept)
#   PGO=0 CALL_COUNT_THRESHOLD=500 bench/publish.sh OUT
#                                      # dynamic PGO off, tier 1 after 500 calls: one re-compilation per hot method
#                                      # instead of two (measured, not the default: docs/performance.md, "Connect")
#
# Why: a fresh server's start-up and first connections are mostly the JIT compiling them (docs/performance.md,
# "Where the time goes"). Precompiled, it starts from ahead-of-time code; with tiering on, code that gets hot (the
# hosts' call-count threshold, System.Runtime.TieredCompilation.CallCountThreshold) is re-compiled at tier 1 with
# dynamic PGO, so a busy server keeps the JIT's throughput. With tiering off nothing is re-compiled, the closed loop
# lost to code without PGO (docs/performance.md, "What each change bought").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bench/publish.sh OUT}
RID=${RID:-linux-x64}
TIERING_ARGS=(); [[ ${TIERING:-1} == 0 ]] && TIERING_ARGS=(-p:TieredCompilation=false)
[[ ${PGO:-1} == 0 ]] && TIERING_ARGS+=(-p:TieredPGO=false)
[[ -n ${CALL_COUNT_THRESHOLD:-} ]] && TIERING_ARGS+=(-p:TieredCallCountThreshold="$CALL_COUNT_THRESHOLD")
for p in gateway:Tests/Hosts/TestGateway/TestGateway.csproj silo:Tests/Hosts/TestSilo/TestSilo.csproj ceiling:bench/Ceiling/Ceiling.csproj; do
  dir=${p%%:*} proj=${p#*:}
  echo "publish: $proj -> $OUT/$dir" >&2
  dotnet publish "$ROOT/$proj" -c Release -r "$RID" --self-contained true -nologo -v q \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true "${TIERING_ARGS[@]}" \
    -o "$OUT/$dir"
done
