// End to end, as users feel it: 1,000,000 increments plus 1,000,000 timing samples, interleaved, over
// K counter names and K timer names (K = 100, 1,000 and 10,000 by default), and the clock stops when
// the receiver holds every value (Etsy statsd's admin port; stats-server's snapshot). Sightline
// (default settings, one pipeline()) beside hot-shots 17 in three modes (maxBufferSize 1432, 8192,
// and 8192 with its `aggregation` option), over UDP and TCP, cases alternated within each round.
// Prints delivered values/s (values held / time until held; a lossy run counts only what arrived),
// losses, the lines the daemon parsed per value delivered (its own `statsd.metrics_received`), and
// the floor: the daemon absorbing the very lines we send, pre-encoded, written at once over TCP.
//
// BENCH_KEYS=100,1000,10000  BENCH_N=1000000  BENCH_ROUNDS=5 (for 1,000 names; 3 for the others)
import net from 'node:net';
import StatsD from 'hot-shots';
import { createStatsServer } from '@sightline/stats-server';
import { StatsClient } from '../dist/index.js';
import { startStatsd } from './statsd-daemon.mjs';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const KEY_SETS = (process.env.BENCH_KEYS ?? '100,1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const roundsFor = (keys) => (keys === 1000 ? ROUNDS : Math.min(ROUNDS, 3));
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
    if (got >= TOTAL) return { at: now() - start, got };
    if (got !== last) {
      last = got;
      lastChange = now();
    } else if (now() - lastChange > 2) return { at: lastChange - start, got };
    await sleep(10);
  }
}

/** The burst every client records: an increment and a timing per step, names taken in turn. */
function record(r, counters, timers) {
  const keys = counters.length;
  for (let i = 0; i < N; i++) {
    r.increment(counters[i % keys]);
    r.timing(timers[i % keys], i % 997);
  }
}

function ours(protocol, names, destPort) {
  return async (prefix) => {
    const where = protocol === 'http' ? { destPort: server.address().port, secret: SECRET } : { destPort };
    const client = new StatsClient({ protocol, prefix, ...where });
    const start = now();
    let recorded;
    const delivered = client.pipeline((pipe) => {
      record(pipe, names.counters, names.timers);
      recorded = now() - start;
    });
    return { start, recorded, finish: async () => (await delivered, client.close()) };
  };
}

function hotShots(protocol, names, maxBufferSize, aggregation) {
  return async (prefix) => {
    const client = new StatsD({
      host: '127.0.0.1',
      port: protocol === 'udp' ? statsd.udpPort : statsd.tcpPort,
      protocol,
      prefix: `${prefix}.`,
      maxBufferSize,
      bufferFlushInterval: 1000,
      ...(aggregation ? { aggregation: { flushInterval: 1000 } } : {}),
    });
    const start = now();
    record(client, names.counters, names.timers);
    const recorded = now() - start;
    return { start, recorded, finish: () => new Promise((r) => client.close(() => r())) };
  };
}

/** Our TCP byte stream for this burst, captured once from a socket of our own (not timed). */
async function captureOurLines(names) {
  const chunks = [];
  const sink = net.createServer((s) => s.on('data', (d) => chunks.push(d)));
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  await ours('tcp', names, sink.address().port)('floor').then((run) => run.finish());
  await sleep(100);
  await new Promise((r) => sink.close(r));
  return Buffer.concat(chunks);
}

/** The floor: the daemon reading our pre-encoded lines, written at once on one connection. */
function replay(payload) {
  return async () => {
    const socket = net.connect(statsd.tcpPort, '127.0.0.1');
    await new Promise((r) => socket.on('connect', r));
    const start = now();
    socket.end(payload);
    return { start, recorded: 0, finish: async () => undefined };
  };
}

const heldAtServer = (names) => (prefix) => async () => {
  const snap = server.snapshot();
  let increments = 0;
  let samples = 0;
  for (const n of names.counters) increments += snap.counters[`${prefix}.${n}`] ?? 0;
  for (const n of names.timers) samples += snap.timers[`${prefix}.${n}`]?.count ?? 0;
  return { increments, samples };
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en');
const loadavg = async () => (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim();

console.log(
  `@sightline/stats delivery bench, node ${process.version}, hot-shots 17, Etsy statsd 0.9 and @sightline/stats-server on loopback`,
);
console.log(`load average at start: ${await loadavg()}`);

for (const keys of KEY_SETS) {
  const names = {
    counters: Array.from({ length: keys }, (_, i) => `c${i}`),
    timers: Array.from({ length: keys }, (_, i) => `t${i}`),
  };
  const payload = await captureOurLines(names);
  // The floor's lines carry the prefix `floor.`; each floor run is forgotten before the next.
  const cases = [
    { protocol: 'udp', client: 'sightline', make: ours('udp', names, statsd.udpPort) },
    { protocol: 'udp', client: 'hot-shots 1432', make: hotShots('udp', names, 1432, false) },
    { protocol: 'udp', client: 'hot-shots 8192', make: hotShots('udp', names, 8192, false) },
    { protocol: 'udp', client: 'hot-shots 8192 aggregation', make: hotShots('udp', names, 8192, true) },
    { protocol: 'tcp', client: 'sightline', make: ours('tcp', names, statsd.tcpPort) },
    { protocol: 'tcp', client: 'hot-shots 1432', make: hotShots('tcp', names, 1432, false) },
    { protocol: 'tcp', client: 'hot-shots 8192', make: hotShots('tcp', names, 8192, false) },
    { protocol: 'tcp', client: 'hot-shots 8192 aggregation', make: hotShots('tcp', names, 8192, true) },
    { protocol: 'floor', client: 'our lines, pre-encoded', make: replay(payload), prefix: 'floor' },
    ...(keys === 100 ? [{ protocol: 'http', client: 'sightline', make: ours('http', names) }] : []),
  ];
  const rounds = roundsFor(keys);
  const results = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of cases.entries()) {
      const prefix = c.prefix ?? `k${keys}r${round}c${i}`;
      const before = c.protocol === 'http' ? undefined : await statsd.lines();
      const run = await c.make(prefix);
      const held = c.protocol === 'http' ? heldAtServer(names)(prefix) : () => statsd.held(prefix);
      const outcome = await waitHeld(held, run.start);
      await run.finish();
      let lines;
      if (before !== undefined) {
        await sleep(50);
        const after = await statsd.lines();
        lines = { parsed: after.parsed - before.parsed, bad: after.bad - before.bad };
        await statsd.forget(prefix, [...names.counters, ...names.timers]);
      }
      const key = `${c.protocol} ${c.client}`;
      const list = results.get(key) ?? [];
      list.push({
        seconds: outcome.at,
        rate: outcome.got / outcome.at,
        lost: TOTAL - outcome.got,
        recorded: run.recorded,
        lines,
        got: outcome.got,
      });
      results.set(key, list);
      await sleep(200);
    }
  }

  console.log('');
  console.log(
    `${N.toLocaleString('en')} increments + ${N.toLocaleString('en')} timings, interleaved, over ${keys.toLocaleString('en')} + ${keys.toLocaleString('en')} names; median of ${rounds} alternated rounds; load average now ${await loadavg()}`,
  );
  console.log(
    `  ${'transport / client'.padEnd(34)} ${'delivered values/s'.padStart(19)} ${'delivered in'.padStart(13)} ${'lost (worst)'.padStart(13)} ${'lines parsed/value'.padStart(19)} ${'bad lines'.padStart(10)} ${'recording calls/s'.padStart(18)}`,
  );
  const perSecond = {};
  for (const [key, list] of results) {
    const s = median(list.map((r) => r.seconds));
    perSecond[key] = median(list.map((r) => r.rate));
    const lost = Math.max(...list.map((r) => r.lost));
    const rec = key.startsWith('floor') ? '' : fmt(TOTAL / median(list.map((r) => r.recorded)));
    const perValue = list[0].lines === undefined ? 'n/a' : median(list.map((r) => r.lines.parsed / r.got)).toFixed(4);
    const bad = list[0].lines === undefined ? 'n/a' : String(Math.max(...list.map((r) => r.lines.bad)));
    console.log(
      `  ${key.padEnd(34)} ${fmt(perSecond[key]).padStart(19)} ${`${(s * 1000).toFixed(0)} ms`.padStart(13)} ${lost.toLocaleString('en').padStart(13)} ${perValue.padStart(19)} ${bad.padStart(10)} ${rec.padStart(18)}`,
    );
  }
  for (const p of ['udp', 'tcp']) {
    const modes = ['hot-shots 1432', 'hot-shots 8192', 'hot-shots 8192 aggregation'];
    const bestMode = modes.reduce((a, b) => (perSecond[`${p} ${b}`] > perSecond[`${p} ${a}`] ? b : a));
    const ratio = perSecond[`${p} sightline`] / perSecond[`${p} ${bestMode}`];
    const floor = perSecond[`${p} sightline`] / perSecond['floor our lines, pre-encoded'];
    console.log(
      `  ${p}: sightline / hot-shots' best mode (${bestMode}): ${ratio.toFixed(2)}x; sightline / the daemon's floor for our lines: ${floor.toFixed(2)}x`,
    );
  }
}
await server.close();
statsd.stop();
