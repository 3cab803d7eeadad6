#!/usr/bin/env node
// Idle cost of a running server: CPU of its whole process tree (and RSS) over a window with no clients.
//   node bench/lib/idle.js --harness DIR --pid PID --seconds S --label L [--settle S]
// Uses the harness's own /proc readers (DIR/lib/stats.js), so the figures are comparable with load.js's.
// Prints one JSON line: {"scenario":"idle","label":L,"ok":true,"metrics":{server_cpu_pct,...}}.
'use strict';
const path = require('path');
const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf('--' + k); return i >= 0 ? argv[i + 1] : d; };
const S = require(path.resolve(opt('harness', '.'), 'lib', 'stats.js'));
const pid = Number(opt('pid', 0)), seconds = Math.min(Math.max(Number(opt('seconds', 10)), 1), 120), label = opt('label', '');
const out = { scenario: 'idle', label, ts: new Date().toISOString(), ok: true, params: { seconds }, metrics: {}, server: { pid } };
if (!pid || !require('fs').existsSync(`/proc/${pid}/stat`)) {
  process.stdout.write(JSON.stringify({ ...out, ok: false, error: `no process ${pid}` }) + '\n');
  process.exit(1);
}
const round = (x) => Math.round(x * 10) / 10;
const cpuA = S.treeCpuSec(pid), sysA = S.treeCpuSec(pid, true), allA = S.allProcTimes(), tA = S.nowMs();
setTimeout(() => {
  const dt = (S.nowMs() - tA) / 1000;
  const ours = new Set([...S.procTree(pid), process.pid, process.ppid]);
  const other = S.otherCpuSec(allA, S.allProcTimes(), ours);
  out.metrics = {
    server_cpu_pct: round((S.treeCpuSec(pid) - cpuA) / dt * 100),
    server_sys_pct: round((S.treeCpuSec(pid, true) - sysA) / dt * 100),
    server_rss_mb: round(S.treeRssKb(pid) / 1024),
    server_threads: S.treeThreads(pid),
    server_processes: S.procTree(pid).length,
    other_cpu_pct: round(other.user / dt * 100),
    kthread_cpu_pct: round(other.kthreads / dt * 100),
  };
  try { out.loadavg = require('fs').readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number); } catch { /* */ }
  process.stdout.write(JSON.stringify(out) + '\n');
}, seconds * 1000);
