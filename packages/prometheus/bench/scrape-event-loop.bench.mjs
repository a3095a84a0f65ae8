// Does a scrape stall the application? Side by side in one run, over one registry of about 112,000
// series: prom-client's registry.metrics() and our collector.render(), and a full GET /metrics
// through metricsHandler (streamed as it renders) in both formats, plain and gzip. The event loop's delay is measured with node:perf_hooks'
// monitorEventLoopDelay (1 ms resolution) only while each library scrapes; its max is the longest
// the application could not run. CPU per scrape beside it. Target: max <= 10 ms, CPU <= prom-client.
import { createServer, request, Agent } from 'node:http';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { metricsHandler, MetricsCollector } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const startLoad = loadavg();

const collector = new MetricsCollector();
const registry = collector.registry;
// One large metric (51,000 series), many mid-sized ones, and histograms: ~112,000 exposition lines.
const big = collector.counter('bench_requests_total', 'Requests', { labels: ['route', 'status'] });
for (let i = 0; i < 51_000; i++) big.inc({ route: `/api/resource_${i >> 2}`, status: String(200 + (i % 4)) }, i + 1);
for (let m = 0; m < 20; m++) {
  const c = collector.counter(`bench_counter_${m}_total`, `Counter ${m}`, { labels: ['shard'] });
  for (let i = 0; i < 1000; i++) c.inc({ shard: `s${i}` }, i);
}
for (let m = 0; m < 20; m++) {
  const g = collector.gauge(`bench_gauge_${m}`, `Gauge ${m}`, { labels: ['pool'] });
  for (let i = 0; i < 1000; i++) g.set({ pool: `pool_${i}` }, i * 1.5);
}
const h = collector.histogram('bench_latency_seconds', 'Latency', { labels: ['op'] });
for (let i = 0; i < 1500 * 4; i++) h.observe({ op: `op_${i % 1500}` }, (i % 37) / 10);

const handler = metricsHandler(collector);
const server = createServer((req, res) => void handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const scrape = (headers = {}) =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent, headers }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => resolve(n));
    });
    req.on('error', reject);
    req.end();
  });

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
const promText = await registry.metrics();
const ours = await collector.render();
const lines = (t) => t.split('\n').filter((l) => l.length > 0 && !l.startsWith('#')).length;
if (lines(promText) !== lines(ours)) throw new Error(`different sample counts: prom-client ${lines(promText)}, ours ${lines(ours)}`);
console.log(
  `scrape of ${lines(ours).toLocaleString('en')} series (${(ours.length / 1e6).toFixed(1)} MB), ${ROUNDS} interleaved rounds, node ${process.version}`,
);

// On a shared machine the process is descheduled now and then: an idle loop's longest delay over the
// same time is the floor under every figure.
const cases = {
  'idle loop for 60 ms (noise floor)': () => new Promise((resolve) => setTimeout(resolve, 60)),
  'prom-client registry.metrics()': () => registry.metrics(),
  'ours: collector.render()': () => collector.render(),
  'ours: GET /metrics text': () => scrape(),
  'ours: GET /metrics text, gzip': () => scrape({ 'accept-encoding': 'gzip' }),
  'ours: GET /metrics OpenMetrics': () => scrape({ accept: OPENMETRICS }),
  'ours: GET /metrics OpenMetrics, gzip': () => scrape({ accept: OPENMETRICS, 'accept-encoding': 'gzip' }),
};
const OURS = Object.keys(cases).filter((k) => k.startsWith('ours'));
const maxDelay = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
// The same gaps in CPU time: a 1 ms ticker reads process.cpuUsage(); the most CPU the process spent
// between two ticks is the longest block with the time it was descheduled left out, the steadier
// figure when the machine is shared (it also counts GC helper threads, so it errs high).
const maxCpuGap = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
function cpuTicker() {
  let last = process.cpuUsage();
  let worst = 0;
  const timer = setInterval(() => {
    const now = process.cpuUsage();
    const spent = (now.user - last.user + now.system - last.system) / 1000;
    if (spent > worst) worst = spent;
    last = now;
  }, 1);
  return {
    reset() {
      last = process.cpuUsage();
      worst = 0;
    },
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}
const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < 2; i++) for (const fn of Object.values(cases)) await fn();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    // reset() forgets the last tick too: let the timer tick again before the scrape, or a block
    // right at the start (all of prom-client's) is not seen.
    await new Promise((resolve) => setTimeout(resolve, 5));
    histogram.reset();
    const ticker = cpuTicker();
    await new Promise((resolve) => setTimeout(resolve, 3));
    ticker.reset();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    // One more turn of the loop so the last block is sampled.
    await new Promise((resolve) => setTimeout(resolve, 2));
    histogram.disable();
    maxCpuGap[name].push(ticker.stop());
    maxDelay[name].push(histogram.max / 1e6);
    cpu[name].push((c.user + c.system) / 1000);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const worst = (xs) => Math.max(...xs);
for (const name of Object.keys(cases)) {
  console.log(
    `  ${name.padEnd(40)} longest block: event-loop delay median ${median(maxDelay[name]).toFixed(1).padStart(6)} ms (worst ${worst(maxDelay[name]).toFixed(1).padStart(6)}), ` +
      `cpu between ticks median ${median(maxCpuGap[name]).toFixed(1).padStart(6)} ms (worst ${worst(maxCpuGap[name]).toFixed(1).padStart(6)})   cpu per scrape ${median(cpu[name]).toFixed(1).padStart(6)} ms`,
  );
}
const anchor = 'prom-client registry.metrics()';
const idle = 'idle loop for 60 ms (noise floor)';
console.log(
  `  load average during the run: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (start ${startLoad.map((l) => l.toFixed(2)).join(' ')})`,
);
for (const name of OURS) {
  console.log(
    `  ${name}: longest block ${median(maxDelay[name]).toFixed(1)} ms delay / ${median(maxCpuGap[name]).toFixed(1)} ms cpu vs prom-client ` +
      `${median(maxDelay[anchor]).toFixed(1)} / ${median(maxCpuGap[anchor]).toFixed(1)} ms, idle loop ${median(maxDelay[idle]).toFixed(1)} / ${median(maxCpuGap[idle]).toFixed(1)} ms (target <= 10 ms); ` +
      `cpu ${(median(cpu[name]) / median(cpu[anchor])).toFixed(2)}x prom-client's (target <= 1x)`,
  );
}
agent.destroy();
server.close();
