// Hook dispatch cost, side by side in one run: a direct function call, a dispatcher with no hook
// set, a dispatcher with one hook, and one over three combined hooks. Prints ns/op and ratios.
import { combineHooks, toDispatcher } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 20_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

let sink = 0;
const hook = (_op, n) => {
  sink += n;
};
const direct = { onWsMessageSent: hook };
const none = toDispatcher(undefined);
const one = toDispatcher({ onWsMessageSent: hook });
const three = toDispatcher(combineHooks({ onWsMessageSent: hook }, { onWsMessageSent: hook }, { onWsMessageSent: hook }));

const cases = {
  'empty loop': () => {
    for (let i = 0; i < N; i++) sink += i & 1;
  },
  'direct call': () => {
    for (let i = 0; i < N; i++) direct.onWsMessageSent('read', i & 1);
  },
  'dispatcher, no hook set': () => {
    for (let i = 0; i < N; i++) none.onWsMessageSent('read', i & 1);
  },
  'dispatcher, one hook': () => {
    for (let i = 0; i < N; i++) one.onWsMessageSent('read', i & 1);
  },
  'dispatcher, 3 combined hooks': () => {
    for (let i = 0; i < N; i++) three.onWsMessageSent('read', i & 1);
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

console.log(`hook dispatch, ${N.toLocaleString('en')} calls x ${ROUNDS} rounds (best round), node ${process.version}`);
for (const [name, ns] of Object.entries(best)) console.log(`  ${name.padEnd(30)} ${ns.toFixed(2).padStart(7)} ns/call`);
const ratio = (a, b) => (best[a] / best[b]).toFixed(2);
console.log(`  ratio one hook / direct call:           ${ratio('dispatcher, one hook', 'direct call')}x (target <= 1.3x)`);
console.log(`  ratio no hook / empty loop:             ${ratio('dispatcher, no hook set', 'empty loop')}x`);
console.log(`  ratio no hook / direct call:            ${ratio('dispatcher, no hook set', 'direct call')}x`);
if (sink === -1) console.log(sink);
