// Sensor fan-out cost, side by side in one run: three sensors called directly (the floor), a naive
// delegate (rest arguments, a method lookup by name, try/catch), and setup()'s sensor over the same
// three. Sensors record to plain fields, as the design asks. Prints ns/event and the ratios.
import { setup } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 5_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

class FieldSensor {
  messagesIn = 0;
  commits = 0;
  commitMs = 0;
  onMessageIn(_tp, offset) {
    this.messagesIn += offset & 1;
  }
  onCommitInitiated() {}
  onCommitCompleted(_consumer, state) {
    this.commits++;
    this.commitMs += performance.now() - state;
  }
}

const direct = [new FieldSensor(), new FieldSensor(), new FieldSensor()];
const viaSetup = [new FieldSensor(), new FieldSensor(), new FieldSensor()];
const viaNaive = [new FieldSensor(), new FieldSensor(), new FieldSensor()];
const { sensor } = setup({ service: 'bench', plugins: viaSetup.map((s, i) => ({ name: `s${i}`, sensor: s })) });

const naive = {
  call(name, ...args) {
    for (const s of viaNaive) {
      try {
        s[name]?.(...args);
      } catch {
        // suppressed
      }
    }
  },
};

const [d0, d1, d2] = direct;
const cases = {
  'direct, 3 sensors: onMessageIn': () => {
    for (let i = 0; i < N; i++) {
      d0.onMessageIn('orders/0', i, null);
      d1.onMessageIn('orders/0', i, null);
      d2.onMessageIn('orders/0', i, null);
    }
  },
  'naive delegate: onMessageIn': () => {
    for (let i = 0; i < N; i++) naive.call('onMessageIn', 'orders/0', i, null);
  },
  'setup sensor: onMessageIn': () => {
    for (let i = 0; i < N; i++) sensor.onMessageIn('orders/0', i, null);
  },
  'direct, 3 sensors: commit pair': () => {
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      d0.onCommitInitiated(null);
      d1.onCommitInitiated(null);
      d2.onCommitInitiated(null);
      d0.onCommitCompleted(null, t);
      d1.onCommitCompleted(null, t);
      d2.onCommitCompleted(null, t);
    }
  },
  'setup sensor: commit pair': () => {
    for (let i = 0; i < N; i++) sensor.onCommitCompleted(null, sensor.onCommitInitiated(null));
  },
};

const best = {};
for (let round = 0; round < ROUNDS; round++) {
  // Interleave the cases each round so machine noise hits them alike.
  for (const [name, fn] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    fn();
    const ns = Number(process.hrtime.bigint() - start) / N;
    best[name] = Math.min(best[name] ?? Infinity, ns);
  }
}

console.log(`sensor fan-out, ${N.toLocaleString('en')} events x ${ROUNDS} rounds (best round), node ${process.version}`);
for (const [name, ns] of Object.entries(best)) console.log(`  ${name.padEnd(34)} ${ns.toFixed(2).padStart(7)} ns/event`);
const ratio = (a, b) => (best[a] / best[b]).toFixed(2);
console.log(`  ratio setup / direct, onMessageIn:    ${ratio('setup sensor: onMessageIn', 'direct, 3 sensors: onMessageIn')}x`);
console.log(`  ratio setup / naive, onMessageIn:     ${ratio('setup sensor: onMessageIn', 'naive delegate: onMessageIn')}x`);
console.log(`  ratio setup / direct, commit pair:    ${ratio('setup sensor: commit pair', 'direct, 3 sensors: commit pair')}x`);
console.log(`  target: <= 50 ns per event through a delegate of 3 sensors`);
if (direct.concat(viaSetup, viaNaive).reduce((n, s) => n + s.messagesIn + s.commits, 0) === -1) console.log('unreachable');
