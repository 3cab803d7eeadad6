#!/usr/bin/env bash
# Publishes what `BUILD=publish bench/run-all.sh` runs: the test gateway and the test silo (Tests/Hosts, which have the
# bench profile) and the bare ceiling, each self-contained and precompiled (ReadyToRun, composite with the framework)
# with tiered compilation off, into OUT/{gateway,silo,ceiling}.
#
#   bench/publish.sh OUT
#
# Why: on a fresh server pinned to one core, a large share of the connect and broadcast windows went to the JIT
# (the connect and broadcast paths compiled, then re-compiled at tier 1, while measured; docs/performance.md
# "Where the time goes"). Precompiled code without tiering is never re-compiled, so no JIT
# competes with the measured work; the cost is code without dynamic PGO (see "What each change bought").
# The benchmark's default (BUILD=build) is the plain `dotnet build` output: in a full run this publish lost more
# closed-loop throughput than it gained in connects and broadcasts (docs/performance.md, "What each change bought").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bench/publish.sh OUT}
RID=${RID:-linux-x64}
for p in gateway:Tests/Hosts/TestGateway/TestGateway.csproj silo:Tests/Hosts/TestSilo/TestSilo.csproj ceiling:bench/Ceiling/Ceiling.csproj; do
  dir=${p%%:*} proj=${p#*:}
  echo "publish: $proj -> $OUT/$dir" >&2
  dotnet publish "$ROOT/$proj" -c Release -r "$RID" --self-contained true -nologo -v q \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:TieredCompilation=false \
    -o "$OUT/$dir"
done
