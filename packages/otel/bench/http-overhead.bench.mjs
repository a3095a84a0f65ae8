// Issue #25's overhead budget: the per-request cost of Sightline's automatic HTTP metrics and spans
// (what `node --import @sightline/setup/register` turns on: setup() with otel, prometheus and health)
// against a bare node:http server and against @opentelemetry/instrumentation-http (the HTTP part of
// @opentelemetry/auto-instrumentations-node) with @opentelemetry/exporter-prometheus, side by side
// in one run. Each mode is a child process running the same app; runs alternate in a shuffled order
// each round, one at a time, under autocannon (keep-alive). The server's own CPU time is read over
// IPC around each run, so the load generator's work does not count. Prints CPU us per request,
// mean latency, the overhead of each mode over the bare server and the ratio ours / theirs
// (target <= 0.5). Run after `pnpm build`.
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { ask, load as loadWith, start as startServer } from './child-servers.mjs';

const SERVER = fileURLToPath(new URL('./http-overhead-server.cjs', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MODES = ['bare', 'ours', 'prom', 'runtime', 'theirs'];
const LABEL = {
  bare: 'bare node:http',
  ours: 'Sightline: otel + prometheus + health',
  prom: 'Sightline: prometheus + health only',
  runtime: 'prometheus (no HTTP metrics) + health',
  theirs: 'instrumentation-http + exporter-prometheus',
};

const start = (mode) => startServer(SERVER, mode);
const load = (url, seconds) => loadWith(url, seconds, CONNECTIONS);

const servers = await Promise.all(MODES.map(start));
// Warm up each server (JIT, the SDK's first spans) before measuring.
for (const s of servers) await load(s.url, 1);

const samples = Object.fromEntries(MODES.map((m) => [m, []]));
for (let round = 0; round < ROUNDS; round++) {
  // A shuffled order each round, so a noisy neighbour does not always hit the same mode.
  const order = [...servers].sort(() => Math.random() - 0.5);
  for (const s of order) {
    const before = await ask(s.child, 'cpu', 'cpu');
    const result = await load(s.url, SECONDS);
    const after = await ask(s.child, 'cpu', 'cpu');
    samples[s.mode].push({
      usPerRequest: (after - before) / result.requests.total,
      latencyMs: result.latency.mean,
      rps: result.requests.average,
      errors: result.errors + result.non2xx,
    });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = Object.fromEntries(
  MODES.map((m) => [
    m,
    {
      cpu: median(samples[m].map((x) => x.usPerRequest)),
      best: Math.min(...samples[m].map((x) => x.usPerRequest)),
      latency: median(samples[m].map((x) => x.latencyMs)),
      rps: median(samples[m].map((x) => x.rps)),
      errors: samples[m].reduce((n, x) => n + x.errors, 0),
    },
  ]),
);
const overhead = (m) => stat[m].cpu - stat.bare.cpu;

console.log(
  `HTTP overhead per request: ${ROUNDS} rounds x ${SECONDS} s per mode, autocannon ${CONNECTIONS} keep-alive connections, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}`,
);
console.log(`${'mode'.padEnd(44)}CPU us/req (median / best)  overhead us/req  mean latency ms     req/s`);
for (const m of MODES) {
  console.log(
    `${LABEL[m].padEnd(44)}${stat[m].cpu.toFixed(1).padStart(10)} / ${stat[m].best.toFixed(1).padStart(6)}` +
      `${(m === 'bare' ? '-' : overhead(m).toFixed(1)).padStart(17)}${stat[m].latency.toFixed(2).padStart(17)}` +
      `${String(Math.round(stat[m].rps)).padStart(10)}` +
      (stat[m].errors ? `   (${stat[m].errors} errors)` : ''),
  );
}
const ratio = overhead('ours') / overhead('theirs');
const bestRatio = (stat.ours.best - stat.bare.best) / (stat.theirs.best - stat.bare.best);
console.log(
  `overhead ours / theirs: ${ratio.toFixed(2)}x median, ${bestRatio.toFixed(2)}x best (target <= 0.5x); ` +
    `prometheus only / theirs: ${(overhead('prom') / overhead('theirs')).toFixed(2)}x; ` +
    `HTTP part of ours (ours - runtime) / theirs: ${((stat.ours.cpu - stat.runtime.cpu) / overhead('theirs')).toFixed(2)}x`,
);

// What each instrumented mode recorded, so the comparison is like for like.
for (const s of servers.filter((x) => x.mode !== 'bare' && x.mode !== 'runtime')) {
  const report = await ask(s.child, 'report', 'report');
  console.log(`${LABEL[s.mode]}: ${report.spans} spans exported${report.span ? `; server span ${JSON.stringify(report.span.name)}` : ''}`);
  if (report.span) console.log(`  span attributes: ${report.span.attributes.join(', ')}`);
  console.log(`  HTTP metrics: ${report.families.join(', ') || '(none)'}`);
}
for (const s of servers) s.child.send('exit');
await Promise.all(servers.map((s) => once(s.child, 'exit')));
