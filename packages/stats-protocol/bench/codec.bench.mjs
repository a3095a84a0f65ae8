// Batch encoding and parsing, side by side in one run with the anchor, JSON.stringify / JSON.parse
// of the same batch: a client encodes every batch it flushes, a server parses every batch it gets.
// Encoding counts the bytes a transport sends (Buffer.from), so a lazily built string pays for its
// flattening. Prints the best µs per batch of each and the ratio to the anchor.
import { encodeBatch, parseBatch, signBatch, verifySignature } from '../dist/index.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

// A typical flush: 100 names, counters with a tag, gauges, timers with 10 samples, a small set.
// The anchor stringifies these objects as they are, which only a batch without extra fields allows.
const metrics = [];
for (let i = 0; i < 100; i++) {
  const name = `app.metric.n${i}`;
  if (i % 4 === 0) metrics.push({ type: 'counter', name, value: i * 3, tags: { route: `/r${i % 5}` } });
  else if (i % 4 === 1) metrics.push({ type: 'gauge', name, value: i / 7 });
  else if (i % 4 === 2) metrics.push({ type: 'timer', name, values: Array.from({ length: 10 }, (_, k) => ((i * k) % 250) + 0.5) });
  else metrics.push({ type: 'set', name, values: ['u1', 'u2', `u${i}`] });
}
const body = encodeBatch(metrics);
if (JSON.stringify(JSON.parse(body)) !== JSON.stringify({ v: 1, metrics })) throw new Error('encodeBatch differs from JSON.stringify');
const parsed = parseBatch(body);
if (!parsed.ok || parsed.errors.length !== 0 || parsed.metrics.length !== metrics.length) throw new Error('parseBatch refused the batch');
const timestamp = String(Date.now());
const signature = signBatch('bench-secret', timestamp, body);

let sink = 0;
const cases = {
  'JSON.stringify (anchor)': () => {
    for (let i = 0; i < BATCHES; i++) sink += Buffer.from(JSON.stringify({ v: 1, metrics }), 'utf8').length;
  },
  encodeBatch: () => {
    for (let i = 0; i < BATCHES; i++) sink += Buffer.from(encodeBatch(metrics), 'utf8').length;
  },
  'JSON.parse (anchor)': () => {
    for (let i = 0; i < BATCHES; i++) sink += JSON.parse(body).metrics.length;
  },
  parseBatch: () => {
    for (let i = 0; i < BATCHES; i++) {
      const r = parseBatch(body);
      sink += r.ok ? r.metrics.length : 0;
    }
  },
  'signBatch + verifySignature (2 secrets)': () => {
    for (let i = 0; i < BATCHES; i++) {
      sink += signBatch('bench-secret', timestamp, body).length;
      sink += verifySignature({ secrets: ['old', 'bench-secret'], timestamp, signature, body }) === 'ok' ? 1 : 0;
    }
  },
};

const best = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    fn();
    const us = Number(process.hrtime.bigint() - start) / 1e3 / BATCHES;
    best[name] = Math.min(best[name] ?? Infinity, us);
  }
}

console.log(
  `batch of ${metrics.length} metrics, ${body.length} bytes; best of ${ROUNDS} rounds of ${BATCHES} batches, node ${process.version}`,
);
const row = (name, anchor) => {
  const ratio = anchor ? `  ${(best[name] / best[anchor]).toFixed(2)}x ${anchor.replace(' (anchor)', '')}` : '';
  console.log(`${name.padEnd(42)} ${best[name].toFixed(1).padStart(8)} µs/batch${ratio}`);
};
row('JSON.stringify (anchor)');
row('encodeBatch', 'JSON.stringify (anchor)');
row('JSON.parse (anchor)');
row('parseBatch', 'JSON.parse (anchor)');
row('signBatch + verifySignature (2 secrets)');
if (sink === 42) console.log('');
