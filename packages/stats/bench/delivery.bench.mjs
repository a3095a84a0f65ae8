// End to end, as users feel it: 1,000,000 increments over 100 names plus 1,000,000 timing samples
// over 100 names, and the clock stops when the receiver holds every value (Etsy statsd's admin port;
// stats-server's snapshot). Sightline (default settings, one pipeline()) beside hot-shots 17 in its
// buffered mode and with its `aggregation` option, over UDP and TCP, rounds interleaved. Prints
// delivered values/s (values held / time until held; a lossy run counts only what arrived), losses,
// recording calls/s (second column) and the ratios.
import StatsD from 'hot-shots';
import { createStatsServer } from '@sightline/stats-server';
import { StatsClient } from '../dist/index.js';
import { startStatsd } from './statsd-daemon.mjs';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEYS = 100;
const COUNTERS = Array.from({ length: KEYS }, (_, i) => `c${i}`);
const TIMERS = Array.from({ length: KEYS }, (_, i) => `t${i}`);
const TOTAL = 2 * N;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e9;

const statsd = await startStatsd();
const SECRET = 'bench-secret';
const server = createStatsServer({ port: 0, secrets: [SECRET] });
await server.start();

/** Polls until `held()` reaches the total, or stops changing for 2 s; returns when and how much. */
async function waitHeld(held, start) {
  let last = -1;
  let lastChange = now();
  for (;;) {
    const h = await held();
    const got = h.increments + h.samples;
    if (got >= TOTAL) return { at: now() - start, got, h };
    if (got !== last) {
      last = got;
      lastChange = now();
    } else if (now() - lastChange > 2) return { at: lastChange - start, got, h };
    await sleep(10);
  }
}

function ours(protocol, prefix) {
  return async () => {
    const where =
      protocol === 'http'
        ? { destPort: server.address().port, secret: SECRET }
        : { destPort: protocol === 'udp' ? statsd.udpPort : statsd.tcpPort };
    const client = new StatsClient({ protocol, prefix, ...where });
    const start = now();
    let recorded;
    const delivered = client.pipeline((pipe) => {
      for (let i = 0; i < N; i++) pipe.incr(COUNTERS[i % KEYS]);
      for (let i = 0; i < N; i++) pipe.time(TIMERS[i % KEYS], i % 997);
      recorded = now() - start;
    });
    return { start, recorded, finish: async () => (await delivered, client.close()) };
  };
}

function hotShots(protocol, prefix, aggregation) {
  return async () => {
    const client = new StatsD({
      host: '127.0.0.1',
      port: protocol === 'udp' ? statsd.udpPort : statsd.tcpPort,
      protocol,
      prefix: `${prefix}.`,
      maxBufferSize: protocol === 'udp' ? 1432 : 8192,
      bufferFlushInterval: 1000,
      ...(aggregation ? { aggregation: { flushInterval: 1000 } } : {}),
    });
    const start = now();
    for (let i = 0; i < N; i++) client.increment(COUNTERS[i % KEYS]);
    for (let i = 0; i < N; i++) client.timing(TIMERS[i % KEYS], i % 997);
    const recorded = now() - start;
    return { start, recorded, finish: () => new Promise((r) => client.close(() => r())) };
  };
}

const heldAtServer = (prefix) => async () => {
  const snap = server.snapshot();
  let increments = 0;
  let samples = 0;
  for (const n of COUNTERS) increments += snap.counters[`${prefix}.${n}`] ?? 0;
  for (const n of TIMERS) samples += snap.timers[`${prefix}.${n}`]?.count ?? 0;
  return { increments, samples };
};

const CASES = [
  { protocol: 'udp', client: 'sightline', make: (p) => ours('udp', p) },
  { protocol: 'udp', client: 'hot-shots buffered', make: (p) => hotShots('udp', p, false) },
  { protocol: 'udp', client: 'hot-shots aggregation', make: (p) => hotShots('udp', p, true) },
  { protocol: 'tcp', client: 'sightline', make: (p) => ours('tcp', p) },
  { protocol: 'tcp', client: 'hot-shots buffered', make: (p) => hotShots('tcp', p, false) },
  { protocol: 'tcp', client: 'hot-shots aggregation', make: (p) => hotShots('tcp', p, true) },
  { protocol: 'http', client: 'sightline', make: (p) => ours('http', p) },
];

const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, c] of CASES.entries()) {
    const prefix = `r${round}k${i}`;
    const run = await c.make(prefix)();
    const held = c.protocol === 'http' ? heldAtServer(prefix) : () => statsd.held(prefix);
    const outcome = await waitHeld(held, run.start);
    await run.finish();
    if (c.protocol !== 'http') await statsd.forget(prefix, [...COUNTERS, ...TIMERS]);
    const key = `${c.protocol} ${c.client}`;
    const list = results.get(key) ?? [];
    list.push({ seconds: outcome.at, rate: outcome.got / outcome.at, lost: TOTAL - outcome.got, recorded: run.recorded });
    results.set(key, list);
    await sleep(300);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `@sightline/stats delivery bench, node ${process.version}, hot-shots 17, Etsy statsd 0.9 and @sightline/stats-server on loopback`,
);
console.log(
  `${N.toLocaleString('en')} increments over ${KEYS} names + ${N.toLocaleString('en')} timing samples over ${KEYS} names per run; median of ${ROUNDS} interleaved rounds;`,
);
console.log(
  'delivered: values the receiver holds / time until it holds them all (or stops receiving for 2 s); lost: values missing in the worst round;',
);
console.log('recording: calls/s in the caller');
console.log(
  `  ${'transport / client'.padEnd(30)} ${'delivered values/s'.padStart(19)} ${'delivered in'.padStart(13)} ${'lost (worst)'.padStart(13)} ${'recording calls/s'.padStart(18)}`,
);
const perSecond = {};
for (const [key, list] of results) {
  const s = median(list.map((r) => r.seconds));
  perSecond[key] = median(list.map((r) => r.rate));
  const lost = Math.max(...list.map((r) => r.lost));
  const rec = TOTAL / median(list.map((r) => r.recorded));
  console.log(
    `  ${key.padEnd(30)} ${Math.round(perSecond[key]).toLocaleString('en').padStart(19)} ${`${(s * 1000).toFixed(0)} ms`.padStart(13)} ${lost.toLocaleString('en').padStart(13)} ${Math.round(rec).toLocaleString('en').padStart(18)}`,
  );
}
for (const p of ['udp', 'tcp']) {
  const best = Math.max(perSecond[`${p} hot-shots buffered`], perSecond[`${p} hot-shots aggregation`]);
  console.log(`  ${p}: sightline / hot-shots' best mode, delivered values/s: ${(perSecond[`${p} sightline`] / best).toFixed(2)}x`);
}
await server.close();
statsd.stop();
