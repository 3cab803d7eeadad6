// Medians per scenario and label of a harness JSON-lines file (run.sh's OUT): rate, server CPU µs per operation
// (server CPU % × 10⁴ ÷ operations/s, as bench/report.js computes it), p50/p99 ms, lost, other processes' CPU %.
//   node bench/lib/ab-table.js FILE.jsonl   (first_handshake lines too: wall ms and server CPU s)
'use strict';
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (a) => {
  a = a.filter((x) => x != null && !Number.isNaN(x)).sort((x, y) => x - y);
  if (!a.length) return null;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const fmt = (x, d = 1) => (x == null ? '–' : x.toFixed(d));
const groups = {};
for (const r of rows) {
  const p = r.params || {};
  const key = r.scenario + (r.scenario === 'broadcast' ? `@${p.n}x${p.rate}` : p.rate ? `@${p.rate}` : '');
  ((groups[key] ??= {})[r.label] ??= []).push(r.metrics || {});
}
for (const [key, byLabel] of Object.entries(groups)) {
  console.log(`## ${key}`);
  if (key === 'first_handshake') {
    for (const [label, ms] of Object.entries(byLabel)) {
      const wall = ms.map((m) => m.first_handshake_ms), cpu = ms.map((m) => m.server_cpu_s);
      console.log(`${label.padEnd(12)} runs ${ms.length}  ms ${fmt(median(wall), 0)} [${wall.map((x) => fmt(x, 0)).join(', ')}]` +
        `  server CPU s ${fmt(median(cpu), 2)} [${cpu.map((x) => fmt(x, 2)).join(', ')}]  other % ${ms.map((m) => m.other_cpu_pct).join(',')}`);
    }
    continue;
  }
  for (const [label, ms] of Object.entries(byLabel)) {
    const ops = ms.map((m) => m.conn_per_s ?? m.acks_per_s ?? m.deliveries_per_s ?? m.achieved_per_s);
    const per = ms.map((m, i) => (m.server_cpu_pct != null && ops[i] ? (m.server_cpu_pct * 1e4) / ops[i] : null));
    const p50 = ms.map((m) => m.conn_p50_ms ?? m.p50_ms);
    const p99 = ms.map((m) => m.conn_p99_ms ?? m.p99_ms);
    console.log(`${label.padEnd(12)} runs ${ms.length}  ops/s ${fmt(median(ops), 0)}  µs/op ${fmt(median(per))} [${per.map((x) => fmt(x)).join(', ')}]` +
      `  p50 ${fmt(median(p50), 2)}  p99 ${fmt(median(p99), 2)}  lost ${ms.map((m) => m.lost ?? '–').join(',')}  other % ${ms.map((m) => m.other_cpu_pct).join(',')}`);
  }
}
