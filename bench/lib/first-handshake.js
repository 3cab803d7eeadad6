#!/usr/bin/env node
// Cold start of one server: the time from spawning a fresh server process to its first successful
// Socket.IO handshake (Engine.IO open over WebSocket, then CONNECT to "/" answered), as seen by the
// official socket.io-client from the harness's node_modules, which retries every --poll ms from the spawn on.
//
//   node bench/lib/first-handshake.js --harness DIR --label L --kind node|flask|cmd [--cmd 'SERVER_CMD']
//        [--port 3100] [--server-cpus 0] [--pin 1] [--poll 10] [--timeout 120] [--attempt-timeout 10] [--log FILE]
//        [--ready-path /health/ready]
//
// The server is started as the harness's run.sh starts it (same peer scripts, `bash -c "exec $SERVER_CMD"`
// for cmd, PORT exported, pinned with taskset to --server-cpus), in its own process group, which is
// stopped (TERM, then KILL after 5 s) once the handshake is in. Run this script pinned to the generator's
// CPU. Prints one JSON line: {"scenario":"first_handshake","label":L,"ok":true,"metrics":{...}} with
// first_handshake_ms, attempts (stalled_attempts: CONNECTs not answered within --attempt-timeout s), server CPU seconds and RSS at that moment, and other_cpu_pct (CPU the
// rest of the box used during the window, % of a core; the report's noise rule uses it).
// With --ready-path, it then polls that path until it answers 200 five times in a row (a co-hosted cluster's processes
// share the port, so one answer may come from either) and adds ready_ms (spawn to the first of those five) and
// ready_cpu_s: a server that warms up after it answers (SocketIO:WarmUp) is ready for a load balancer only then.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawn } = require('child_process');

const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf('--' + k); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d; };
const harness = path.resolve(opt('harness', '.'));
const S = require(path.join(harness, 'lib', 'stats.js'));
const { io } = require(path.join(harness, 'node_modules', 'socket.io-client'));
const label = opt('label', ''), kind = opt('kind', 'cmd'), port = Number(opt('port', process.env.PORT || 3100));
const pin = opt('pin', '1') === '1', cpus = opt('server-cpus', '0');
const pollMs = Math.max(1, Number(opt('poll', 10))), timeoutS = Math.min(Math.max(Number(opt('timeout', 120)), 1), 600);
const logFile = opt('log', '/dev/null');
const attemptMs = Math.max(1000, Number(opt('attempt-timeout', 10)) * 1000);
const readyPath = opt('ready-path', '');
const url = `http://127.0.0.1:${port}`;

const out = { scenario: 'first_handshake', label, ts: new Date().toISOString(), ok: true, warm_s: 0,
  params: { kind, port, poll_ms: pollMs, pinned: pin, client: 'socket.io-client (websocket)' }, metrics: {}, server: {} };
const emit = (extra) => process.stdout.write(JSON.stringify({ ...out, ...extra }) + '\n');

function serverArgs() {
  switch (kind) {
    case 'node': return ['node', [path.join(harness, 'peers', 'node-server.js'), String(port)]];
    case 'flask': return ['/usr/bin/python3', [path.join(harness, 'peers', 'flask_server.py'), String(port)]];
    case 'cmd': {
      const cmd = opt('cmd', '');
      if (!cmd) throw new Error('--kind cmd needs --cmd');
      return ['bash', ['-c', `exec ${cmd}`]];
    }
    default: throw new Error(`unknown kind ${kind}`);
  }
}

// One handshake attempt: resolves true when the server answered CONNECT, false on any connection error or when
// the whole handshake took longer than timeoutMs. socket.io-client's own `timeout` covers only the Engine.IO open:
// a CONNECT the server never answered left the measurement waiting for ever (seen once on a co-hosted cluster
// starting on a saturated box); such attempts are counted (stalled_attempts) and the next attempt starts.
let stalled = 0;
function attempt(timeoutMs) {
  return new Promise((resolve) => {
    const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    const timer = setTimeout(() => { stalled++; done(false); }, timeoutMs);
    const done = (ok) => { clearTimeout(timer); s.removeAllListeners(); s.disconnect(); resolve(ok); };
    s.once('connect', () => done(true));
    s.once('connect_error', () => done(false));
  });
}

async function main() {
  // The port must be free (else the handshake would be someone else's); this also loads the client's code
  // in this process before the clock starts.
  if (await attempt(2000)) { emit({ ok: false, error: `port ${port} already answers Socket.IO` }); process.exit(1); }
  stalled = 0;

  const [file, args] = serverArgs();
  const cmd = pin ? ['taskset', ['-c', cpus, file, ...args]] : [file, args];
  const log = fs.openSync(logFile, 'a');
  const allA = S.allProcTimes();
  const t0 = S.nowMs();
  const child = spawn(cmd[0], cmd[1], { cwd: harness, env: { ...process.env, PORT: String(port) }, detached: true, stdio: ['ignore', log, log] });
  let exited = null;
  const exitP = new Promise((r) => child.on('exit', (code, sig) => { exited = { code, sig }; r(); }));

  let attempts = 0, ok = false;
  const deadline = t0 + timeoutS * 1000;
  while (!exited && S.nowMs() < deadline) {
    attempts++;
    if (await attempt(Math.min(attemptMs, Math.max(1000, deadline - S.nowMs())))) { ok = true; break; }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const t1 = S.nowMs();
  const tree = new Set(S.procTree(child.pid));
  out.server = { pid: child.pid, processes: tree.size };
  if (ok) {
    const dt = (t1 - t0) / 1000;
    const other = S.otherCpuSec(allA, S.allProcTimes(), new Set([...tree, process.pid, process.ppid]));
    out.metrics = {
      first_handshake_ms: Math.round((t1 - t0) * 10) / 10,
      attempts,
      stalled_attempts: stalled,
      server_cpu_s: Math.round(S.treeCpuSec(child.pid) * 100) / 100,
      server_rss_mb: Math.round(S.treeRssKb(child.pid) / 102.4) / 10,
      other_cpu_pct: Math.round(other.user / dt * 1000) / 10,
    };
    if (readyPath) {
      let streak = 0, first = 0;
      while (!exited && S.nowMs() < deadline && streak < 5) {
        const at = S.nowMs();
        const status = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
        if (status === 200) { if (streak++ === 0) first = at; } else streak = 0;
        if (streak < 5) await new Promise((r) => setTimeout(r, pollMs));
      }
      if (streak >= 5) {
        out.metrics.ready_ms = Math.round((first - t0) * 10) / 10;
        out.metrics.ready_cpu_s = Math.round(S.treeCpuSec(child.pid) * 100) / 100;
      } else out.metrics.ready_error = exited ? 'server exited before ready' : `not ready within ${timeoutS}s`;
    }
  } else {
    out.ok = false;
    out.error = exited ? `server exited (${exited.code ?? exited.sig}) before a handshake` : `no handshake within ${timeoutS}s`;
  }

  // Stop the whole group the spawn created (a wrapper such as bench/distributed-server.sh and its children).
  const group = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  group('SIGTERM');
  const killer = setTimeout(() => group('SIGKILL'), 5000);
  await exitP;
  clearTimeout(killer);
  group('SIGKILL'); // stragglers of the group, if any
  emit({});
  process.exit(out.ok ? 0 : 1);
}

main().catch((e) => { emit({ ok: false, error: String(e && e.message || e) }); process.exit(1); });
