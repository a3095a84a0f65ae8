// A nested pair of async spans, side by side in one run: through the bridge's scope() versus raw
// tracer.startActiveSpan, on the same SDK (one TracerProvider, a SimpleSpanProcessor over an
// exporter that drops everything, the AsyncLocalStorage context manager configure() registers).
// Prints CPU us per pair (best of interleaved rounds) and the ratio. Run after `pnpm build`.
import { trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { OpenTelemetry, scope } from '../dist/index.js';

// Many short rounds, in a shuffled order each time, best round per case (CPU time): on a shared,
// noisy machine the fastest of many samples is the one least disturbed by other processes.
const N = Number(process.env.BENCH_N ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

let exported = 0;
const dropExporter = {
  export(spans, done) {
    exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: async () => undefined,
  forceFlush: async () => undefined,
};

OpenTelemetry.configure({
  service: 'bench',
  spanProcessors: [new SimpleSpanProcessor({ exporter: dropExporter })],
  metricReaders: [],
  logRecordProcessors: [],
  resourceDetectors: false,
  http: false,
});
// The raw anchor goes through the same provider, registered globally by configure().
const tracer = trace.getTracer('raw-anchor');
const observability = OpenTelemetry.observability();

const cases = {
  'raw tracer.startActiveSpan': async () => {
    for (let i = 0; i < N; i++) {
      await tracer.startActiveSpan('outer', async (outer) => {
        await tracer.startActiveSpan('inner', async (inner) => {
          await null;
          inner.end();
        });
        outer.end();
      });
    }
  },
  'bridge scope()': async () => {
    for (let i = 0; i < N; i++) {
      await scope('outer', async () => {
        await scope('inner', async () => {
          await null;
        });
      });
    }
  },
  'bridge observability().scope() root': async () => {
    for (let i = 0; i < N; i++) {
      await observability.scope('outer', async () => {
        await scope('inner', async () => {
          await null;
        });
      });
    }
  },
};

const best = {};
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const names = Object.keys(cases);
for (let round = 0; round < ROUNDS; round++) {
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  for (const name of names) {
    const fn = cases[name];
    // CPU time of this process rather than wall time: other processes competing for the CPU
    // stretch wall time, not the work this loop does.
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    const us = (used.user + used.system) / N;
    best[name] = Math.min(best[name] ?? Infinity, us);
    samples[name].push(us);
  }
}
await OpenTelemetry.close();
if (exported !== ROUNDS * N * 2 * Object.keys(cases).length) throw new Error(`expected every span exported, got ${exported}`);

console.log(`nested pair of async spans, ${N.toLocaleString('en')} pairs x ${ROUNDS} rounds (best round), node ${process.version}`);
for (const [name, us] of Object.entries(best)) console.log(`  ${name.padEnd(38)} ${us.toFixed(2).padStart(7)} us/pair`);
// Two views of the ratio: best round over best round, and the median of the ratios within each
// round (the cases of one round ran back to back, under the same machine load).
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const RAW = 'raw tracer.startActiveSpan';
const report = (label, name, target) => {
  const paired = median(samples[name].map((us, i) => us / samples[RAW][i]));
  console.log(`  ${label.padEnd(38)} best/best ${(best[name] / best[RAW]).toFixed(3)}x, median per round ${paired.toFixed(3)}x${target}`);
};
report('ratio bridge scope() / raw', 'bridge scope()', ' (target <= 1.15x)');
report('ratio observability root / raw', 'bridge observability().scope() root', '');
