#!/usr/bin/env bash
# The test command: installs what the tests need, then runs the test projects one after the other.
#   ./test.sh                 everything: unit, then cluster, then end-to-end
#   ./test.sh unit            the fast tests alone (Tests/Unit: no cluster, no process, no install)
#   ./test.sh cluster         the TestingHost tests alone (Tests/Cluster)
#   ./test.sh end-to-end      the end-to-end tests alone (Tests/EndToEnd)
# (several may be named, e.g. ./test.sh unit cluster; they run in the order above). Steps:
#   1. Debian packages, only those missing (apt-get update first; skipped when all present), and
#      only for the end-to-end tests: python3-socketio python3-websocket python3-requests chromium redis-server
#   2. npm ci in Tests/clients (official Socket.IO clients v2/v3/v4, mocha suites, reference
#      server; the browser tests use Playwright for .NET from NuGet, no browser download), end-to-end only
#   3. dotnet build OrleansSocket.sln -c Release (the libraries, the demo hosts and the test hosts of
#      Tests/Hosts that the end-to-end tests start; also npm ci in Gateway/ClientBundle for the
#      browser client the gateway library embeds and serves at /socket.io/socket.io.js, when needed);
#      with ./test.sh unit only the unit project and what it references
#   4. dotnet test <project> -c Release --no-build per project, in sequence (never in parallel: the
#      end-to-end tests are timing-sensitive), per-test results and final counts summed over them
# OS_E2E_SERVER_CMD (see Tests/EndToEnd/ServerFixture.cs) substitutes the server under test of
# the end-to-end tests, e.g. OS_E2E_SERVER_CMD='node Tests/clients/reference-server.js {port}'.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

step() { printf '\n==> %s\n' "$*"; }

# ---- which test projects, in this order ----------------------------------------------------------
ALL=(unit cluster end-to-end)
declare -A PROJECT=([unit]=Tests/Unit/Unit.Tests.csproj [cluster]=Tests/Cluster/Cluster.Tests.csproj
  [end-to-end]=Tests/EndToEnd/EndToEnd.Tests.csproj)
for arg in "$@"; do
  if [ -z "${PROJECT[$arg]+x}" ]; then
    echo "usage: $0 [unit] [cluster] [end-to-end]   (none: all three)" >&2
    exit 2
  fi
done
selected=()
for name in "${ALL[@]}"; do
  if [ "$#" -eq 0 ] || [[ " $* " == *" $name "* ]]; then selected+=("$name"); fi
done
needs_e2e=0
[[ " ${selected[*]} " == *" end-to-end "* ]] && needs_e2e=1

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# ---- 1. Debian packages ----------------------------------------------------------------------
# node and npm for every build (the gateway library embeds npm's browser client), the rest for end-to-end
APT_PACKAGES=()
[ "$needs_e2e" = 1 ] && APT_PACKAGES+=(python3-socketio python3-websocket python3-requests chromium redis-server)
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
missing=()
for pkg in "${APT_PACKAGES[@]+"${APT_PACKAGES[@]}"}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${missing[@]}"
elif [ "${#APT_PACKAGES[@]}" -gt 0 ]; then
  step "Debian packages present: ${APT_PACKAGES[*]}"
fi

# ---- 2. Node packages of the end-to-end harness -------------------------------------------------
if [ "$needs_e2e" = 1 ]; then
  step "npm ci (Tests/clients)"
  (cd Tests/clients && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- 3. build ------------------------------------------------------------------------------------
if [ "${selected[*]}" = unit ]; then
  step "dotnet build ${PROJECT[unit]} -c Release"
  dotnet build "${PROJECT[unit]}" -c Release
else
  step "dotnet build OrleansSocket.sln -c Release"
  dotnet build OrleansSocket.sln -c Release
fi

# ---- 4. test -------------------------------------------------------------------------------------
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
set +e
for name in "${selected[@]}"; do
  # one project at a time (dotnet test on the solution would run them in parallel); a failing
  # project does not stop the next, the exit status says whether any failed
  step "dotnet test ${PROJECT[$name]} -c Release --no-build ($name)"
  started=$SECONDS
  dotnet test "${PROJECT[$name]}" -c Release --no-build --logger "console;verbosity=normal" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && status=$rc
  printf '==> %s: exit %d after %d s\n' "$name" "$rc" "$((SECONDS - started))"
done
set -e

# The failed tests again, each with the first lines of its error message (not its output, which can be every
# process's log), so that the end of the output says what failed even when only the end is kept.
awk '
  /^[[:space:]]+Failed [^ ]/ && !/Failed: / { name = $0; sub(/^[[:space:]]+Failed /, "", name); n = 0; inmsg = 0; next }
  name != "" && /^[[:space:]]+Error Message:/ { printf "failed: %s\n", name; inmsg = 1; next }
  inmsg && /^[[:space:]]+(Stack Trace|Standard Output Messages):/ { inmsg = 0; name = ""; next }
  inmsg && n < 12 { printf "    %s\n", $0; n++ }
' "$log"

# one closing line with the totals over all test projects: "tests: N passed, N failed, N skipped"
# (VSTest prints per run "Total tests: N" then "Passed: N", "Failed: N", "Skipped: N" lines, or
# with minimal verbosity "Passed! - Failed: N, Passed: N, Skipped: N, ...")
awk '
  /^[[:space:]]*Total tests: *[0-9]+/ { seen = 1 }
  /^[[:space:]]*Passed: *[0-9]+[[:space:]]*$/ { v = $2; p += v }
  /^[[:space:]]*Failed: *[0-9]+[[:space:]]*$/ { v = $2; f += v }
  /^[[:space:]]*Skipped: *[0-9]+[[:space:]]*$/ { v = $2; s += v }
  /(Passed|Failed)! +- +Failed: *[0-9]+, *Passed: *[0-9]+, *Skipped: *[0-9]+/ {
    for (i = 1; i <= NF; i++) {
      v = $(i + 1); gsub(/[^0-9]/, "", v)
      if ($i == "Failed:") f += v
      if ($i == "Passed:") p += v
      if ($i == "Skipped:") s += v
    }
    seen = 1
  }
  END { if (seen) printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }
' "$log"
exit "$status"
