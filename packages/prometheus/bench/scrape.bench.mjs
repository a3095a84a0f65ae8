// Scrape cost, side by side in one run: prom-client's registry.metrics() in-process versus a full
// HTTP GET of /metrics served by our metricsHandler (render + HTTP on loopback), over one registry of
// about 30,000 exposition lines. Prints ms per scrape and the ratio (target <= 1.1x).
import { createServer, request } from 'node:http';
import { httpMetrics, metricsHandler, MetricsCollector } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

const collector = new MetricsCollector();
const registry = collector.registry;
for (let m = 0; m < 50; m++) {
  const c = collector.counter(`bench_counter_${m}_total`, `Counter ${m}`, { labels: ['route', 'status'] });
  for (let i = 0; i < 200; i++) c.inc({ route: `/api/resource_${i}`, status: String(200 + (i % 5)) }, i + 1);
}
for (let m = 0; m < 50; m++) {
  const g = collector.gauge(`bench_gauge_${m}`, `Gauge ${m}`, { labels: ['pool'] });
  for (let i = 0; i < 100; i++) g.set({ pool: `pool_${i}` }, i * 1.5);
}
const http = httpMetrics(collector);
for (let i = 0; i < 1000; i++) http.observe(i % 2 ? 'GET' : 'POST', `/api/endpoint_${i % 500}`, 200, (i % 97) / 100);
for (let m = 0; m < 9; m++) {
  const h = collector.histogram(`bench_histogram_${m}_seconds`, `Histogram ${m}`, { labels: ['op'] });
  for (let i = 0; i < 1000; i++) h.observe({ op: `op_${i % 100}` }, (i % 37) / 10);
}

const handler = metricsHandler(collector);
const server = createServer((req, res) => void handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });

function scrape() {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end();
  });
}

const promText = await registry.metrics();
const ourText = await scrape();
const lines = (t) => t.split('\n').filter((l) => l.length > 0).length;
console.log(
  `scrape of one registry: prom-client ${lines(promText).toLocaleString('en')} lines (${(promText.length / 1e6).toFixed(2)} MB), ` +
    `ours ${lines(ourText).toLocaleString('en')} lines (${(ourText.length / 1e6).toFixed(2)} MB); ${ROUNDS} interleaved rounds, node ${process.version}`,
);

const cases = {
  'prom-client registry.metrics()': () => registry.metrics(),
  'ours: collector.render() (no HTTP)': () => collector.render(),
  'ours: GET /metrics via metricsHandler': () => scrape(),
};
// Wall time suffers when the machine is shared; CPU time (user + system, both ends of the loopback
// connection are in this process) is the steadier figure. Both are printed.
const wall = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < 3; i++) for (const fn of Object.values(cases)) await fn();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const c0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    await fn();
    wall[name].push(Number(process.hrtime.bigint() - start) / 1e6);
    const c = process.cpuUsage(c0);
    cpu[name].push((c.user + c.system) / 1000);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of Object.keys(cases)) {
  console.log(
    `  ${name.padEnd(40)} cpu median ${median(cpu[name]).toFixed(1).padStart(6)} ms   wall median ${median(wall[name]).toFixed(1).padStart(6)} ms`,
  );
}
const ours = 'ours: GET /metrics via metricsHandler';
const anchor = 'prom-client registry.metrics()';
console.log(
  `  ratio ours over HTTP / prom-client in-process: cpu ${(median(cpu[ours]) / median(cpu[anchor])).toFixed(2)}x, ` +
    `wall ${(median(wall[ours]) / median(wall[anchor])).toFixed(2)}x (target <= 1.1x)`,
);

agent.destroy();
server.close();
