// close() against a collector that misbehaves, with the SDK's real OTLP/HTTP exporters in a child
// process: whatever the collector does, close() settles at its deadline (not at the exporters' own
// 10 s timeouts and retries), and what it abandoned is counted and logged.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { bundleSource, runApp, startReceiver, type Receiver } from './loopback.js';

jest.setTimeout(60_000);

const DEADLINE_MS = 1_000;

const APP = `
const { OpenTelemetry, scope, logInfo, recordMetric } = require(process.env.BRIDGE);
OpenTelemetry.configure({
  service: 'deadline-test',
  otlpEndpoint: process.env.ENDPOINT,
  shutdownTimeoutMs: ${DEADLINE_MS},
  resourceDetectors: false,
  http: false,
});
for (let i = 0; i < 50; i++) scope('work', () => { logInfo('line'); recordMetric('work.done', { value: 1, kind: 'counter' }); });
(async () => {
  await OpenTelemetry.close();
  process.stdout.write(JSON.stringify({ stats: OpenTelemetry.stats() }));
  process.exit(0);
})();
`;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port; // nobody listens there now: connections are refused
}

beforeAll(() => bundleSource(), 60_000);

describe('close() against a misbehaving collector settles at the deadline', () => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });

  const collectors: ReadonlyArray<readonly [string, () => Promise<string>]> = [
    [
      'accepts and never answers',
      async () => {
        const r = await startReceiver({ delayMs: () => 120_000 });
        receivers.push(r);
        return `http://127.0.0.1:${r.port}`;
      },
    ],
    [
      'is slow (8 s per answer)',
      async () => {
        const r = await startReceiver({ delayMs: () => 8_000 });
        receivers.push(r);
        return `http://127.0.0.1:${r.port}`;
      },
    ],
    [
      'answers 429',
      async () => {
        const r = await startReceiver({ status: () => 429 });
        receivers.push(r);
        return `http://127.0.0.1:${r.port}`;
      },
    ],
    ['is down (connection refused)', async () => `http://127.0.0.1:${await freePort()}`],
  ];

  it.each(collectors)('a collector that %s', async (_name, start) => {
    const run = await runApp(APP, { ENDPOINT: await start() }, 30_000);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const { stats } = JSON.parse(run.stdout) as { stats: { dropped: { traces: number; metrics: number; logs: number } } };
    // The deadline ended close(), with the exports still pending, not the exporters giving up.
    expect(run.stderr).toMatch(new RegExp(`shutdown abandoned after the ${DEADLINE_MS} ms deadline pending="traces, (metrics, )?logs"`));
    // Nothing reached a working collector: all 50 spans and 50 log records are counted as dropped.
    expect(stats.dropped.traces).toBe(50);
    expect(stats.dropped.logs).toBe(50);
    expect(stats.dropped.metrics).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/50 spans dropped during an export outage \((at shutdown|recovered)\)/);
  });
});
