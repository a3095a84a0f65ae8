// Side by side, in one run: the StatsD ingest path (parse + aggregate) against the same lines
// recorded into prom-client's live metrics (the anchor: what a server built on prom-client does),
// then signed HTTP batch ingest over loopback.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import client from 'prom-client';
import { BATCH_PATH, newBatchId, SIGNATURE_HEADER, signBatch, TIMESTAMP_HEADER } from '@sightline/stats-protocol';
import ts from 'typescript';
import { createStatsServer } from '../dist/index.js';

// The anchor parses with the server's own StatsD parser (internal, so loaded from its source):
// both sides pay the same parse, the comparison is the aggregation and the exposition.
const parserSource = readFileSync(new URL('../src/statsd/parse-line.ts', import.meta.url), 'utf8');
const parserJs = ts.transpileModule(parserSource, {
  compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
}).outputText;
const { parseStatsdLine } = await import(`data:text/javascript;base64,${Buffer.from(parserJs).toString('base64')}`);

const LINES = 1_000_000;
const NAMES = 100;
const PACKET_LINES = 20;
const ROUNDS = 3;

// 100 names, half counters with a tag and a sample rate, half timers packed two values per line.
const packets = [];
{
  let lines = [];
  for (let i = 0; i < LINES; i++) {
    const n = i % NAMES;
    lines.push(n % 2 === 0 ? `app.requests.n${n}:1|c|@0.5|#route:/r${n % 5}` : `app.latency.n${n}:${i % 250}|ms:${(i * 7) % 250}|ms`);
    if (lines.length === PACKET_LINES) {
      packets.push(lines.join('\n'));
      lines = [];
    }
  }
}

let lastServer;
let lastRegistry;

function ours() {
  const server = (lastServer = createStatsServer({ secrets: 'bench' }));
  const t0 = performance.now();
  for (const p of packets) server.ingestStatsd(p);
  const ms = performance.now() - t0;
  const s = server.snapshot();
  if (s.server.statsdLines !== LINES) throw new Error(`expected ${LINES} lines, got ${s.server.statsdLines}`);
  return ms;
}

function anchor() {
  const registry = (lastRegistry = new client.Registry());
  const counters = new Map();
  const histograms = new Map();
  const t0 = performance.now();
  for (const p of packets) {
    for (const line of p.split('\n')) {
      const r = parseStatsdLine(line);
      if (!r.ok) throw new Error(r.error);
      for (const s of r.samples) {
        const name = s.name.replace(/[^A-Za-z0-9_]/g, '_');
        if (s.type === 'counter') {
          let c = counters.get(name);
          if (!c)
            counters.set(
              name,
              (c = new client.Counter({ name: `${name}_total`, help: name, labelNames: ['route'], registers: [registry] })),
            );
          c.inc(s.tags ?? {}, s.value / s.sampleRate);
        } else {
          let h = histograms.get(name);
          if (!h) histograms.set(name, (h = new client.Histogram({ name: `${name}_seconds`, help: name, registers: [registry] })));
          h.observe(s.value / 1000);
        }
      }
    }
  }
  return performance.now() - t0;
}

const best = { ours: Infinity, anchor: Infinity };
for (let r = 0; r < ROUNDS; r++) {
  best.anchor = Math.min(best.anchor, anchor());
  best.ours = Math.min(best.ours, ours());
}
const rate = (ms) => `${(((LINES / ms) * 1000) / 1e6).toFixed(2)}M lines/s`;
console.log(
  `StatsD ingest, ${LINES.toLocaleString('en')} lines over ${NAMES} names, ${PACKET_LINES} lines per packet, best of ${ROUNDS}, node ${process.version}:`,
);
console.log(`  stats-server (parse + aggregate)        ${best.ours.toFixed(0).padStart(6)} ms  ${rate(best.ours)}`);
console.log(`  same parser + prom-client live metrics  ${best.anchor.toFixed(0).padStart(6)} ms  ${rate(best.anchor)}`);
console.log(`  ratio: ${(best.anchor / best.ours).toFixed(2)}x the prom-client anchor`);

// Scrape: what the rounds above received, rendered as Prometheus text by the server (through
// @sightline/exposition's renderer) against prom-client's registry.metrics() over the anchor's metrics.
{
  const SCRAPES = 200;
  const time = async (fn) => {
    const samples = [];
    for (let i = 0; i < SCRAPES; i++) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
    }
    return samples.sort((a, b) => a - b)[SCRAPES >> 1];
  };
  const lines = (text) => text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const oursText = await lastServer.metrics.render();
  const anchorText = await lastRegistry.metrics();
  const scrape = { ours: Infinity, anchor: Infinity };
  for (let r = 0; r < ROUNDS; r++) {
    scrape.anchor = Math.min(scrape.anchor, await time(() => lastRegistry.metrics()));
    scrape.ours = Math.min(scrape.ours, await time(() => lastServer.metrics.render()));
  }
  console.log(`Scrape (Prometheus text), median of ${SCRAPES}, best of ${ROUNDS}:`);
  console.log(`  stats-server metrics.render()           ${scrape.ours.toFixed(3).padStart(8)} ms  (${lines(oursText)} samples)`);
  console.log(`  prom-client registry.metrics()          ${scrape.anchor.toFixed(3).padStart(8)} ms  (${lines(anchorText)} samples)`);
  console.log(`  ratio: ${(scrape.anchor / scrape.ours).toFixed(2)}x the prom-client anchor`);
}

// HTTP: signed batches of 500 metrics over loopback, 8 keep-alive connections.
const BATCHES = 2_000;
const PER_BATCH = 500;
const server = createStatsServer({ port: 0, secrets: 'bench' });
await server.start();
const { url } = server.address();
// Each batch its own id, as a client sends them (the server applies a batch id once).
const metricLists = Array.from({ length: 16 }, (_, b) =>
  JSON.stringify(
    Array.from({ length: PER_BATCH }, (_, i) =>
      i % 2 === 0
        ? { type: 'counter', name: `http.n${i % NAMES}`, value: 1, tags: { batch: String(b % 4) } }
        : { type: 'timer', name: `http.t${i % NAMES}`, values: [i % 100, (i * 3) % 100] },
    ),
  ),
);
const bodyOf = (list) => `{"v":1,"id":"${newBatchId()}","metrics":${list}}`;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const post = (body) =>
  new Promise((resolve, reject) => {
    const ts = String(Date.now());
    const sig = signBatch('bench', ts, body);
    const req = request(
      `${url}${BATCH_PATH}`,
      { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: sig } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
const t0 = performance.now();
for (let i = 0; i < BATCHES; i += 16) await Promise.all(metricLists.map((list) => post(bodyOf(list))));
const ms = performance.now() - t0;
agent.destroy();
await server.close();
const bytes = Buffer.byteLength(bodyOf(metricLists[0]));
console.log(`HTTP ingest, ${BATCHES} signed batches of ${PER_BATCH} metrics (${(bytes / 1024).toFixed(1)} KiB each), 8 connections:`);
console.log(`  ${((BATCHES / ms) * 1000).toFixed(0)} batches/s, ${((((BATCHES * PER_BATCH) / ms) * 1000) / 1e6).toFixed(2)}M metrics/s`);
