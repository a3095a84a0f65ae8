// A sensor event with Prometheus export on, side by side in one run: onMessageIn through a
// SensorDelegate of three sensors (PrometheusMonitor, a Monitor, a counting sensor) versus a
// prom-client counter.inc(labels) per event. Prints ns/event and the ratio (target <= 50 ns).
import { Counter, Registry } from 'prom-client';
import { Monitor, BaseSensor, SensorDelegate } from '@sightline/sensors';
import { MetricsCollector, PrometheusMonitor } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 2_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
// Eight partitions, consumed in runs of 64 messages, as a consumer fetches batches.
const TPS = Array.from({ length: 8 }, (_, i) => `orders/${i}`);
const LABELS = TPS.map((tp) => ({ topic: 'orders', partition: tp.slice(7) }));

class CountingSensor extends BaseSensor {
  count = 0;
  onMessageIn() {
    this.count++;
  }
}

const collector = new MetricsCollector();
const monitor = new PrometheusMonitor({ collector });
const delegate = new SensorDelegate(monitor, new Monitor(), new CountingSensor());
const registry = new Registry();
const counter = new Counter({ name: 'messages_received_total', help: 'x', labelNames: ['topic', 'partition'], registers: [registry] });
const message = {};

const cases = {
  'empty loop': () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += (i >> 6) & 7;
    return s;
  },
  'prom-client counter.inc(labels)': () => {
    for (let i = 0; i < N; i++) counter.inc(LABELS[(i >> 6) & 7], 1);
  },
  'PrometheusMonitor alone': () => {
    for (let i = 0; i < N; i++) monitor.onMessageIn(TPS[(i >> 6) & 7], i, message);
  },
  'SensorDelegate of 3 (PrometheusMonitor+2)': () => {
    for (let i = 0; i < N; i++) delegate.onMessageIn(TPS[(i >> 6) & 7], i, message);
  },
};

const best = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    fn();
    const ns = Number(process.hrtime.bigint() - start) / N;
    best[name] = Math.min(best[name] ?? Infinity, ns);
  }
}

// The figures are real: a scrape sees every event.
const text = await collector.render();
const received = Number(/^sightline_messages_received_total (\d+)$/m.exec(text)[1]);

console.log(`sensor event, ${N.toLocaleString('en')} events x ${ROUNDS} rounds (best round), node ${process.version}`);
for (const [name, ns] of Object.entries(best)) console.log(`  ${name.padEnd(42)} ${ns.toFixed(1).padStart(7)} ns/event`);
const d = best['SensorDelegate of 3 (PrometheusMonitor+2)'];
const p = best['prom-client counter.inc(labels)'];
console.log(
  `  delegate of 3 with Prometheus export: ${d.toFixed(1)} ns/event (target <= 50 ns); ${(p / d).toFixed(1)}x faster than counter.inc(labels)`,
);
console.log(
  `  scrape after the run: sightline_messages_received_total ${received.toLocaleString('en')} (= ${(N * ROUNDS * 2).toLocaleString('en')} events sent)`,
);
