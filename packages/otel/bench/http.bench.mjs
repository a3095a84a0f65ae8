// HTTP server instrumentation overhead, side by side in one run: autocannon against a node:http
// server (a child process per mode) with no instrumentation, with @sightline/otel (diagnostics
// channels, no monkeypatching) and with @opentelemetry/instrumentation-http. The server's own CPU
// time is read over IPC around each measured run, so autocannon's work does not count. Prints CPU
// us per request, the overhead of each instrumentation over the bare server, the ratio
// ours / theirs (target <= 0.5), and the attributes of one server span from each. Run after `pnpm build`.
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { ask, load as loadWith, start as startServer } from './child-servers.mjs';

const SERVER = fileURLToPath(new URL('./http-server.cjs', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MODES = ['none', 'ours', 'theirs'];

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
    const requests = result.requests.total;
    samples[s.mode].push({
      usPerRequest: (after - before) / requests,
      rps: result.requests.average,
      errors: result.errors + result.non2xx,
    });
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const best = (xs) => Math.min(...xs);
const stat = Object.fromEntries(
  MODES.map((m) => [
    m,
    {
      median: median(samples[m].map((x) => x.usPerRequest)),
      best: best(samples[m].map((x) => x.usPerRequest)),
      rps: median(samples[m].map((x) => x.rps)),
      errors: samples[m].reduce((n, x) => n + x.errors, 0),
    },
  ]),
);

console.log(`HTTP server instrumentation: ${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections, Node ${process.version}`);
console.log('mode                          CPU us/request (median / best)   overhead us/request (median)   req/s (median)');
const overhead = (m) => stat[m].median - stat.none.median;
const label = { none: 'no instrumentation', ours: '@sightline/otel', theirs: '@opentelemetry/instrumentation-http' };
for (const m of MODES) {
  console.log(
    `${label[m].padEnd(36)} ${stat[m].median.toFixed(1).padStart(7)} / ${stat[m].best.toFixed(1).padStart(6)}` +
      `${(m === 'none' ? '-' : overhead(m).toFixed(1)).padStart(22)}${String(Math.round(stat[m].rps)).padStart(26)}` +
      (stat[m].errors ? `   (${stat[m].errors} errors)` : ''),
  );
}
const ratio = overhead('ours') / overhead('theirs');
const bestRatio = (stat.ours.best - stat.none.best) / (stat.theirs.best - stat.none.best);
console.log(`overhead ours / theirs: ${ratio.toFixed(2)}x median, ${bestRatio.toFixed(2)}x best (target <= 0.5x)`);

// Same attributes: one server span from each instrumented server, and the metrics each recorded.
for (const s of servers.filter((x) => x.mode !== 'none')) {
  const report = await ask(s.child, 'report', 'report');
  console.log(`${label[s.mode]}: ${report.spans} spans exported; span ${JSON.stringify(report.span?.name)} attributes:`);
  console.log(
    `  ${Object.keys(report.span?.attributes ?? {})
      .sort()
      .join(', ')}`,
  );
  console.log(`  metrics: ${report.metrics.join(', ')}`);
}
for (const s of servers) s.child.send('exit');
await Promise.all(servers.map((s) => once(s.child, 'exit')));
