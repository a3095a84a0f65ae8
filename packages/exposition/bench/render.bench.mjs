// Rendering cost, side by side in one run: prom-client's registry.metrics() (read and format)
// against the same registry read through prom-client's public getMetricsAsJSON() and formatted by
// this package, straight and in slices, over about 35,000 exposition lines. Both read the series
// the same way, so the difference is the formatting. The bodies are compared line for line first.
// Prints CPU ms per render and the ratio (target <= 1x).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderExpositionBytes, renderExpositionSliced } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

const registry = new Registry();
for (let m = 0; m < 50; m++) {
  const c = new Counter({ name: `bench_counter_${m}_total`, help: `Counter ${m}`, labelNames: ['route', 'status'], registers: [registry] });
  for (let i = 0; i < 200; i++) c.inc({ route: `/api/resource_${i}`, status: String(200 + (i % 5)) }, i + 1);
}
for (let m = 0; m < 50; m++) {
  const g = new Gauge({ name: `bench_gauge_${m}`, help: `Gauge ${m}`, labelNames: ['pool'], registers: [registry] });
  for (let i = 0; i < 100; i++) g.set({ pool: `pool_${i}` }, i * 1.5);
}
for (let m = 0; m < 10; m++) {
  const h = new Histogram({ name: `bench_histogram_${m}_seconds`, help: `Histogram ${m}`, labelNames: ['op'], registers: [registry] });
  for (let i = 0; i < 1000; i++) h.observe({ op: `op_${i % 100}` }, (i % 37) / 10);
}

const sorted = (text) =>
  text
    .split('\n')
    .filter((l) => l.length > 0)
    .sort();
const theirs = sorted(await registry.metrics());
const ours = sorted(renderExpositionBytes(await registry.getMetricsAsJSON()).toString('utf8'));
if (theirs.join('\n') !== ours.join('\n'))
  throw new Error('the two renderers disagree: compare registry.metrics() with renderExposition()');
console.log(
  `render of one registry: ${ours.length.toLocaleString('en')} lines, the same in both; ${ROUNDS} interleaved rounds, node ${process.version}`,
);

// Each renderer keeps the previous body's size, as a source does, so the buffer is sized once.
let sizeHint;
const cases = {
  'prom-client registry.metrics()': () => registry.metrics(),
  'ours: renderExpositionBytes': async () => {
    const body = renderExpositionBytes(await registry.getMetricsAsJSON(), { sizeHint });
    sizeHint = body.length;
  },
  'ours: renderExpositionSliced': async () => {
    const body = await renderExpositionSliced(await registry.getMetricsAsJSON(), { sizeHint });
    sizeHint = body.length;
  },
};
const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < 3; i++) for (const fn of Object.values(cases)) await fn();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    cpu[name].push((c.user + c.system) / 1000);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of Object.keys(cases)) console.log(`  ${name.padEnd(34)} cpu median ${median(cpu[name]).toFixed(1).padStart(6)} ms`);
const anchor = median(cpu['prom-client registry.metrics()']);
console.log(
  `  ratio ours / prom-client: straight ${(median(cpu['ours: renderExpositionBytes']) / anchor).toFixed(2)}x, ` +
    `sliced ${(median(cpu['ours: renderExpositionSliced']) / anchor).toFixed(2)}x (target <= 1x)`,
);
