// Side by side in one process: 1M counter increments over 100 names through pipeline() and through
// hot-shots 17 (buffered, and buffered with its `aggregation` option), then 1M timings over 100
// keys. Each client sends over UDP to a socket this script listens on, which counts the bytes,
// datagrams and increments / samples that arrive. Prints ops/s (client side, best of ROUNDS), the
// ratio to hot-shots' best mode, and what each put on the wire.
import { Worker } from 'node:worker_threads';
import StatsD from 'hot-shots';
import { StatsClient } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const KEYS = 100;
// Datagram size for both clients (hot-shots' maxBufferSize, our maxPacketBytes).
const PACKET = Number(process.env.BENCH_PACKET ?? 1432);
const names = Array.from({ length: KEYS }, (_, i) => `bench.counter.n${i}`);
const timers = Array.from({ length: KEYS }, (_, i) => `bench.timer.t${i}`);

// The receiving socket lives in a worker thread with its own event loop, so it reads while the
// main thread is busy sending, as a statsd daemon in another process would.
// BENCH_RCVBUF: the receiving socket's buffer in bytes (0: the system default, like a stock statsd).
const RCVBUF = Number(process.env.BENCH_RCVBUF ?? 0);
const RECEIVER = `
  const { parentPort } = require('node:worker_threads');
  const dgram = require('node:dgram');
  const socket = dgram.createSocket('udp4');
  const wire = { bytes: 0, datagrams: 0, increments: 0, samples: 0 };
  // Only keep datagrams while they arrive (the receiver must not be the bottleneck); count later.
  let pending = [];
  socket.on('message', (msg) => pending.push(msg));
  const count = () => {
    for (const msg of pending) {
      wire.bytes += msg.length;
      wire.datagrams++;
      for (const line of msg.toString().split('\\n')) {
        const parts = line.split(':');
        for (let i = 1; i < parts.length; i++) {
          const [value, type] = parts[i].split('|');
          if (type === 'c') wire.increments += Number(value);
          else if (type === 'ms') wire.samples++;
        }
      }
    }
    pending = [];
  };
  socket.bind(0, '127.0.0.1', () => {
    if (${RCVBUF} > 0) socket.setRecvBufferSize(${RCVBUF});
    parentPort.postMessage({ port: socket.address().port, rcvbuf: socket.getRecvBufferSize() });
  });
  parentPort.on('message', (cmd) => {
    count();
    if (cmd === 'reset') Object.assign(wire, { bytes: 0, datagrams: 0, increments: 0, samples: 0 });
    if (cmd === 'close') { socket.close(); parentPort.close(); return; }
    parentPort.postMessage({ ...wire });
  });
`;
const receiver = new Worker(RECEIVER, { eval: true });
const ask = (cmd) => new Promise((resolve) => receiver.once('message', resolve).postMessage(cmd));
const { port, rcvbuf } = await new Promise((resolve) => receiver.once('message', resolve));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function quiet() {
  // Wait until nothing has arrived for 150 ms.
  let last = -1;
  for (;;) {
    const { datagrams } = await ask('snapshot');
    if (datagrams === last) return;
    last = datagrams;
    await sleep(150);
  }
}
async function measure(run) {
  await quiet();
  await ask('reset');
  const start = process.hrtime.bigint();
  const { seconds, done } = await run();
  await done?.();
  const deliveredIn = Number(process.hrtime.bigint() - start) / 1e9;
  await quiet();
  return { seconds, deliveredIn, ...(await ask('snapshot')) };
}

const hotShots = (extra) => new StatsD({ host: '127.0.0.1', port, maxBufferSize: PACKET, bufferFlushInterval: 1000, ...extra });
const closeHotShots = (c) => new Promise((r) => c.close(() => r()));

const counterCases = {
  'sightline pipeline()': async () => {
    const client = new StatsClient({ protocol: 'udp', destPort: port, flushIntervalMs: 0, maxPacketBytes: PACKET });
    const start = process.hrtime.bigint();
    client.pipeline((pipe) => {
      for (let i = 0; i < N; i++) pipe.incr(names[i % KEYS]);
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, done: () => client.close() };
  },
  'hot-shots buffered': async () => {
    const client = hotShots({});
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) client.increment(names[i % KEYS]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, done: () => closeHotShots(client) };
  },
  'hot-shots buffered + aggregation': async () => {
    const client = hotShots({ aggregation: { flushInterval: 1000 } });
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) client.increment(names[i % KEYS]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, done: () => closeHotShots(client) };
  },
};

const timerCases = {
  'sightline pipeline()': async () => {
    const client = new StatsClient({ protocol: 'udp', destPort: port, flushIntervalMs: 0, maxBatchSize: 100_000, maxPacketBytes: PACKET });
    const start = process.hrtime.bigint();
    client.pipeline((pipe) => {
      for (let i = 0; i < N; i++) pipe.time(timers[i % KEYS], i % 1000);
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, done: () => client.close() };
  },
  'hot-shots buffered': async () => {
    const client = hotShots({});
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) client.timing(timers[i % KEYS], i % 1000);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, done: () => closeHotShots(client) };
  },
};

async function bench(title, cases, unit) {
  const best = {};
  const last = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const r = await measure(run);
      best[name] = Math.min(best[name] ?? Infinity, r.seconds);
      // Delivery figures: the worst round, so a lucky one does not hide losses.
      if (!last[name] || r[unit] < last[name][unit]) last[name] = r;
    }
  }
  console.log(`\n${title} (${N.toLocaleString('en')} ops, ${KEYS} keys; ops/s: recording calls, best of ${ROUNDS} rounds;`);
  console.log(`  sent in: until the client's flush/close returned; wire figures: the round where the fewest arrived)`);
  console.log(
    `  ${'client'.padEnd(34)} ${'ops/s'.padStart(12)} ${'sent in'.padStart(9)} ${'bytes on wire'.padStart(14)} ${'datagrams'.padStart(10)} ${`${unit} arrived`.padStart(22)}`,
  );
  for (const name of Object.keys(cases)) {
    const ops = N / best[name];
    const r = last[name];
    console.log(
      `  ${name.padEnd(34)} ${Math.round(ops).toLocaleString('en').padStart(12)} ${`${(r.deliveredIn * 1000).toFixed(0)} ms`.padStart(9)} ${r.bytes.toLocaleString('en').padStart(14)} ${r.datagrams.toLocaleString('en').padStart(10)} ${`${r[unit].toLocaleString('en')} / ${N.toLocaleString('en')}`.padStart(22)}`,
    );
  }
  return best;
}

console.log(
  `@sightline/stats bench, node ${process.version}, hot-shots 17, UDP datagrams up to ${PACKET} bytes to 127.0.0.1:${port}, receive buffer ${rcvbuf} bytes`,
);
const counters = await bench('1M counter increments', counterCases, 'increments');
const ours = counters['sightline pipeline()'];
const hotBest = Math.min(counters['hot-shots buffered'], counters['hot-shots buffered + aggregation']);
console.log(`  ratio pipeline() / hot-shots' best mode: ${(hotBest / ours).toFixed(1)}x (target >= 10x)`);

const timings = await bench('1M timings', timerCases, 'samples');
console.log(`  ratio pipeline() / hot-shots buffered: ${(timings['hot-shots buffered'] / timings['sightline pipeline()']).toFixed(1)}x`);

receiver.postMessage('close');
