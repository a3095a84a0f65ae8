// Request/response round trips per second over loopback, side by side in one run: hooks off, and the
// same client and server with three combined hooks objects that do real counting on both sides.
// Rounds are interleaved (and the order alternates) so machine noise hits both cases alike; the
// overhead is the median over rounds of the paired ratio, on wall-clock rate and on CPU time per
// request (client and server share this process, so process.cpuUsage() covers both sides and is far
// less disturbed by other processes on a shared machine than wall-clock time).
// Runs against dist/: `pnpm build` first.
import { combineHooks, toDispatcher } from '@sightline/core';
import { createWsServer, WsClient } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);

// Three hooks objects as users would write them: counters by op, byte totals, a latency histogram.
function countingHooks() {
  const requests = new Map();
  const errors = new Map();
  let connects = 0;
  let disconnects = 0;
  const counters = {
    onWsConnect: () => connects++,
    onWsDisconnect: () => disconnects++,
    onRequest: (op) => requests.set(op, (requests.get(op) ?? 0) + 1),
    onError: (op, type) => errors.set(`${op}|${type}`, (errors.get(`${op}|${type}`) ?? 0) + 1),
  };
  const bytes = { sent: 0, recv: 0, frames: 0 };
  const byteTotals = {
    onWsMessageSent: (_op, n) => {
      bytes.sent += n;
      bytes.frames++;
    },
    onWsMessageRecv: (_op, n) => {
      bytes.recv += n;
      bytes.frames++;
    },
  };
  const bounds = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, Infinity];
  const buckets = new Float64Array(bounds.length);
  let sum = 0;
  const histogram = {
    onRequest: (_op, secs) => {
      let i = 0;
      while (secs > bounds[i]) i++;
      buckets[i]++;
      sum += secs;
    },
  };
  return { hooks: combineHooks(counters, byteTotals, histogram), requests, bytes, buckets, sum: () => sum };
}

const handlers = {
  'order.get': (p) => ({ id: p.id, status: 'open', items: 3, total: 42.5 }),
};

async function setUp(hooks) {
  const server = await createWsServer({ port: 0, host: '127.0.0.1', handlers, heartbeatIntervalMs: 0, ...(hooks ? { hooks } : {}) });
  const client = await WsClient.connect(`ws://127.0.0.1:${server.port}`, { heartbeatIntervalMs: 0, ...(hooks ? { hooks } : {}) });
  return { server, client };
}

function round(client, n) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const next = () => {
      if (done === n) {
        const used = process.cpuUsage(cpu);
        resolve({
          rate: n / (Number(process.hrtime.bigint() - start) / 1e9),
          cpuUs: (used.user + used.system) / n,
        });
        return;
      }
      if (sent < n) {
        sent++;
        client.request('order.get', { id: sent }).then(() => {
          done++;
          next();
        }, reject);
      }
    };
    for (let i = 0; i < IN_FLIGHT; i++) next();
  });
}

const counting = countingHooks();
const cases = [
  { name: 'hooks off', ...(await setUp(undefined)), rates: [] },
  { name: '3 combined hooks, both sides', ...(await setUp(counting.hooks)), rates: [] },
];

for (const c of cases) await round(c.client, Math.min(N, 5_000)); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? cases : [...cases].reverse();
  for (const c of order) c.rates.push(await round(c.client, N));
}

for (const c of cases) {
  await c.client.close();
  await c.server.close();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => Math.round(x).toLocaleString('en').padStart(7);
console.log(
  `ws request/response round trips over loopback, ${N.toLocaleString('en')} requests x ${ROUNDS} interleaved rounds per case, ` +
    `${IN_FLIGHT} in flight, node ${process.version}`,
);
for (const c of cases) {
  const rates = c.rates.map((r) => r.rate);
  const cpu = c.rates.map((r) => r.cpuUs);
  console.log(
    `  ${c.name.padEnd(30)} median ${fmt(median(rates))} req/s (best ${fmt(Math.max(...rates))})   ` +
      `CPU ${median(cpu).toFixed(1).padStart(5)} us/request (client + server)`,
  );
}
const [off, on] = cases;
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const signed = (x) => `${x >= 0 ? '+' : ''}${pct(x)}`;
// Paired by round: each hooks-on round against the hooks-off round run next to it.
const rateChange = median(off.rates.map((r, i) => on.rates[i].rate / r.rate - 1));
const cpuChange = median(off.rates.map((r, i) => on.rates[i].cpuUs / r.cpuUs - 1));
console.log(`  hooks on vs off, median of paired rounds: req/s ${signed(rateChange)}, CPU per request ${signed(cpuChange)}`);
console.log(`  overhead of hooks: ${pct(Math.max(0, -rateChange, cpuChange))} (the worse of the two; target <= 5%)`);
// The same hook work without the network: the six dispatches one round trip makes (client: sent,
// recv, request; server: recv, request, sent), through the same combined hooks, timed alone. This
// figure is stable on a noisy machine; divided by a round trip's CPU time it is the hooks' share.
{
  const d = toDispatcher(countingHooks().hooks);
  const M = 1_000_000;
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < M; i++) {
      d.onWsMessageSent('order.get', 40);
      d.onWsMessageRecv('order.get', 40);
      d.onRequest('order.get', 0.00002);
      d.onWsMessageSent('order.get', 70);
      d.onWsMessageRecv('order.get', 70);
      d.onRequest('order.get', 0.00005);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / M);
  }
  const share = best / 1000 / median(off.rates.map((r) => r.cpuUs));
  console.log(`  hook work alone: ${best.toFixed(0)} ns per round trip = ${pct(share)} of a round trip's CPU time`);
}
const total = counting.requests.get('order.get') ?? 0;
console.log(
  `  hooks counted ${total.toLocaleString('en')} requests on both sides (expected ${(2 * (Math.min(N, 5_000) + N * ROUNDS)).toLocaleString('en')}), ` +
    `${counting.bytes.frames.toLocaleString('en')} frames, ${counting.bytes.sent.toLocaleString('en')} bytes sent, ` +
    `${counting.buckets.reduce((a, b) => a + b, 0).toLocaleString('en')} latencies (sum ${counting.sum().toFixed(2)} s)`,
);
