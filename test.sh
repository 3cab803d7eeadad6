#!/usr/bin/env bash
# The test command: installs what the tests need, then runs the whole suite.
#   1. Debian packages, only those missing (apt-get update first; skipped when all present):
#      python3-socketio python3-websocket python3-requests chromium redis-server
#   2. npm ci in Tests/clients (official Socket.IO clients v2/v3/v4, mocha suites, reference
#      server; the browser tests use Playwright for .NET from NuGet, no browser download)
#   3. dotnet build OrleansSocket.sln -c Release (also npm ci in Gateway/ClientBundle for the
#      browser client the gateway library embeds and serves at /socket.io/socket.io.js, when needed)
#   4. dotnet test OrleansSocket.sln -c Release --no-build, per-test results and final counts
# OS_E2E_SERVER_CMD (see Tests/EndToEnd/ServerFixture.cs) substitutes the server under test of
# the end-to-end tests, e.g. OS_E2E_SERVER_CMD='node Tests/clients/reference-server.js {port}'.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

step() { printf '\n==> %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# ---- 1. Debian packages ----------------------------------------------------------------------
APT_PACKAGES=(python3-socketio python3-websocket python3-requests chromium redis-server)
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${missing[@]}"
else
  step "Debian packages present: ${APT_PACKAGES[*]}"
fi

# ---- 2. Node packages of the end-to-end harness -------------------------------------------------
step "npm ci (Tests/clients)"
(cd Tests/clients && npm ci --no-audit --no-fund --loglevel=error)

# ---- 3. build ------------------------------------------------------------------------------------
step "dotnet build OrleansSocket.sln -c Release"
dotnet build OrleansSocket.sln -c Release

# ---- 4. test -------------------------------------------------------------------------------------
step "dotnet test OrleansSocket.sln -c Release --no-build"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test OrleansSocket.sln -c Release --no-build --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

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
