#!/usr/bin/env node
// bench/RESULTS.md from the raw results of bench/run-all.sh. Two sub-commands:
//
//   node bench/report.js meta --root DIR --harness DIR --command CMD --quick 0|1 --reps N --targets JSON [--load-args S]
//        [--warm S] [--cold 0|1] [--cold-echo-s S] [--mem-row 0|1] [--mem-warm-s S]
//        prints the run's metadata (date, machine, versions, commit, targets) as JSON
//   node bench/report.js report --meta F --results F [--smoke F] [--idle F] [--summary F] [--targets-file F]
//        [--cold F] [--handshake F] [--cold-summary F] [--mem F] [--raw DIR] [--elapsed S] [--failed "..."] --out RESULTS.md
//        writes the report: the warm rows (--results: the scenarios run with the harness's WARM, the
//        headline) and the cold rows (--handshake: time to first handshake; --cold: the first connections
//        and echo seconds of fresh processes), the memory row (--mem: RSS per idle connection at 10 000,
//        10 000 connections on a process warmed by echo, against that process's RSS just before them),
//        medians per scenario and server, ratios to Node, server CPU
//        per operation, idle CPU, the targets table with met / not met computed from the medians, and
//        the harness's own summaries (summarize.js) verbatim.
//
// Medians use the harness's rule (summarize.js): a run during which other processes used more than
// --noise [25] % of a core is left out when the group has at least one clean run.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const argv = process.argv.slice(2);
const cmd = argv[0];
const opt = (k, d) => { const i = argv.indexOf('--' + k); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d; };

function sh(file, args, fallback = null) {
  try { return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return fallback; }
}
function readJson(f, fallback = null) { try { return JSON.parse(fs.readFileSync(f, 'utf8')); } catch { return fallback; } }
function readJsonl(f) {
  if (!f || !fs.existsSync(f)) return [];
  const rows = [];
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try { rows.push(JSON.parse(line)); } catch { /* skip */ }
  }
  return rows;
}

// ============================== meta ==============================
function meta() {
  const root = path.resolve(opt('root', '.')), harness = path.resolve(opt('harness', '.'));
  const pkg = (name) => readJson(path.join(harness, 'node_modules', name, 'package.json'), {}).version || null;
  const deb = (name) => sh('dpkg-query', ['-W', '-f=${Version}', name]);
  const props = (() => { try { return fs.readFileSync(path.join(root, 'Directory.Packages.props'), 'utf8'); } catch { return ''; } })();
  const cpuinfo = (() => { try { return fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();
  const meminfo = (() => { try { return fs.readFileSync('/proc/meminfo', 'utf8'); } catch { return ''; } })();
  const osr = (() => { try { return /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))[1]; } catch { return null; } })();
  const runtimes = sh('dotnet', ['--list-runtimes'], '') || '';
  const rt = (name) => { const m = runtimes.split('\n').filter((l) => l.startsWith(name + ' ')).map((l) => l.split(' ')[1]); return m.length ? m[m.length - 1] : null; };
  const harnessFiles = ['load.js', 'run.sh', 'bench-all.sh', 'summarize.js', 'smoke.js', 'lib/clients.js', 'lib/stats.js', 'lib/quiet.js', 'peers/node-server.js', 'peers/flask_server.py'];
  const hash = require('crypto').createHash('sha256');
  for (const f of harnessFiles) { try { hash.update(f + '\0' + fs.readFileSync(path.join(harness, f))); } catch { hash.update(f + '\0missing'); } }
  const status = sh('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], '');
  const out = {
    date: new Date().toISOString(),
    command: opt('command', ''),
    quick: opt('quick', '0') === '1',
    reps: Number(opt('reps', '0')),
    load_args: opt('load-args', ''),
    warm_s: Number(opt('warm', '0')),
    cold: opt('cold', '0') === '1',
    cold_echo_s: Number(opt('cold-echo-s', '10')),
    mem_row: opt('mem-row', '0') === '1',
    mem_warm_s: Number(opt('mem-warm-s', '5')),
    targets: JSON.parse(opt('targets', '[]')),
    machine: {
      cpus: Number(sh('nproc', [], '0')),
      cpu_model: (/model name\s*:\s*(.+)/.exec(cpuinfo) || [])[1] || null,
      mem_gib: Math.round(Number((/MemTotal:\s+(\d+)/.exec(meminfo) || [0, 0])[1]) / 1048576 * 10) / 10,
      kernel: sh('uname', ['-r']),
      os: osr,
    },
    versions: {
      dotnet_sdk: sh('dotnet', ['--version']),
      dotnet_runtime: rt('Microsoft.NETCore.App'),
      aspnetcore_runtime: rt('Microsoft.AspNetCore.App'),
      orleans: (/<OrleansVersion>([^<]+)</.exec(props) || [])[1] || null,
      node: process.version,
      socket_io: pkg('socket.io'),
      socket_io_client: pkg('socket.io-client'),
      engine_io: pkg('engine.io'),
      ws: pkg('ws'),
      python3: sh('/usr/bin/python3', ['-c', 'import platform; print(platform.python_version())']),
      flask_socketio: deb('python3-flask-socketio'),
      python_socketio: deb('python3-socketio'),
      python_engineio: deb('python3-engineio'),
      eventlet: deb('python3-eventlet'),
    },
    orleanssocket: {
      commit: sh('git', ['-C', root, 'rev-parse', 'HEAD']),
      branch: sh('git', ['-C', root, 'rev-parse', '--abbrev-ref', 'HEAD']),
      commit_date: sh('git', ['-C', root, 'log', '-1', '--format=%cI']),
      dirty: !!status,
    },
    harness: { path: harness, sha256: hash.digest('hex').slice(0, 16) },
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

// ============================== report ==============================
const NOISE = Number(opt('noise', 25));
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (typeof x !== 'number') return String(x);
  const a = Math.abs(x);
  if (digits !== undefined) return x.toFixed(digits);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1).replace(/\.0$/, '');
  return String(Math.round(x * 100) / 100);
}
const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
const fmtRatio = (r) => (r === null ? '' : ` (${r >= 10 ? Math.round(r) : r.toFixed(2)}×)`);

// What is reported per scenario: [metric, label, lower-is-better]. "key" is scenario|variant as run.sh records it.
const SCENARIOS = [
  { key: 'connect|', title: 'connect — 1000 WebSocket connections, 50 handshakes in flight', rate: 'conn_per_s', op: 'handshake',
    metrics: [['conn_per_s', 'connections/s'], ['conn_p50_ms', 'handshake p50 ms'], ['conn_p99_ms', 'handshake p99 ms'], ['failed', 'failed'], ['rss_kb_per_conn', 'RSS growth KB per connection (after a warm-up that held 1 000)'], ['server_rss_mb_after', 'server RSS MB (1000 conn.)']] },
  { key: 'echo_latency|rate=5000', title: 'echo_latency — C=50, 5000 msg/s open loop (echo_ack)', rate: 'achieved_per_s', op: 'echo_ack at 5000/s',
    metrics: [['achieved_per_s', 'achieved msg/s'], ['p50_ms', 'RTT p50 ms'], ['p90_ms', 'RTT p90 ms'], ['p99_ms', 'RTT p99 ms'], ['max_ms', 'RTT max ms'], ['lost', 'lost']] },
  { key: 'echo_latency|rate=20000', title: 'echo_latency — C=50, 20000 msg/s open loop (echo_ack)', rate: 'achieved_per_s', op: 'echo_ack at 20000/s',
    metrics: [['achieved_per_s', 'achieved msg/s'], ['p50_ms', 'RTT p50 ms'], ['p90_ms', 'RTT p90 ms'], ['p99_ms', 'RTT p99 ms'], ['max_ms', 'RTT max ms'], ['lost', 'lost']] },
  { key: 'echo_throughput|', title: 'echo_throughput — C=50, 10 echo_acks in flight per client (closed loop)', rate: 'acks_per_s', op: 'echo_ack at saturation',
    metrics: [['acks_per_s', 'acks/s'], ['p50_ms', 'RTT p50 ms'], ['p99_ms', 'RTT p99 ms'], ['lost', 'lost']] },
  { key: 'broadcast|', title: 'broadcast — 500 receivers, 10 msg/s (5 000 deliveries/s)', rate: 'deliveries_per_s', op: 'broadcast delivery (500 @ 10/s)',
    metrics: [['deliveries_per_s', 'deliveries/s'], ['p50_ms', 'delivery p50 ms'], ['p99_ms', 'delivery p99 ms'], ['max_ms', 'delivery max ms'], ['lost', 'lost']] },
  { key: 'broadcast|n=1000,rate=40', title: 'broadcast — 1000 receivers, 40 msg/s (40 000 deliveries/s)', rate: 'deliveries_per_s', op: 'broadcast delivery (1000 @ 40/s)',
    metrics: [['deliveries_per_s', 'deliveries/s'], ['p50_ms', 'delivery p50 ms'], ['p99_ms', 'delivery p99 ms'], ['max_ms', 'delivery max ms'], ['lost', 'lost']] },
  { key: 'connect|n=10000', title: 'connect — 10 000 WebSocket connections, 50 handshakes in flight (memory at scale)', rate: 'conn_per_s', op: 'handshake (10 000)',
    metrics: [['conn_per_s', 'connections/s'], ['conn_p50_ms', 'handshake p50 ms'], ['conn_p99_ms', 'handshake p99 ms'], ['failed', 'failed'], ['rss_kb_per_conn', 'RSS growth KB per connection (a process that held 10 000 in its warm-up: not the cost of one; see "Memory")'], ['server_rss_mb_after', 'server RSS MB (10 000 conn.)']] },
  { key: 'polling|', title: 'polling — C=20, 200 msg/s, long-polling only', rate: 'achieved_per_s', op: 'echo_ack over polling',
    metrics: [['achieved_per_s', 'achieved msg/s'], ['p50_ms', 'RTT p50 ms'], ['p99_ms', 'RTT p99 ms'], ['lost', 'lost']] },
];
const COMMON = [['server_cpu_pct', 'server CPU % of a core'], ['gen_cpu_pct', 'generator CPU %']];

class NoData extends Error {}

function report() {
  const M = readJson(opt('meta'), {});
  const rows = readJsonl(opt('results'));
  const smoke = readJsonl(opt('smoke'));
  const idle = readJsonl(opt('idle'));
  const summary = (() => { try { return fs.readFileSync(opt('summary'), 'utf8').trim(); } catch { return ''; } })();
  const targetsSpec = readJson(opt('targets-file'), { targets: [] });
  const outFile = opt('out');
  const targets = M.targets || [];
  const byId = new Map(targets.map((t) => [t.id, t]));
  const names = { node: 'Node socket.io', flask: 'Flask-SocketIO', 'orleans-embedded': 'OrleansSocket embedded', 'orleans-distributed': 'OrleansSocket distributed', ceiling: 'ceiling' };
  const nameOf = (t) => names[t.id] || t.id;
  const labelOf = (id) => { const t = byId.get(id); if (!t) throw new NoData(`no target ${id}`); return t.label; };

  // groups: label|scenario|variant -> runs used (clean if any)
  const groups = new Map();
  for (const r of rows) {
    const k = `${r.label}|${r.scenario}|${r.variant || ''}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  // the runs of a group that count: the clean ones if any, else every successful one
  const pick = (rs) => {
    const ok = rs.filter((r) => r.ok !== false && r.metrics);
    const clean = ok.filter((r) => (r.metrics.other_cpu_pct ?? 0) <= NOISE);
    return { all: rs, use: clean.length ? clean : ok, clean: clean.length };
  };
  const medOf = (u, metric) => median(u.use.map((r) => r.metrics[metric]));
  // server CPU µs per operation, per run, then the median
  const cpuOf = (u, rateMetric) => median(u.use.map((r) => {
    const c = r.metrics.server_cpu_pct, n = r.metrics[rateMetric];
    return typeof c === 'number' && typeof n === 'number' && n > 0 ? c * 1e4 / n : null;
  }));
  const used = (label, key) => pick(groups.get(`${label}|${key}`) || []);
  const med = (label, key, metric) => medOf(used(label, key), metric);
  const cpuPerOp = (label, key, rateMetric) => cpuOf(used(label, key), rateMetric);
  const idleUse = (label) => pick(idle.filter((r) => r.label === label));
  const idleMed = (label, metric) => medOf(idleUse(label), metric);
  const smokeOf = (label) => smoke.filter((r) => r.label === label);

  // Cold rows: fresh processes, keyed by label and scenario (the cold echo's variant carries its window length).
  const coldRows = readJsonl(opt('cold'));
  const handshakes = readJsonl(opt('handshake'));
  const coldUse = (label, scen) => pick(coldRows.filter((r) => r.label === label && r.scenario === scen));
  const coldMed = (label, scen, metric) => medOf(coldUse(label, scen), metric);
  const coldCpuPerOp = (label, scen, rateMetric) => cpuOf(coldUse(label, scen), rateMetric);
  const hsUse = (label) => pick(handshakes.filter((r) => r.label === label));
  const hsMed = (label, metric) => medOf(hsUse(label), metric);
  const COLD_RATE = { connect: 'conn_per_s', echo_latency: 'achieved_per_s' };

  // The memory row: the connect run of 10 000 on a process warmed by echo (mem.jsonl also holds that echo).
  const memRows = readJsonl(opt('mem')).filter((r) => r.scenario === 'connect');
  const memUse = (label) => pick(memRows.filter((r) => r.label === label));
  const memMed = (label, metric) => medOf(memUse(label), metric);
  const memBefore = (label) => median(memUse(label).use.map((r) => (r.server && typeof r.server.rss_kb_before === 'number' ? r.server.rss_kb_before / 1024 : null)));

  const nodeLabel = byId.has('node') ? byId.get('node').label : null;
  const ceilLabel = byId.has('ceiling') ? byId.get('ceiling').label : null;
  const L = [];
  const p = (s = '') => L.push(s);

  // ---- header ----
  if (M.quick) {
    p('# OrleansSocket benchmark — QUICK functional run (NOT a measurement)');
    p();
    p(`> **This file comes from \`QUICK=1 bench/run-all.sh\`: one repetition, 3-second windows, WARM=${M.warm_s || 0}, no quiet gate,`);
    p('> on whatever else the machine was doing. It shows that the pipeline runs end to end and what each');
    p('> server did functionally. Its numbers are noise and must not be quoted as performance.**');
    p('> The measured results are `bench/RESULTS.md`, from a full run (`bench/run-all.sh`) on a quiet machine.');
  } else {
    p('# OrleansSocket benchmark results');
  }
  p();
  p('Generated by `bench/report.js` from the raw results of one `bench/run-all.sh` run; do not edit by hand — re-run.');
  p();
  const warmS = M.warm_s || 0;
  if (warmS > 0) {
    p(`**The warm figures are the headline.** Every row under "Warm" ran with the harness's \`WARM=${warmS}\`: ${warmS} s of the same scenario, unmeasured, against the same server process right before the measured run (connect: its whole run once more), because production servers are warm and V8 warms Node too.`);
  } else {
    p('**These rows ran without the harness\'s warm-up (`WARM=0`)**: every scenario measured a fresh process, so JIT and first-use costs are in every figure.');
  }
  p();
  if (M.cold) {
    p(`**Cold rows** are separate: the section "Cold: a fresh server process" and the targets whose names start with "cold". Each is a fresh server process: the time from its spawn to the first Socket.IO handshake (\`bench/lib/first-handshake.js\`), its first 1 000 connections (connect, \`WARM=0\`) and its first ${M.cold_echo_s} s of echo_ack at 5 000 msg/s (\`WARM=0\`, no load.js warm-up). A fresh server (autoscaling, deploys) pays these costs.`);
  } else {
    p('Cold rows were not measured in this run (`COLD=0`).');
  }
  p();
  if (M.mem_row) {
    p(`**RSS per idle connection** comes from its own runs (section "Memory"): a fresh process warmed by ${M.mem_warm_s} s of echo, then 10 000 connections; (RSS with them idle − RSS just before them) ÷ 10 000.`);
    p();
  }
  p('## Run');
  p();
  p(`- Command: \`${M.command || '?'}\``);
  p(`- Date: ${M.date || '?'} (start); ${opt('elapsed') ? `took ${Math.round(Number(opt('elapsed')) / 60)} min` : ''}`);
  p(`- Repetitions: ${M.reps} per scenario and server, interleaved (every repetition runs, for every server in turn: idle CPU, the warm scenarios${M.cold ? ', the cold rows' : ''}); a fresh server process per scenario run${warmS > 0 ? ` (warm: ${warmS} s unmeasured, then the measured run on the same process)` : ''}; server pinned to CPU 0, generator to CPU 1 (the harness's defaults); medians, ratios to Node from the same run.`);
  if (M.load_args) p(`- Extra load.js flags for every scenario (QUICK shortening): \`${M.load_args}\``);
  const mc = M.machine || {};
  p(`- Machine: ${mc.cpus} CPUs (${mc.cpu_model || '?'}), ${mc.mem_gib} GiB, ${mc.os || '?'}, kernel ${mc.kernel || '?'}`);
  const v = M.versions || {};
  const os = M.orleanssocket || {};
  p(`- OrleansSocket: commit \`${os.commit || '?'}\`${os.dirty ? ' **with uncommitted changes**' : ''} (branch ${os.branch || '?'}, ${os.commit_date || '?'}); Orleans ${v.orleans || '?'}`);
  p(`- .NET SDK ${v.dotnet_sdk || '?'}, runtime ${v.dotnet_runtime || '?'}, ASP.NET Core ${v.aspnetcore_runtime || '?'}`);
  p(`- Node ${v.node || '?'}; socket.io ${v.socket_io || '?'} (engine.io ${v.engine_io || '?'}, ws ${v.ws || '?'}); generator clients: the harness's lean client; socket.io-client ${v.socket_io_client || '?'} for the smoke check`);
  p(`- Python ${v.python3 || '?'}; Flask-SocketIO ${v.flask_socketio || 'not installed'}, python-socketio ${v.python_socketio || '?'}, python-engineio ${v.python_engineio || '?'}, eventlet ${v.eventlet || '?'} (Debian packages)`);
  p(`- Harness: shared/bench, copied unchanged (files' sha256 prefix \`${(M.harness || {}).sha256 || '?'}\`)`);
  if (opt('raw')) p(`- Raw results: \`${opt('raw')}/\` (JSON lines as load.js printed them)`);
  const failed = (opt('failed', '') || '').trim();
  if (failed) p(`- **Failures during the run:** ${failed}`);
  p();
  p('| server | label | what | command |');
  p('|---|---|---|---|');
  for (const t of targets) p(`| ${nameOf(t)} | \`${t.label}\` | ${t.description} | ${t.command ? '`' + t.command.replace(/\|/g, '\\|') + '`' : `harness peer (\`run.sh ${t.kind}\`)`} |`);
  p();

  // ---- smoke ----
  p('## Smoke: the event contract');
  p();
  p('The harness\'s `smoke` check (official socket.io-client 4.8.4 and the lean clients, websocket and polling; 14 checks), run twice on one server process: right after start ("cold"), then again ("warm").');
  p();
  p('| server | cold | warm | Engine.IO v3 handshake |');
  p('|---|---|---|---|');
  for (const t of targets.filter((x) => x.id !== 'ceiling')) {
    const s = smokeOf(t.label);
    const cell = (r) => (!r ? 'not run' : r.ok ? `pass (${Object.keys(r.checks || {}).length}/${Object.keys(r.checks || {}).length})`
      : `**fail**: ${Object.entries(r.checks || {}).filter(([, x]) => x !== true).map(([k, x]) => `${k}: ${x}`).join('; ') || r.error || '?'}`);
    p(`| ${nameOf(t)} | ${cell(s[0])} | ${cell(s[1])} | ${s.length ? (s[s.length - 1].eio3_accepted ? 'accepted' : 'rejected') : '–'} |`);
  }
  p();

  // ---- medians ----
  const cols = targets.map((t) => t.label);
  p(`## Warm (the headline): medians per scenario and server${warmS > 0 ? ` (WARM=${warmS})` : ''}`);
  p();
  p(`Median over the clean runs (other processes ≤ ${NOISE} % of a core during the window; noisy runs are used only when a group has no clean one). In parentheses: the ratio to Node (for latencies and CPU, above 1 means worse). "runs" is clean/total.`);
  p();
  for (const sc of SCENARIOS) {
    const present = cols.filter((l) => (groups.get(`${l}|${sc.key}`) || []).length);
    if (!present.length) continue;
    p(`### ${sc.title}`);
    p();
    p(`| metric | ${present.map((l) => nameOf(targets.find((t) => t.label === l))).join(' | ')} |`);
    p(`|---|${present.map(() => '---').join('|')}|`);
    for (const [metric, title] of [...sc.metrics, ...COMMON]) {
      const nodeV = nodeLabel ? med(nodeLabel, sc.key, metric) : null;
      p(`| ${title} | ${present.map((l) => { const x = med(l, sc.key, metric); return fmt(x) + (l !== nodeLabel && !['failed', 'lost'].includes(metric) ? fmtRatio(ratio(x, nodeV)) : ''); }).join(' | ')} |`);
    }
    p(`| runs | ${present.map((l) => { const u = used(l, sc.key); return `${u.clean}/${u.all.length}`; }).join(' | ')} |`);
    p(`| bound | ${present.map((l) => { const g = med(l, sc.key, 'gen_cpu_pct'), s = med(l, sc.key, 'server_cpu_pct'); return g >= 90 ? '⚠ generator' : s >= 90 ? 'server' : '–'; }).join(' | ')} |`);
    p();
  }
  p('Not run: Flask-SocketIO at 5000 and 20000 msg/s, at 1000 × 40 msg/s and with 10 000 connections (above its ceiling of about 1.8k acks/s and 11k deliveries/s, shared/bench/RESULTS.md); the ceiling for anything but connect (1 000) and echo (it answers nothing else).');
  p();

  // ---- CPU per op ----
  p('## Warm: server CPU per operation');
  p();
  p('Server CPU time (whole process tree) per operation in µs, median over runs: server CPU % × 10⁴ ÷ operations per second. In parentheses: × Node and, for echo_ack, × the bare ceiling (a Kestrel WebSocket endpoint that copies the ack bytes, bench/Ceiling). At fixed low rates this includes per-wakeup costs, so compare like with like; the saturated row (echo_throughput) is the cost of an ack at full load.');
  p();
  p(`| operation | ${cols.map((l) => nameOf(targets.find((t) => t.label === l))).join(' | ')} |`);
  p(`|---|${cols.map(() => '---').join('|')}|`);
  for (const sc of SCENARIOS) {
    if (!cols.some((l) => (groups.get(`${l}|${sc.key}`) || []).length)) continue;
    const nodeV = nodeLabel ? cpuPerOp(nodeLabel, sc.key, sc.rate) : null;
    const ceilV = ceilLabel && sc.key.startsWith('echo_') ? cpuPerOp(ceilLabel, sc.key, sc.rate) : null;
    p(`| ${sc.op} | ${cols.map((l) => {
      const x = cpuPerOp(l, sc.key, sc.rate);
      if (x === null) return '–';
      const parts = [];
      if (l !== nodeLabel && nodeV !== null) parts.push(`${fmtRatio(ratio(x, nodeV)).trim().slice(1, -1)} node`);
      if (l !== ceilLabel && ceilV !== null) parts.push(`${fmtRatio(ratio(x, ceilV)).trim().slice(1, -1)} ceiling`);
      return `${fmt(x)} µs${parts.length ? ` (${parts.join(', ')})` : ''}`;
    }).join(' | ')} |`);
  }
  p();

  // ---- cold ----
  if (coldRows.length || handshakes.length) {
    p('## Cold: a fresh server process');
    p();
    p(`Each block is a fresh server process, started as for the warm scenarios (pinned to CPU 0). Time to first handshake: from the spawn of the server until socket.io-client (websocket transport, retrying every ${((handshakes[0] || {}).params || {}).poll_ms || '?'} ms from the spawn on) has its CONNECT answered. First 1 000 connections and first echo seconds: the harness's \`run.sh\` with \`WARM=0\`, after its own readiness probe (one polling handshake), 1 s of settling and its wait for a quiet box, which comes after a start-up warm-up (\`SocketIO:WarmUp\`, on in the test hosts' \`bench\` profile; the row "spawn → /health/ready answers 200" says when it ended). Medians over the clean runs, ratio to Node in parentheses; "cold ÷ warm" compares with the same server's warm row of this run.`);
    p();
    const hsCols = targets.map((t) => t.label).filter((l) => hsUse(l).all.length || coldUse(l, 'connect').all.length || coldUse(l, 'echo_latency').all.length);
    const cell = (l, x, nodeV, noRatio) => fmt(x) + (l !== nodeLabel && !noRatio ? fmtRatio(ratio(x, nodeV)) : '');
    p(`| metric | ${hsCols.map((l) => nameOf(targets.find((t) => t.label === l))).join(' | ')} |`);
    p(`|---|${hsCols.map(() => '---').join('|')}|`);
    const row = (title, f, noRatio = false) => {
      const nodeV = nodeLabel ? f(nodeLabel) : null;
      p(`| ${title} | ${hsCols.map((l) => cell(l, f(l), nodeV, noRatio)).join(' | ')} |`);
    };
    const runs = (title, u) => p(`| ${title} | ${hsCols.map((l) => { const x = u(l); return `${x.clean}/${x.all.length}`; }).join(' | ')} |`);
    const echoS = M.cold_echo_s || '?';
    p(`| **time to first handshake** | ${hsCols.map(() => '').join(' | ')} |`);
    row('spawn → first Socket.IO handshake, ms', (l) => hsMed(l, 'first_handshake_ms'));
    row('server CPU s until then', (l) => hsMed(l, 'server_cpu_s'));
    row('server RSS MB then', (l) => hsMed(l, 'server_rss_mb'));
    row('attempts', (l) => hsMed(l, 'attempts'), true);
    // Ours only (the gateway's /health/ready): with SocketIO:WarmUp on, it answers 200 once the warm-up ended.
    if (handshakes.some((h) => h.metrics && h.metrics.ready_ms != null)) {
      row('spawn → /health/ready answers 200, ms', (l) => hsMed(l, 'ready_ms'), true);
      row('server CPU s until ready', (l) => hsMed(l, 'ready_cpu_s'), true);
    }
    runs('runs', hsUse);
    // The thin shape's gateway alone (bench/lib/gateway-join.sh): a fresh gateway joining a silo already running.
    if (handshakes.some((h) => h.label.endsWith('-join'))) {
      const nodeV = nodeLabel ? hsMed(nodeLabel, 'first_handshake_ms') : null;
      const joinCell = (l) => {
        const u = hsUse(`${l}-join`), x = medOf(u, 'first_handshake_ms');
        return x === null ? '' : `${fmt(x)}${fmtRatio(ratio(x, nodeV))}; ${fmt(medOf(u, 'server_cpu_s'))} s; ${u.clean}/${u.all.length} runs`;
      };
      p(`| a fresh gateway joining a running silo: spawn → first handshake, ms; its CPU; runs | ${hsCols.map(joinCell).join(' | ')} |`);
    }
    // One block per cold run.sh scenario: its metrics, server CPU per operation, and cold ÷ warm of one figure.
    const coldBlock = (title, scen, metrics, cpuTitle, vsWarm) => {
      p(`| **${title}** | ${hsCols.map(() => '').join(' | ')} |`);
      for (const [metric, t] of metrics) row(t, (l) => coldMed(l, scen, metric), ['failed', 'lost'].includes(metric));
      row(cpuTitle, (l) => coldCpuPerOp(l, scen, COLD_RATE[scen]));
      row(vsWarm.title, (l) => ratio(vsWarm.cold(l), vsWarm.warm(l)), true);
      runs('runs', (l) => coldUse(l, scen));
    };
    coldBlock('first 1 000 connections', 'connect',
      [['conn_per_s', 'connections/s'], ['conn_p50_ms', 'handshake p50 ms'], ['conn_p99_ms', 'handshake p99 ms'], ['failed', 'failed']],
      'server CPU µs per connection', { title: 'connections/s, cold ÷ warm',
        cold: (l) => coldMed(l, 'connect', 'conn_per_s'), warm: (l) => med(l, 'connect|', 'conn_per_s') });
    coldBlock(`first ${echoS} s of echo_ack at 5 000 msg/s`, 'echo_latency',
      [['achieved_per_s', 'achieved msg/s'], ['p50_ms', 'RTT p50 ms'], ['p99_ms', 'RTT p99 ms'], ['max_ms', 'RTT max ms'], ['lost', 'lost']],
      'server CPU µs per echo_ack', { title: 'CPU per echo_ack, cold ÷ warm',
        cold: (l) => coldCpuPerOp(l, 'echo_latency', 'achieved_per_s'), warm: (l) => cpuPerOp(l, 'echo_latency|rate=5000', 'achieved_per_s') });
    p();
  }

  // ---- memory ----
  if (memRows.length) {
    p('## Memory: RSS per idle connection at 10 000 connections');
    p();
    p(`Each run is a fresh server process (pinned to CPU 0) that first serves ${M.mem_warm_s || '?'} s of echo_ack at 5 000 msg/s (50 clients, which then disconnect: JIT, pools and caches warm, as a production server is), and then, on the same process without a warm-up (\`WARM=0\`), the connect scenario with 10 000 WebSocket connections (50 handshakes in flight), held idle for the harness's hold time. **RSS per idle connection = (RSS with the 10 000 connections idle − RSS of the same process just before them) ÷ 10 000**, both read by load.js (the server process tree's VmRSS). OrleansSocket's figure includes each connection's socket grain activation. The warm connect row above cannot give it: its warm-up connected and closed 10 000 first, and the second 10 000 re-use the memory those left.`);
    p();
    const memCols = targets.map((t) => t.label).filter((l) => memUse(l).all.length);
    p(`| metric | ${memCols.map((l) => nameOf(targets.find((t) => t.label === l))).join(' | ')} |`);
    p(`|---|${memCols.map(() => '---').join('|')}|`);
    const nodeMem = (f) => (nodeLabel && memUse(nodeLabel).all.length ? f(nodeLabel) : null);
    const mrow = (title, f, noRatio = false) => {
      const nodeV = nodeMem(f);
      p(`| ${title} | ${memCols.map((l) => fmt(f(l)) + (l !== nodeLabel && !noRatio ? fmtRatio(ratio(f(l), nodeV)) : '')).join(' | ')} |`);
    };
    mrow('**RSS KB per idle connection**', (l) => memMed(l, 'rss_kb_per_conn'));
    mrow('server RSS MB before (warm, no clients)', memBefore);
    mrow('server RSS MB with the 10 000', (l) => memMed(l, 'server_rss_mb_after'));
    mrow('connections/s', (l) => memMed(l, 'conn_per_s'));
    mrow('failed', (l) => memMed(l, 'failed'), true);
    p(`| runs | ${memCols.map((l) => { const u = memUse(l); return `${u.clean}/${u.all.length}`; }).join(' | ')} |`);
    p();
  }

  // ---- idle ----
  if (idle.length) {
    p('## Idle: no clients');
    p();
    p(`Each server started as for the scenarios (pinned to one core), ${(idle[0].params || {}).seconds || '?'} s after it answered its first handshake (plus a settle delay), with no client connected.`);
    p();
    p('| server | CPU % of a core | RSS MB | processes | runs |');
    p('|---|---|---|---|---|');
    for (const t of targets) {
      const u = idleUse(t.label);
      if (!u.all.length) continue;
      p(`| ${nameOf(t)} | ${fmt(idleMed(t.label, 'server_cpu_pct'))} | ${fmt(idleMed(t.label, 'server_rss_mb'))} | ${fmt(idleMed(t.label, 'server_processes'))} | ${u.clean}/${u.all.length} |`);
    }
    p();
  }

  // ---- targets ----
  p('## Targets');
  p();
  if (targetsSpec.source) { p(`Source of the targets: ${targetsSpec.source}`); p(); }
  p('Computed from the medians above by `bench/report.js` from `bench/targets.json`; "no data" when a scenario or server was not run or failed.');
  p();
  p('| target | measured | needed | result |');
  p('|---|---|---|---|');
  const api = {
    m: (id, key, metric) => { const x = med(labelOf(id), key, metric); if (x === null) throw new NoData(); return x; },
    cpu: (id, key) => { const sc = SCENARIOS.find((s) => s.key === key); const x = sc ? cpuPerOp(labelOf(id), key, sc.rate) : null; if (x === null) throw new NoData(); return x; },
    idle: (id, metric) => { const x = idleMed(labelOf(id), metric); if (x === null) throw new NoData(); return x; },
    smoke: (id) => { const s = smokeOf(labelOf(id)); if (!s.length) throw new NoData(); return s[s.length - 1].ok ? 1 : 0; },
    cold: (id, scen, metric) => { const x = coldMed(labelOf(id), scen, metric); if (x === null) throw new NoData(); return x; },
    coldCpu: (id, scen) => { const x = coldCpuPerOp(labelOf(id), scen, COLD_RATE[scen]); if (x === null) throw new NoData(); return x; },
    handshake: (id, metric) => { const x = hsMed(labelOf(id), metric); if (x === null) throw new NoData(); return x; },
    mem: (id, metric) => { const x = memMed(labelOf(id), metric); if (x === null) throw new NoData(); return x; },
  };
  const OPS = { '>=': (a, b) => a >= b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '<': (a, b) => a < b, '==': (a, b) => a === b };
  let met = 0, notMet = 0, noData = 0;
  for (const t of targetsSpec.targets || []) {
    let value = null, result;
    try {
      value = new Function('m', 'cpu', 'idle', 'smoke', 'cold', 'coldCpu', 'handshake', 'mem', `"use strict"; return (${t.expr});`)(
        api.m, api.cpu, api.idle, api.smoke, api.cold, api.coldCpu, api.handshake, api.mem);
      if (typeof value !== 'number' || Number.isNaN(value)) throw new NoData();
      result = OPS[t.op](value, t.threshold) ? (met++, '✅ met') : (notMet++, '❌ not met');
    } catch (e) {
      if (!(e instanceof NoData)) throw new Error(`target "${t.name}": ${e.message}`);
      value = null; noData++; result = 'no data';
    }
    const unit = t.unit ? ` ${t.unit}` : '';
    p(`| ${t.name} | ${value === null ? '–' : fmt(value) + unit} | ${t.op} ${fmt(t.threshold)}${unit} | ${result} |`);
  }
  p();
  p(`${met} met, ${notMet} not met, ${noData} without data.${M.quick ? ' (QUICK run: these verdicts are as noisy as its numbers.)' : ''}`);
  p();
  // The verdicts are computed; why a target is missed needs a profile, which lives with the write-up.
  if (notMet) {
    p('For each target not met: the gap, what explains it (with the profiles taken) and what would close it are in [`docs/performance.md`](../docs/performance.md), section "Measured".');
    p();
  }

  // ---- the harness's own summaries ----
  const coldSummary = (() => { try { return fs.readFileSync(opt('cold-summary'), 'utf8').trim(); } catch { return ''; } })();
  for (const [which, text, intro] of [
    ['warm', summary, 'All metrics of every warm scenario, with the harness\'s own saturation flags and noise columns.'],
    ['cold', coldSummary, 'The cold connect and echo runs (fresh processes, `WARM=0`).']]) {
    if (!text) continue;
    p(`## The harness's summary (summarize.js, verbatim): ${which}`);
    p();
    p(intro);
    p();
    p(text.replace(/^### /gm, '#### '));
    p();
  }
  fs.writeFileSync(outFile, L.join('\n').replace(/\n{3,}/g, '\n\n'));
}

if (cmd === 'meta') meta();
else if (cmd === 'report') report();
else { process.stderr.write('usage: report.js meta|report ... (see the header)\n'); process.exit(2); }
