// Memory soak: the demo at 1,500 requests/s for 60 s, in this process, with the heap measured after a
// full GC every 5 s. Once the order store reaches its cap (lowered here to 20,000 so it fills within
// the run), the heap must stay flat: anything that still grows is a leak. Run with --expose-gc (the
// bench script does). Prints the series, the slope after the cap, and a verdict.
import { startDemo } from '../dist/app.js';

const RATE = Number(process.env.SOAK_RATE ?? 1_500);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const MAX_ORDERS = 20_000;
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const app = await startDemo({
  host: '127.0.0.1',
  apiPort: 0,
  healthPort: 0,
  statsPort: 0,
  rate: RATE,
  failureRate: 0.05,
  partitions: 4,
  durationSecs: undefined,
  summaryEverySecs: 5,
  help: false,
  maxOrders: MAX_ORDERS,
});

const mb = (n) => (n / 1024 / 1024).toFixed(1);
const samples = [];
const started = Date.now();
let capReachedAt;
console.log(`demo soak: ${RATE} requests/s for ${SECONDS} s, order store capped at ${MAX_ORDERS}`);
console.log('   t (s) | orders processed | heap after GC (MB) | RSS (MB)');
for (let t = 5; t <= SECONDS; t += 5) {
  await new Promise((resolve) => setTimeout(resolve, started + t * 1000 - Date.now()));
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  const processed = app.summary().ordersTotal;
  if (capReachedAt === undefined && processed >= MAX_ORDERS * 1.1) capReachedAt = t;
  samples.push({ t, heapUsed, processed });
  console.log(`${String(t).padStart(8)} | ${String(processed).padStart(16)} | ${mb(heapUsed).padStart(18)} | ${mb(rss).padStart(8)}`);
}
await app.stop();

const after = samples.filter((s) => capReachedAt !== undefined && s.t >= capReachedAt);
if (after.length < 3) {
  console.log(`the store did not reach its cap in ${SECONDS} s (rate too low on this machine): no verdict`);
} else {
  // Least-squares slope of the heap after GC, once the stores are full.
  const n = after.length;
  const mt = after.reduce((a, s) => a + s.t, 0) / n;
  const mh = after.reduce((a, s) => a + s.heapUsed, 0) / n;
  const slope = after.reduce((a, s) => a + (s.t - mt) * (s.heapUsed - mh), 0) / after.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  const perHour = (slope * 3600) / 1024 / 1024;
  console.log(
    `after the cap (from ${capReachedAt} s): heap slope ${(slope / 1024).toFixed(1)} kB/s = ${perHour.toFixed(0)} MB/hour; range ${mb(Math.min(...after.map((s) => s.heapUsed)))}-${mb(Math.max(...after.map((s) => s.heapUsed)))} MB`,
  );
  // A short window is noisy: judge the spread after the cap, and show the slope beside it.
  const spread = Math.max(...after.map((s) => s.heapUsed)) - Math.min(...after.map((s) => s.heapUsed));
  console.log(spread < 2 * 1024 * 1024 ? 'verdict: flat (heap after GC within 2 MB once the stores are full)' : 'verdict: STILL GROWING');
}
process.exit(0);
