// Cost of a sensor event, side by side in one run: a direct call of a minimal sensor, one Monitor,
// a SensorDelegate of three sensors (Monitor, HealthMonitor and a counting BaseSensor subclass), and
// the anchor, prom-client's counter.inc(labels), the usual way to count in Node.js. One "event" is
// one sensor callback; each message fires four (onMessageIn, onStreamEventIn, onStreamEventOut,
// onMessageOut) over 8 partitions.
import { Counter, Registry } from 'prom-client';
import { HealthMonitor, Monitor, BaseSensor, SensorDelegate } from '../dist/index.js';

const MESSAGES = Number(process.env.BENCH_N ?? 2_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const EVENTS = MESSAGES * 4;
const TPS = Array.from({ length: 8 }, (_, i) => `orders/${i}`);

/** The anchor for "a direct call": a hand-written sensor bumping plain fields. */
class Direct {
  in = 0;
  out = 0;
  events = 0;
  active = 0;
  lastOffset = -1;
  onMessageIn(_tp, offset) {
    this.in++;
    this.lastOffset = offset;
  }
  onMessageOut() {
    this.out++;
  }
  onStreamEventIn() {
    this.events++;
    this.active++;
  }
  onStreamEventOut() {
    this.active--;
  }
}

class Counting extends BaseSensor {
  in = 0;
  out = 0;
  events = 0;
  onMessageIn() {
    this.in++;
  }
  onMessageOut() {
    this.out++;
  }
  onStreamEventIn() {
    this.events++;
  }
  onStreamEventOut() {}
}

// Each case gets its own copy of the loop (compiled apart), so one case's call sites never see
// another case's sensor classes: every case runs as it would alone in a consumer.
const LOOP = `
  for (let i = 0; i < MESSAGES; i++) {
    const tp = TPS[(i >> 6) & 7]; // runs of 64 messages per partition, as a consumer batch gives
    sensor.onMessageIn(tp, i, null);
    const state = sensor.onStreamEventIn(tp, i, null, null);
    sensor.onStreamEventOut(tp, i, null, null, state);
    sensor.onMessageOut(tp, i, null);
  }`;
function drive(sensor) {
  return new Function('sensor', 'TPS', 'MESSAGES', `return () => {${LOOP}\n};`)(sensor, TPS, MESSAGES);
}

const registry = new Registry();
const promCounter = new Counter({ name: 'events_total', help: 'events', labelNames: ['tp', 'event'], registers: [registry] });
const promEvents = ['in', 'event_in', 'event_out', 'out'];

const cases = {
  'empty loop': () => {
    let x = 0;
    for (let i = 0; i < MESSAGES; i++) x += TPS[(i >> 6) & 7].length;
    if (x === -1) console.log(x);
  },
  'direct call': drive(new Direct()),
  'one Monitor': drive(new Monitor()),
  'SensorDelegate of 3': drive(new SensorDelegate(new Monitor(), new HealthMonitor(), new Counting())),
  'prom-client counter.inc(labels)': () => {
    for (let i = 0; i < MESSAGES; i++) {
      const tp = TPS[(i >> 6) & 7];
      for (let e = 0; e < 4; e++) promCounter.inc({ tp, event: promEvents[e] });
    }
  },
};

const best = {};
for (let round = 0; round < ROUNDS; round++) {
  // Interleave the cases each round so machine noise hits them alike.
  for (const [name, fn] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    fn();
    const ns = Number(process.hrtime.bigint() - start) / EVENTS;
    best[name] = Math.min(best[name] ?? Infinity, ns);
  }
}

console.log(`sensor events, ${MESSAGES.toLocaleString('en')} messages x 4 events x ${ROUNDS} rounds (best round), node ${process.version}`);
console.log(`  ${'case'.padEnd(34)} ${'ns/event'.padStart(9)} ${'events/s'.padStart(14)}`);
for (const [name, ns] of Object.entries(best)) {
  console.log(
    `  ${name.padEnd(34)} ${ns.toFixed(2).padStart(9)} ${Math.round(1e9 / ns)
      .toLocaleString('en')
      .padStart(14)}`,
  );
}
const ratio = (a, b) => (best[a] / best[b]).toFixed(2);
console.log(`  one Monitor / direct call:            ${ratio('one Monitor', 'direct call')}x`);
console.log(`  delegate of 3 / direct call:          ${ratio('SensorDelegate of 3', 'direct call')}x`);
console.log(`  delegate of 3 / one Monitor:          ${ratio('SensorDelegate of 3', 'one Monitor')}x`);
console.log(`  prom-client / delegate of 3:          ${ratio('prom-client counter.inc(labels)', 'SensorDelegate of 3')}x`);
const target = best['SensorDelegate of 3'] <= 50 ? 'met' : 'MISSED';
console.log(`  delegate of 3: ${best['SensorDelegate of 3'].toFixed(2)} ns/event (target <= 50 ns: ${target})`);
