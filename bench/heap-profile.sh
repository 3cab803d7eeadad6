#!/usr/bin/env bash
# Memory per idle connection on the embedded test host, by part (docs/performance.md, "Memory per idle connection
# at 10 000 connections"): a fresh server pinned to CPU 0 serves ECHO_S of echo_ack at 5 000 msg/s, then N idle
# WebSocket connections are opened on the same process and held; VmRSS and a dotnet-gcdump snapshot are taken just
# before them and while they are held, and bench/HeapParts charges the live heap's growth to its parts.
#
#   bench/heap-profile.sh OUTDIR [GW_DIR]
#     GW_DIR   the test gateway's apphost directory [Tests/Hosts/TestGateway/bin/Release/net10.0]
#   Env: N [10000], ECHO_S [5], PORT [3471], HOLD [40] s the load generator holds the connections,
#        HARNESS [.bench-work/harness: the shared harness with node_modules, as bench/run-all.sh leaves it],
#        DTOOLS [/tmp/dtools: dotnet-gcdump installed with --tool-path], GCDUMP [1; 0: RSS only],
#        SERVER_ARGS [extra arguments of the gateway, e.g. --Bench:UseSocketIO=false]
#   Writes OUTDIR/rss.txt, OUTDIR/{before,with}.gcdump, OUTDIR/parts.txt and prints the last.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bench/heap-profile.sh OUTDIR [GW_DIR]}; GW=${2:-$ROOT/Tests/Hosts/TestGateway/bin/Release/net10.0}
N=${N:-10000}; ECHO_S=${ECHO_S:-5}; PORT=${PORT:-3471}; HOLD=${HOLD:-40}; GCDUMP=${GCDUMP:-1}
HARNESS=${HARNESS:-$ROOT/.bench-work/harness}; DTOOLS=${DTOOLS:-/tmp/dtools}
[[ -d $HARNESS/node_modules ]] || { echo "heap-profile: no harness with node_modules at $HARNESS (run bench/run-all.sh once, or set HARNESS)" >&2; exit 2; }
[[ $GCDUMP == 0 || -x $DTOOLS/dotnet-gcdump ]] || { echo "heap-profile: dotnet tool install dotnet-gcdump --tool-path $DTOOLS" >&2; exit 2; }
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || true
taskset -c 0 "$GW/OrleansSocket.TestGateway" --contentRoot "$GW" --profile bench --urls "http://127.0.0.1:$PORT" ${SERVER_ARGS:-} >"$OUT/server.log" 2>&1 &
SP=$!
trap 'kill -TERM $SP 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -s -m 1 "http://127.0.0.1:$PORT/socket.io/?EIO=4&transport=polling" | grep -q sid && break; sleep 0.2; done
sleep 1
rss() { awk '/VmRSS/{print $2}' "/proc/$SP/status"; }
load() { (cd "$HARNESS" && taskset -c 1 node load.js "$@" --url "http://127.0.0.1:$PORT" --server-pid "$SP"); }
load echo_latency --rate 5000 --duration "$ECHO_S" >"$OUT/echo.json" 2>/dev/null
sleep 2
echo "before_rss_kb $(rss)" >"$OUT/rss.txt"
[[ $GCDUMP == 1 ]] && "$DTOOLS/dotnet-gcdump" collect -p "$SP" -o "$OUT/before.gcdump" >/dev/null
load connect --n "$N" --hold "$HOLD" >"$OUT/connect.json" 2>"$OUT/connect.err" &
LP=$!
for _ in $(seq 1 400); do grep -q connected "$OUT/connect.err" 2>/dev/null && break; sleep 0.5; done
sleep 4
echo "with_rss_kb $(rss)" >>"$OUT/rss.txt"
[[ $GCDUMP == 1 ]] && "$DTOOLS/dotnet-gcdump" collect -p "$SP" -o "$OUT/with.gcdump" >/dev/null
wait $LP || true
awk -v n="$N" '/^before/{b=$2} /^with/{a=$2} END{printf "RSS per idle connection: %.1f KB (%d -> %d KB, %d connections)\n", (a-b)/n, b, a, n}' "$OUT/rss.txt" | tee -a "$OUT/rss.txt"
if [[ $GCDUMP == 1 ]]; then
  dotnet build "$ROOT/bench/HeapParts/HeapParts.csproj" -c Release -nologo -v q -p:GcDumpToolPath="$DTOOLS" >/dev/null
  dotnet "$ROOT/bench/HeapParts/bin/Release/net10.0/OrleansSocket.Bench.HeapParts.dll" "$OUT/before.gcdump" "$OUT/with.gcdump" "$N" 8 | tee "$OUT/parts.txt"
fi
