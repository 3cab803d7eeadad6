#!/usr/bin/env bash
# The whole benchmark in one run: OrleansSocket (embedded, co-hosted cluster and distributed), the Node and Flask-SocketIO
# peers, and a bare Kestrel "ceiling", interleaved rep by rep on the same box, measured by the shared
# harness (shared/bench: run.sh, bench-all.sh, load.js; used as they are), then written up as
# bench/RESULTS.md (medians, ratios to Node, server CPU per operation, targets met / not met).
#
# Every target is measured two ways, reported as separate rows:
#   warm (the headline)  every scenario with the harness's WARM=5: 5 s of the same scenario, unmeasured,
#                        against the same server process right before the measured run (connect repeats
#                        its whole run once). Production servers are warm, and V8 warms Node too.
#   cold                 fresh server processes: (a) the time from the server's spawn to the first
#                        successful Socket.IO handshake (bench/lib/first-handshake.js, socket.io-client
#                        retrying every 10 ms), (b) the first 1 000 connections (connect, WARM=0),
#                        (c) the first 10 s of echo_ack at 5 000 msg/s (echo_latency, WARM=0, no warm-up); for the
#                        thin shape also (a) for a fresh gateway joining a silo already running (bench/lib/gateway-join.sh).
#   memory               RSS per idle connection at 10 000 connections, on its own fresh server process: MEM_WARM_S
#                        of echo_ack at 5 000 msg/s (JIT, pools, caches warm; its clients then disconnect), then
#                        connect 10 000 with WARM=0 on the same process and hold them idle:
#                        (RSS with the 10 000 idle − RSS of that warm process just before them) / 10 000, both read
#                        by load.js (rss_kb_before / rss_kb_after, the process tree's VmRSS). The warm connect row
#                        cannot give it: its warm-up already connected and closed 10 000, so its baseline holds
#                        the memory the second 10 000 re-use.
# Each repetition runs, for every target in turn: idle CPU, the warm scenarios, the memory row, the cold rows.
#
#   bench/run-all.sh                 full run, REPS=3 (not yet timed with the warm-ups and cold rows;
#                                    without them it took about 35 min on a quiet 2-core box)
#   QUICK=1 bench/run-all.sh         functional pass: REPS=1, short windows, WARM=2, 3-s cold echo, no quiet
#                                    gate; writes bench/RESULTS.quick-example.md (its numbers are noise)
#   QUICK=1 TARGETS="node orleans-embedded" RESULTS_OUT=/tmp/quick.md bench/run-all.sh   # a faster pass
#
# Env (defaults in brackets):
#   REPS [3; QUICK: 1]       interleaved repetitions of every target's warm and cold runs
#   TARGETS ["node flask orleans-embedded orleans-cohosted orleans-distributed ceiling"]
#   WARM [5; QUICK: 2]       seconds of unmeasured warm-up per warm scenario (the harness's WARM)
#   COLD [1]                 1: measure the cold rows; 0: warm only
#   COLD_ECHO_S [10; QUICK: 3]  length of the cold echo window (a fresh process's first seconds)
#   MEM [1]                  1: measure RSS per idle connection at 10 000 (above) for the targets that run 10 000
#   MEM_WARM_S [5; QUICK: 2] seconds of echo_ack at 5 000 msg/s that warm the memory row's process first
#   HARNESS_SRC [../shared/bench next to the repo]  copied to WORKDIR/harness (it may be read-only)
#   WORKDIR [.bench-work]    scratch (git-ignored): harness copy, node_modules, raw results, server logs
#   RESULTS_OUT [bench/RESULTS.md; QUICK: bench/RESULTS.quick-example.md]
#   BUILD [publish]          publish: the servers as bench/publish.sh makes them, as they ship (self-contained,
#                            ReadyToRun composite, tiered compilation and dynamic PGO on; about 9 min on a quiet box,
#                            up to 20 on a busy one); build: the `dotnet build -c Release` output (JIT only: a fresh
#                            process compiles its start-up and first connections; docs/performance.md, "Runtime settings")
#   PGO, CALL_COUNT_THRESHOLD  passed to bench/publish.sh (BUILD=publish): PGO=0 turns dynamic PGO off, a threshold
#                            replaces the hosts' 2 000 calls (docs/performance.md, "Connect on a warm server")
#   SKIP_BUILD [0]           1: use the existing publish (WORKDIR/publish) or Release build
#   IDLE [1]                 1: measure each server's idle CPU (IDLE_SECONDS [10], no clients) every rep
#   SMOKE [1]                1: run the harness's smoke check (twice on one server: cold, then warm) per target
#   KEEP_RAW [1; QUICK: 0]   1: copy the raw JSONL next to RESULTS_OUT (bench/results/STAMP/)
#   PORT, PIN, QUIET, QUIET_MAX_S, RETRY_NOISY, MAX_TRIES, NOISE_MAX, LOAD_ARGS ...: passed to run.sh
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
# shellcheck source=lib/shapes.sh
source "$BENCH/lib/shapes.sh"

# The command as it was given: the variables the caller set, then the script.
CMDLINE=""
for v in QUICK REPS TARGETS WARM COLD COLD_ECHO_S MEM MEM_WARM_S HARNESS_SRC WORKDIR RESULTS_OUT BUILD SKIP_BUILD IDLE IDLE_SECONDS SMOKE KEEP_RAW PORT PIN \
         QUIET QUIET_MAX_BUSY QUIET_MAX_S RETRY_NOISY MAX_TRIES NOISE_MAX LOAD_ARGS; do
  [[ -n "${!v+x}" ]] && CMDLINE+="$v=$(printf '%q' "${!v}") "
done
CMDLINE+="bench/run-all.sh"

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  REPS=${REPS:-1}
  export QUIET=${QUIET:-0} RETRY_NOISY=${RETRY_NOISY:-0}
  export LOAD_ARGS=${LOAD_ARGS:---warmup 1 --duration 3 --drain 2 --hold 1}
  IDLE_SECONDS=${IDLE_SECONDS:-3}; IDLE_SETTLE=${IDLE_SETTLE:-1}
  RESULTS_OUT=${RESULTS_OUT:-$BENCH/RESULTS.quick-example.md}
  KEEP_RAW=${KEEP_RAW:-0}
  WARM=${WARM:-2}; COLD_ECHO_S=${COLD_ECHO_S:-3}; MEM_WARM_S=${MEM_WARM_S:-2}
fi
REPS=${REPS:-3}
WARM=${WARM:-5}; COLD=${COLD:-1}; COLD_ECHO_S=${COLD_ECHO_S:-10}; MEM=${MEM:-1}; MEM_WARM_S=${MEM_WARM_S:-5}
TARGETS=${TARGETS:-node flask orleans-embedded orleans-cohosted orleans-distributed ceiling}
WORKDIR=${WORKDIR:-$ROOT/.bench-work}
RESULTS_OUT=${RESULTS_OUT:-$BENCH/RESULTS.md}
BUILD=${BUILD:-publish}; SKIP_BUILD=${SKIP_BUILD:-0}; IDLE=${IDLE:-1}; SMOKE=${SMOKE:-1}; KEEP_RAW=${KEEP_RAW:-1}
export IDLE_SECONDS=${IDLE_SECONDS:-10} IDLE_SETTLE=${IDLE_SETTLE:-3}
export PORT=${PORT:-3100}
export READY_TIMEOUT=${READY_TIMEOUT:-120}
if [[ -z "${HARNESS_SRC:-}" ]]; then
  for c in "$ROOT/../shared/bench" /work/shared/bench; do [[ -f $c/run.sh ]] && { HARNESS_SRC=$c; break; }; done
fi
[[ -f "${HARNESS_SRC:-}/run.sh" ]] || { echo "run-all: the harness (shared/bench) was not found; set HARNESS_SRC" >&2; exit 2; }
HARNESS_SRC=$(cd "$HARNESS_SRC" && pwd)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUNDIR=$WORKDIR/runs/$STAMP
HARNESS=$WORKDIR/harness
export LOGDIR=$RUNDIR/logs
mkdir -p "$RUNDIR" "$LOGDIR"
T_START=$SECONDS
say() { printf '[run-all %4ds] %s\n' $((SECONDS - T_START)) "$*" >&2; }
say "command: $CMDLINE"
say "raw results and server logs: $RUNDIR"

# ---- prerequisites ----
for c in node npm dotnet curl taskset ss awk python3 git; do
  command -v "$c" >/dev/null || { echo "run-all: '$c' is missing" >&2; exit 2; }
done
if [[ " $TARGETS " == *" flask "* ]] && ! /usr/bin/python3 -c 'import flask_socketio, eventlet' 2>/dev/null; then
  say "installing the Flask peer's Debian packages (python3-flask-socketio python3-eventlet)"
  if [[ $(id -u) == 0 ]]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-flask-socketio python3-eventlet >/dev/null
  else
    echo "run-all: python3-flask-socketio and python3-eventlet are needed (apt-get install as root), or drop flask from TARGETS" >&2
    exit 2
  fi
fi

# ---- the harness: a private, writable copy (the shared one may be read-only); its code is not changed ----
say "copying the harness from $HARNESS_SRC"
rm -rf "$HARNESS.new"; mkdir -p "$HARNESS.new"
(cd "$HARNESS_SRC" && tar cf - --exclude=./node_modules --exclude=./results .) | tar xf - -C "$HARNESS.new"
chmod -R u+w "$HARNESS.new"
if [[ -d $HARNESS/node_modules ]] && cmp -s "$HARNESS/package-lock.json" "$HARNESS.new/package-lock.json"; then
  mv "$HARNESS/node_modules" "$HARNESS.new/node_modules"
fi
rm -rf "$HARNESS"; mv "$HARNESS.new" "$HARNESS"
if [[ ! -d $HARNESS/node_modules ]]; then
  say "npm ci in the harness copy"
  (cd "$HARNESS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# ---- build ----
# The servers' projects and apphosts, relative to the repository: the one place to change when they move.
# Each server runs from its apphost, which the build (next to the project, bin/Release/net10.0) and the
# publish (bench/publish.sh, WORKDIR/publish/gateway|silo|ceiling) both make.
# The test hosts (Tests/Hosts), which have the bench profile; the demo hosts (Gateway/Host, Silo) do not.
GW_PROJ=Tests/Hosts/TestGateway/TestGateway.csproj GW_APP=OrleansSocket.TestGateway
SILO_PROJ=Tests/Hosts/TestSilo/TestSilo.csproj     SILO_APP=OrleansSocket.TestSilo
CEIL_PROJ=bench/Ceiling/Ceiling.csproj             CEIL_APP=OrleansSocket.Bench.Ceiling
built_dir() { echo "$ROOT/$(dirname "$1")/bin/Release/net10.0"; }
case $BUILD in
  publish)
    GW_DIR=$WORKDIR/publish/gateway SILO_DIR=$WORKDIR/publish/silo CEIL_DIR=$WORKDIR/publish/ceiling
    BUILD_DESC="self-contained, ReadyToRun composite, tiered compilation and dynamic PGO on (bench/publish.sh)"
    [[ ${PGO:-1} == 0 ]] && BUILD_DESC=${BUILD_DESC/ and dynamic PGO on/ on, dynamic PGO off (PGO=0)}
    [[ -n ${CALL_COUNT_THRESHOLD:-} ]] && BUILD_DESC="$BUILD_DESC, tier 1 after $CALL_COUNT_THRESHOLD calls"
    if [[ $SKIP_BUILD != 1 ]]; then
      say "bench/publish.sh $WORKDIR/publish"
      "$BENCH/publish.sh" "$WORKDIR/publish" >"$RUNDIR/build.log" 2>&1 || { tail -30 "$RUNDIR/build.log" >&2; exit 1; }
    fi ;;
  build)
    GW_DIR=$(built_dir $GW_PROJ) SILO_DIR=$(built_dir $SILO_PROJ) CEIL_DIR=$(built_dir $CEIL_PROJ)
    BUILD_DESC="dotnet build -c Release, JIT with tiered compilation, no ReadyToRun"
    if [[ $SKIP_BUILD != 1 ]]; then
      for p in $GW_PROJ $SILO_PROJ $CEIL_PROJ; do
        say "dotnet build $p -c Release"
        dotnet build "$ROOT/$p" -c Release -nologo -v q >"$RUNDIR/build.log" 2>&1 || { tail -30 "$RUNDIR/build.log" >&2; exit 1; }
      done
    fi ;;
  *) echo "run-all: BUILD must be publish or build" >&2; exit 2 ;;
esac
for f in "$GW_DIR/$GW_APP" "$SILO_DIR/$SILO_APP" "$CEIL_DIR/$CEIL_APP"; do
  [[ -x $f ]] || { echo "run-all: $f missing (BUILD=$BUILD SKIP_BUILD=$SKIP_BUILD)" >&2; exit 2; }
done

# ---- targets: harness kind, label, server command, scenarios ----
# Scenarios: connect (N=1000), echo_throughput (closed loop), broadcast (500 receivers @ 10 msg/s) and
# polling for every target; echo_latency at 5000 and 20000 msg/s, broadcast 1000 @ 40 msg/s and connect
# N=10000 (RSS per idle connection at scale) for the targets that can take them (Flask-SocketIO saturates
# at about 1.8k acks/s: shared/bench/RESULTS.md). The ceiling answers only the echo scenarios' packets.
BASE_SCEN="connect echo_throughput broadcast polling"
HI_SCEN="echo_latency:rate=5000 echo_latency:rate=20000 broadcast:n=1000,rate=40 connect:n=10000"
# The cold rows, on fresh processes (RESTART=1, WARM=0) after the first-handshake measurement
# (Flask-SocketIO: connect only, 5000 msg/s is above its ceiling).
COLD_SCEN="connect echo_latency:rate=5000,duration=$COLD_ECHO_S,warmup=0"
# The memory row: one process, warmed by echo, then 10 000 idle connections (RESTART=0, WARM=0; see the header).
MEM_SCEN="echo_latency:rate=5000,duration=$MEM_WARM_S connect:n=10000"
target() { # sets KIND LABEL_PREFIX LABEL CMD SCEN HI COLD_S HAS_SMOKE DESC for $1
  KIND=cmd LABEL_PREFIX="" CMD="" SCEN=$BASE_SCEN HI=$HI_SCEN COLD_S=$COLD_SCEN HAS_SMOKE=1
  case $1 in
    node)  KIND=node; DESC="Node.js socket.io (shared/bench/peers/node-server.js)" ;;
    flask) KIND=flask; HI=""; COLD_S=connect; DESC="Flask-SocketIO + eventlet (shared/bench/peers/flask_server.py)" ;;
    orleans-embedded)
      LABEL_PREFIX="orleans-embedded-"; DESC="OrleansSocket test gateway (Tests/Hosts/TestGateway) with a co-hosted silo, one process, --profile bench; $BUILD_DESC"
      CMD=$(server_cmd embedded "$GW_DIR" "$SILO_DIR") ;;
    orleans-distributed)
      LABEL_PREFIX="orleans-distributed-"; DESC="OrleansSocket silo process + gateway process (Orleans client), bench/distributed-server.sh; $BUILD_DESC"
      CMD=$(server_cmd distributed "$GW_DIR" "$SILO_DIR") ;;
    orleans-cohosted)
      LABEL_PREFIX="orleans-cohosted-"; DESC="OrleansSocket co-hosted cluster of 2: two test gateways, each also a silo, Redis clustering, one port shared with SO_REUSEPORT (bench/cohosted-server.sh); $BUILD_DESC"
      CMD=$(server_cmd cohosted "$GW_DIR" "$SILO_DIR") ;;
    ceiling)
      LABEL_PREFIX="ceiling-"; SCEN="connect echo_throughput"; HI="echo_latency:rate=5000 echo_latency:rate=20000"; HAS_SMOKE=0
      DESC="bare Kestrel + WebSocket answering only open, connect and echo_ack (bench/Ceiling); $BUILD_DESC"
      CMD="$CEIL_DIR/$CEIL_APP --urls http://127.0.0.1:\$PORT" ;;
    *) echo "run-all: unknown target $1" >&2; exit 2 ;;
  esac
  LABEL=$LABEL_PREFIX$KIND
}

# ---- what the report needs to know about this run ----
TARGETS_JSON=$(for t in $TARGETS; do target "$t"; node -e 'console.log(JSON.stringify({id:process.argv[1],label:process.argv[2],kind:process.argv[3],description:process.argv[4],command:process.argv[5]||null,scenarios:process.argv[6].split(" ").filter(Boolean)}))' \
  "$t" "$LABEL" "$KIND" "$DESC" "$CMD" "$SCEN $HI"; done | node -e 'console.log(JSON.stringify(require("fs").readFileSync(0,"utf8").trim().split("\n").map(JSON.parse)))')
node "$BENCH/report.js" meta --root "$ROOT" --harness "$HARNESS" --command "$CMDLINE" --quick "$QUICK" --reps "$REPS" \
  --targets "$TARGETS_JSON" --load-args "${LOAD_ARGS:-}" --warm "$WARM" --cold "$COLD" --cold-echo-s "$COLD_ECHO_S" \
  --mem-row "$MEM" --mem-warm-s "$MEM_WARM_S" >"$RUNDIR/meta.json"

GEN_PIN=(); [[ ${PIN:-1} == 1 ]] && GEN_PIN=(taskset -c "${GEN_CPUS:-1}")
FAILED=()
# ---- smoke: the event contract, on a cold server and then again on the same (warm) server ----
if [[ $SMOKE == 1 ]]; then
  for t in $TARGETS; do
    target "$t"; [[ $HAS_SMOKE == 1 ]] || continue
    say "smoke $t (cold, then warm)"
    (cd "$HARNESS" && SERVER_CMD=$CMD LABEL=$LABEL OUT=$RUNDIR/smoke.jsonl RESTART=0 REPEAT=2 QUIET=0 RETRY_NOISY=0 \
      ./run.sh "$KIND" smoke >/dev/null 2>>"$RUNDIR/run-all.log") || { say "smoke $t: server failed"; FAILED+=("smoke:$t"); }
    # The warm run must pass; a cold failure is reported in RESULTS (first-use latency), not as a failure.
    warm=$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse).filter(r=>r.label===process.argv[2]);console.log(l.length?(l[l.length-1].ok?"pass":"fail"):"none")' \
      "$RUNDIR/smoke.jsonl" "$LABEL" 2>/dev/null || echo none)
    say "smoke $t: warm $warm"
    [[ $warm == pass ]] || FAILED+=("smoke-warm:$t")
  done
fi

# ---- the measured runs, interleaved: every rep runs every target once ----
: >"$RUNDIR/bench.jsonl"
for rep in $(seq 1 "$REPS"); do
  for t in $TARGETS; do
    target "$t"
    if [[ $IDLE == 1 ]]; then
      say "rep $rep/$REPS $t: idle CPU (${IDLE_SECONDS}s, no clients)"
      SERVER_CMD=$CMD OUT=$RUNDIR/idle.jsonl READY_PATH=$([[ $KIND == cmd && $t != ceiling ]] && echo /health/ready) "$BENCH/idle-cpu.sh" "$HARNESS" "$LABEL" "$KIND" >/dev/null 2>>"$RUNDIR/run-all.log" \
        || { say "idle $t failed"; FAILED+=("idle:$t:$rep"); }
    fi
    say "rep $rep/$REPS $t: warm (WARM=$WARM): $SCEN $HI"
    (cd "$HARNESS" && SERVER_CMD=$CMD LABEL_PREFIX=$LABEL_PREFIX TARGETS=$KIND REPS=1 SCENARIOS=$SCEN HI_SCENARIOS=$HI \
      HI_TARGETS="node cmd" WARM=$WARM OUT=$RUNDIR/bench.jsonl ./bench-all.sh >>"$RUNDIR/bench-all.out" 2>>"$RUNDIR/run-all.log") \
      || { say "rep $rep $t: bench-all.sh failed (see $RUNDIR/run-all.log)"; FAILED+=("bench:$t:$rep"); }
    if [[ $MEM == 1 && " $HI " == *" connect:n=10000 "* ]]; then
      say "rep $rep/$REPS $t: memory: ${MEM_WARM_S}s echo, then 10 000 idle connections, one process"
      # No retry of a noisy window: a retry would connect to the process that already held the 10 000.
      # shellcheck disable=SC2086
      (cd "$HARNESS" && SERVER_CMD=$CMD LABEL=$LABEL RESTART=0 REPEAT=1 WARM=0 RETRY_NOISY=0 OUT=$RUNDIR/mem.jsonl \
        ./run.sh "$KIND" $MEM_SCEN >/dev/null 2>>"$RUNDIR/run-all.log") \
        || { say "rep $rep $t: memory run.sh failed (see $RUNDIR/run-all.log)"; FAILED+=("mem:$t:$rep"); }
    fi
    [[ $COLD == 1 ]] || continue
    say "rep $rep/$REPS $t: cold: first handshake, $COLD_S"
    if [[ ${QUIET:-1} == 1 ]]; then node "$HARNESS/lib/quiet.js" --max-busy "${QUIET_MAX_BUSY:-20}" --max-wait "${QUIET_MAX_S:-90}" >/dev/null; fi
    "${GEN_PIN[@]}" node "$BENCH/lib/first-handshake.js" --harness "$HARNESS" --label "$LABEL" --kind "$KIND" --cmd "$CMD" \
      --port "$PORT" --pin "${PIN:-1}" --server-cpus "${SERVER_CPUS:-0}" --timeout "$READY_TIMEOUT" $([[ $KIND == cmd && $t != ceiling ]] && echo --ready-path /health/ready) \
      --log "$LOGDIR/$LABEL-first-handshake.log" >>"$RUNDIR/handshake.jsonl" 2>>"$RUNDIR/run-all.log" \
      || { say "rep $rep $t: no first handshake (see $LOGDIR/$LABEL-first-handshake.log)"; FAILED+=("first-handshake:$t:$rep"); }
    if [[ $t == orleans-distributed ]]; then
      say "rep $rep/$REPS $t: cold: a fresh gateway joining a running silo"
      GW_DIR=$GW_DIR SILO_DIR=$SILO_DIR HARNESS=$HARNESS SERVER_CPUS=${SERVER_CPUS:-0} GEN_CPUS=${GEN_CPUS:-1} LOG=$LOGDIR/$LABEL-join-silo.log \
        "$BENCH/lib/gateway-join.sh" "$LABEL-join" 1 >>"$RUNDIR/handshake.jsonl" 2>>"$RUNDIR/run-all.log" \
        || { say "rep $rep $t: no joining gateway's handshake (see $RUNDIR/run-all.log)"; FAILED+=("gateway-join:$t:$rep"); }
    fi
    # shellcheck disable=SC2086
    (cd "$HARNESS" && SERVER_CMD=$CMD LABEL=$LABEL RESTART=1 REPEAT=1 WARM=0 OUT=$RUNDIR/cold.jsonl \
      ./run.sh "$KIND" $COLD_S >/dev/null 2>>"$RUNDIR/run-all.log") \
      || { say "rep $rep $t: cold run.sh failed (see $RUNDIR/run-all.log)"; FAILED+=("cold:$t:$rep"); }
  done
done

# ---- write-up ----
say "summarizing"
node "$HARNESS/summarize.js" "$RUNDIR/bench.jsonl" $([[ -f $RUNDIR/smoke.jsonl ]] && echo "$RUNDIR/smoke.jsonl") >"$RUNDIR/summary.md"
[[ -s $RUNDIR/cold.jsonl ]] && node "$HARNESS/summarize.js" "$RUNDIR/cold.jsonl" >"$RUNDIR/cold-summary.md"
RAW_REL=""
if [[ $KEEP_RAW == 1 ]]; then
  RAW=$(dirname "$RESULTS_OUT")/results/$STAMP
  mkdir -p "$RAW"
  cp "$RUNDIR"/meta.json "$RUNDIR"/bench.jsonl "$RUNDIR"/summary.md "$RAW"/
  for f in smoke.jsonl idle.jsonl handshake.jsonl cold.jsonl cold-summary.md mem.jsonl; do [[ -f $RUNDIR/$f ]] && cp "$RUNDIR/$f" "$RAW/"; done
  RAW_REL=$(realpath --relative-to="$(dirname "$RESULTS_OUT")" "$RAW")
fi
node "$BENCH/report.js" report --meta "$RUNDIR/meta.json" --results "$RUNDIR/bench.jsonl" \
  --smoke "$RUNDIR/smoke.jsonl" --idle "$RUNDIR/idle.jsonl" --summary "$RUNDIR/summary.md" \
  --cold "$RUNDIR/cold.jsonl" --handshake "$RUNDIR/handshake.jsonl" --cold-summary "$RUNDIR/cold-summary.md" \
  --mem "$RUNDIR/mem.jsonl" \
  --targets-file "$BENCH/targets.json" --raw "$RAW_REL" --elapsed $((SECONDS - T_START)) \
  --failed "${FAILED[*]:-}" --out "$RESULTS_OUT"
say "wrote $RESULTS_OUT"
if ((${#FAILED[@]})); then say "failures: ${FAILED[*]}"; exit 1; fi
