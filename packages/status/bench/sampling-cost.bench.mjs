// What one sampling round of the page costs when /metrics is large (#29: a stats-server filled to its
// memory budget by long-tagged StatsD lines): the page reading its charts' families as data
// (collect()) against the same page over the same source seen only through render(), as it read
// every source before (the whole exposition rendered and parsed each second). CPU time per round,
// in one run, rounds alternated; the ratio is what the page saves.
import { createStatusPage } from '@sightline/status';
import { setup } from '@sightline/setup';
import { statsServer } from '@sightline/stats-server';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TICKS = Number(process.env.BENCH_TICKS ?? 20);

const stats = statsServer({ port: 0, secrets: 'bench', maxMemoryBytes: 32 * 1024 * 1024 });
const obs = setup({ service: 'sampling-cost', plugins: [stats] });
await obs.start();
const tag = 'v'.repeat(990);
const lines = [];
for (let i = 0; i < 10_000; i++) lines.push(`hostile.m${i % 500}:1|c|#k:${tag}${i}`);
stats.server.ingestStatsd(lines.join('\n'));

const source = stats.metrics;
const byData = createStatusPage({ metrics: source, intervalMs: 60_000 });
const byText = createStatusPage({ metrics: { contentType: source.contentType, render: () => source.render() }, intervalMs: 60_000 });

async function cpuPerTick(page) {
  const start = process.cpuUsage();
  for (let i = 0; i < TICKS; i++) await page.sample();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / TICKS;
}

await cpuPerTick(byData);
await cpuPerTick(byText);
const data = [];
const text = [];
for (let r = 0; r < ROUNDS; r++) {
  data.push(await cpuPerTick(byData));
  text.push(await cpuPerTick(byText));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const body = await source.render();
console.log(
  `status sampling cost on Node ${process.versions.node}: ${stats.server.snapshot().server.series} series, /metrics ${(body.length / 1e6).toFixed(1)} MB`,
);
console.log(`  read as data (collect):   ${median(data).toFixed(2)} ms CPU per round, ${byData.stats().samplesRead} samples read`);
console.log(`  rendered and parsed:      ${median(text).toFixed(2)} ms CPU per round, ${byText.stats().samplesRead} samples read`);
console.log(
  `  ratio: ${(median(text) / median(data)).toFixed(0)}x less CPU; at one round a second, ${(median(data) / 10).toFixed(3)}% of a core`,
);
await byData.close();
await byText.close();
await obs.close();
