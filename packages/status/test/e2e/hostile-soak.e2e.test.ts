// The status page under the attack that used to turn it against the service (#29): a stats-server
// open to anyone on UDP and TCP is filled to its memory budget with long-tagged series, so /metrics
// is megabytes; the page samples every second with no browser open while /metrics is scraped every
// second and /health/live is probed. Every scrape is 200 and valid (promtool and the strict
// OpenMetrics parser), the page reads only what it charts, and RSS stays under the stats-server
// README's bound, and the page's own sampling costs under 2% of a core (its CPU time per round, measured
// in the service with nothing else in flight). Probe latencies are printed, not asserted (shared machines).
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openMetricsCheckAsync, promtoolProblemsAsync } from '../../../stats-server/test/e2e/checkers.js';

const TOKEN = 'hostile-soak-token';
const MAX_MEMORY_BYTES = 32 * 1024 * 1024;
// The health server streams the stats-server's /metrics as it renders (a chunk or two in memory), so
// the bound is the budget and 96 MiB of garbage and young generation, pinned to 16 MiB as the
// stats-server README advises.
const RSS_HEADROOM = MAX_MEMORY_BYTES + 96 * 1024 * 1024;
const WINDOW_SCRAPES = 8;

interface ChildStats {
  readonly status: { readonly samplesRead: number; readonly ticks: number; readonly series: number };
  readonly cpu: { readonly user: number; readonly system: number };
  readonly rss: number;
  readonly held: number;
  /** Since the previous stats: the longest event-loop delay, and the most CPU between two 1 ms ticks. */
  readonly loop: { readonly max: number; readonly cpuGap: number };
}

let child: ChildProcess;
let ports: { health: number; udp: number; tcp: number };
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: ports.health, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }),
      );
    });
    req.on('error', () => resolve({ status: -1, body: '', ms: performance.now() - start }));
    req.end();
  });
}

async function childStats(cmd: 'stats' | 'closePage' = 'stats'): Promise<ChildStats> {
  child.send({ cmd });
  const [message] = (await once(child, 'message')) as [ChildStats];
  return message;
}

/** CPU milliseconds of one sampling round of the page, in the service, nothing else in flight. */
async function pageRoundCpuMs(): Promise<number> {
  child.send({ cmd: 'pageCost' });
  const [message] = (await once(child, 'message')) as [{ roundCpuMs: number }];
  return message.roundCpuMs;
}

const cpuMs = (s: ChildStats) => (s.cpu.user + s.cpu.system) / 1000;
const percentile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

beforeAll(async () => {
  child = fork(join(__dirname, 'fixtures/hostile-service.mjs'), [], {
    env: { ...process.env, MAX_MEMORY_BYTES: String(MAX_MEMORY_BYTES), METRICS_TOKEN: TOKEN, SIGHTLINE_LOG: 'error' },
    execArgv: ['--max-semi-space-size=8'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  ports = JSON.parse(line.toString('utf8')) as typeof ports;
}, 60_000);

afterAll(async () => {
  agent.destroy();
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

/** 10,000 StatsD lines with 1,000-character tag values, unauthenticated: half over UDP, half over TCP. */
async function hostileBurst(): Promise<void> {
  const tag = 'v'.repeat(1000);
  const line = (i: number) => `hostile.m${i % 500}:1|c|#k:${tag.slice(0, 990)}${i}`;
  const tcp = connect(ports.tcp, '127.0.0.1');
  await once(tcp, 'connect');
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(line(i));
  tcp.end(`${lines.join('\n')}\n`);
  await once(tcp, 'close');
  const udp = createSocket('udp4');
  for (let i = 5000; i < 10_000; i++) {
    // Each datagram's callback runs once the kernel took it: no more than one in flight.
    await new Promise<void>((resolve) => udp.send(line(i), ports.udp, '127.0.0.1', () => resolve()));
  }
  udp.close();
}

test('a stats-server filled by hostile traffic: scrapes valid, the page reads what it charts, RSS under the bound', async () => {
  const baseline = (await childStats()).rss;
  await hostileBurst();
  // The service's loop figures count from here (the burst's ingestion is not what is measured).
  await childStats();
  let peak = 0;
  const liveMs: number[] = [];
  const scrapeMs: number[] = [];
  // The service's own longest event-loop delay and longest CPU block, each second.
  const loopMaxMs: number[] = [];
  const cpuGapMs: number[] = [];
  const problems: string[] = [];

  /** Scrapes every second for `n` seconds, probing /health/live ten times a second meanwhile. */
  async function window(n: number): Promise<void> {
    for (let s = 0; s < n; s++) {
      const tick = new Promise((resolve) => setTimeout(resolve, 1000));
      const probes = (async () => {
        for (let p = 0; p < 10; p++) {
          const live = await get('/health/live');
          if (live.status !== 200) problems.push(`/health/live answered ${live.status}`);
          liveMs.push(live.ms);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const openMetrics = s % 2 === 1;
      const scrape = await get('/metrics', {
        authorization: `Bearer ${TOKEN}`,
        ...(openMetrics ? { accept: 'application/openmetrics-text; version=1.0.0' } : {}),
      });
      scrapeMs.push(scrape.ms);
      if (scrape.status !== 200) problems.push(`scrape ${s} answered ${scrape.status}`);
      // The checkers run in processes of their own, so the probes' timing is the service's, not this process's.
      else if (s % 4 === 0) problems.push(...(await promtoolProblemsAsync(scrape.body)));
      else if (s % 4 === 1) {
        const parsed = await openMetricsCheckAsync(scrape.body);
        if (parsed.status !== 0) problems.push(`OpenMetrics parser: ${parsed.stderr.slice(0, 300)}`);
      }
      const stats = await childStats();
      loopMaxMs.push(stats.loop.max);
      cpuGapMs.push(stats.loop.cpuGap);
      peak = Math.max(peak, stats.rss);
      await Promise.all([tick, probes]);
    }
  }

  const before = await childStats();
  await window(WINDOW_SCRAPES);
  const roundCpuMs = await pageRoundCpuMs();
  const withPage = await childStats('closePage');
  await window(WINDOW_SCRAPES);
  const withoutPage = await childStats();
  const held = withPage.held;
  const body = await get('/metrics', { authorization: `Bearer ${TOKEN}` });

  // The page's rounds read its charts' families (the stats-server's own counters), not the series.
  expect(withPage.status.ticks - before.status.ticks).toBeGreaterThanOrEqual(WINDOW_SCRAPES - 2);
  expect(withPage.status.samplesRead).toBeGreaterThan(0);
  expect(withPage.status.samplesRead).toBeLessThan(50);
  expect(problems).toEqual([]);
  const mib = (b: number) => Math.round(b / 1048576);
  const rss = { baselineMiB: mib(baseline), peakMiB: mib(peak), heldMiB: mib(held), boundMiB: mib(RSS_HEADROOM) };
  expect({ ...rss, withinBound: peak - baseline < RSS_HEADROOM }).toEqual({ ...rss, withinBound: true });

  // One round a second (the default interval): the page's share of a core is its round's CPU over 1,000 ms.
  const pageShare = roundCpuMs / 10;
  expect({ pageShareOfCorePercent: pageShare, under2: pageShare < 2 }).toMatchObject({ under2: true });
  // The whole service's CPU over each window, scrapes included (printed: it depends on the machine).
  const onShare = (cpuMs(withPage) - cpuMs(before)) / (WINDOW_SCRAPES * 10);
  const offShare = (cpuMs(withoutPage) - cpuMs(withPage)) / (WINDOW_SCRAPES * 10);
  process.stdout.write(
    `hostile soak on Node ${process.versions.node}: /metrics ${(body.body.length / 1e6).toFixed(1)} MB, ` +
      `samples read per round ${withPage.status.samplesRead}, the page's round ${roundCpuMs.toFixed(2)} ms of CPU ` +
      `(${pageShare.toFixed(3)}% of a core at 1/s); service CPU ${onShare.toFixed(1)}% of a core with the page sampling, ` +
      `${offShare.toFixed(1)}% without (scrapes included); /health/live p50 ${percentile(liveMs, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(liveMs, 0.99).toFixed(1)} ms, max ${Math.max(...liveMs).toFixed(1)} ms; ` +
      `in the service, longest loop delay per second p50 ${percentile(loopMaxMs, 0.5).toFixed(1)} ms (worst ${Math.max(...loopMaxMs).toFixed(1)}), ` +
      `longest CPU block p50 ${percentile(cpuGapMs, 0.5).toFixed(1)} ms (worst ${Math.max(...cpuGapMs).toFixed(1)}); ` +
      `scrape p50 ${percentile(scrapeMs, 0.5).toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)}; RSS ${JSON.stringify(rss)}\n`,
  );
});
