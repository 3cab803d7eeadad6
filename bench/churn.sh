#!/usr/bin/env bash
# The live heap under connection churn (issue 17, item 5; docs/performance.md, "Memory under connection churn"): the
# embedded test host pinned to CPU 0, and on CPU 1 the harness's load generator opening and closing WebSocket
# connections for DURATION s in rounds of `load.js connect --n 1000 --concurrency 100 --hold 0 --drain 0` (each client
# connects, has its Socket.IO CONNECT answered and closes at once, so every round activates 1 000 socket grains). Every
# CHECK s a dotnet-gcdump snapshot (it collects first, so it counts live objects) gives the live GC heap and the grain
# directory cache's entries; VmRSS is read at the same moment.
#
#   bench/churn.sh OUTDIR [GW_DIR]
#     GW_DIR   the test gateway's apphost directory [.bench-work/publish/gateway: bench/publish.sh's image, as shipped]
#   Env: DURATION [300] s, CHECK [60] s, PORT [3472], SERVER_ARGS [] more arguments for the server (for example
#        --Cluster:DirectoryCacheSize=1000000, Orleans' own default), HARNESS [.bench-work/harness, as bench/run-all.sh
#        leaves it], DTOOLS [/tmp/dtools: dotnet-gcdump installed with --tool-path]
#   Writes OUTDIR/churn.tsv (one line per snapshot: seconds, connections made so far, failed, live heap MB, directory
#   cache entries, RSS MB), OUTDIR/server.log and the snapshots, and prints the table.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bench/churn.sh OUTDIR [GW_DIR]}; GW=${2:-$ROOT/.bench-work/publish/gateway}
DURATION=${DURATION:-300}; CHECK=${CHECK:-60}; PORT=${PORT:-3472}; SERVER_ARGS=${SERVER_ARGS:-}
HARNESS=${HARNESS:-$ROOT/.bench-work/harness}; DTOOLS=${DTOOLS:-/tmp/dtools}
[[ -d $HARNESS/node_modules ]] || { echo "churn: no harness with node_modules at $HARNESS (run bench/run-all.sh once, or set HARNESS)" >&2; exit 2; }
[[ -x $DTOOLS/dotnet-gcdump ]] || { echo "churn: dotnet tool install dotnet-gcdump --tool-path $DTOOLS" >&2; exit 2; }
[[ -x $GW/OrleansSocket.TestGateway ]] || { echo "churn: no test gateway at $GW (bench/publish.sh .bench-work/publish)" >&2; exit 2; }
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || true
# shellcheck disable=SC2086
taskset -c 0 "$GW/OrleansSocket.TestGateway" --contentRoot "$GW" --profile bench --urls "http://127.0.0.1:$PORT" $SERVER_ARGS \
  >"$OUT/server.log" 2>&1 &
SP=$!
STOP="$OUT/.stop"; rm -f "$STOP"
trap 'touch "$STOP"; kill -TERM $SP 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -s -m 1 "http://127.0.0.1:$PORT/socket.io/?EIO=4&transport=polling" | grep -q sid && break; sleep 0.2; done
sleep 1

# The churn: rounds of 1 000 until told to stop; each round's JSON line (connected, failed) goes to rounds.jsonl.
: >"$OUT/rounds.jsonl"
(
  cd "$HARNESS"
  while [[ ! -e $STOP ]]; do
    taskset -c 1 node load.js connect --n 1000 --concurrency 100 --hold 0 --drain 0 --url "http://127.0.0.1:$PORT" \
      --server-pid "$SP" >>"$OUT/rounds.jsonl" 2>/dev/null || true
  done
) &
CP=$!

made() {
  node -e 'let n=0,f=0;for(const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")){if(!l.startsWith("{"))continue;try{const m=JSON.parse(l).metrics||{};n+=m.connected||0;f+=m.failed||0}catch{}}console.log(n+" "+f)' \
    "$OUT/rounds.jsonl"
}
snapshot() {
  local t=$1 file="$OUT/at-$1s.gcdump" report heap entries rss connected failed
  "$DTOOLS/dotnet-gcdump" collect -p "$SP" -o "$file" >/dev/null 2>&1
  report=$("$DTOOLS/dotnet-gcdump" report "$file" 2>/dev/null)
  heap=$(awk '/GC Heap bytes/{gsub(",","",$1); print $1; exit}' <<<"$report")
  # One LruItem object per cached grain address: the rows whose type is the item itself (not the dictionary's nodes
  # or arrays, whose type names contain it too).
  entries=$(awk '$3 ~ /^LruItem<Orleans\.Runtime\.GrainId,/{gsub(",","",$2); s+=$2} END{print s+0}' <<<"$report")
  rss=$(awk '/VmRSS/{print $2}' "/proc/$SP/status")
  read -r connected failed < <(made)
  awk -v t="$t" -v c="$connected" -v f="$failed" -v h="${heap:-0}" -v e="$entries" -v r="${rss:-0}" \
    'BEGIN{printf "%s\t%s\t%s\t%.1f\t%s\t%.1f\n", t, c, f, h/1e6, e, r/1e3}' >>"$OUT/churn.tsv"
}
printf 'seconds\tconnected\tfailed\tlive_heap_mb\tcache_entries\trss_mb\n' >"$OUT/churn.tsv"
snapshot 0
for ((t = CHECK; t <= DURATION; t += CHECK)); do
  sleep "$CHECK"
  snapshot "$t"
done
touch "$STOP"
wait $CP || true
column -t "$OUT/churn.tsv"
