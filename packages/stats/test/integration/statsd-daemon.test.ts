// Acceptance against the real Etsy statsd daemon: 1,000,000 increments over 100 names through
// pipeline() arrive with exact totals over udp, tcp and a Unix socket; gauges and timers as sent.
import { StatsClient, type Protocol } from '../../src/index.js';
import { startStatsd, type StatsdDaemon } from './statsd-daemon.js';

let statsd: StatsdDaemon;
beforeAll(async () => {
  statsd = await startStatsd();
}, 20_000);
afterAll(async () => statsd?.stop());

function clientFor(protocol: Protocol, prefix: string): StatsClient {
  const where = protocol === 'uds' ? { socketPath: statsd.socketPath } : { destPort: protocol === 'udp' ? statsd.udpPort : statsd.tcpPort };
  // Loopback has a 64 KiB MTU: larger datagrams mean fewer of them in statsd's receive buffer
  // while it is busy (this machine is shared), so none is dropped by the kernel.
  const packets = protocol === 'udp' ? { maxPacketBytes: 8192 } : {};
  return new StatsClient({ protocol, prefix, flushIntervalMs: 0, maxBatchSize: 100_000, maxQueuedBatches: 1000, ...packets, ...where });
}

async function settle(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const NAMES = Array.from({ length: 100 }, (_, i) => `counter.n${i}`);

describe.each(['udp', 'tcp', 'uds'] as const)('real statsd over %s', (protocol) => {
  it('1,000,000 increments across 100 names through pipeline() arrive with exact totals', async () => {
    const client = clientFor(protocol, `${protocol}1m`);
    await client.pipeline((pipe) => {
      for (let i = 0; i < 1_000_000; i++) pipe.incr(NAMES[i % 100]!);
    });
    await client.flush();
    const key = (i: number) => `${protocol}1m.counter.n${i}`;
    await settle(async () => (await statsd.counters())[key(99)] === 10_000);
    const counters = await statsd.counters();
    const ours = Object.keys(counters).filter((k) => k.startsWith(`${protocol}1m.`));
    expect(ours).toHaveLength(100);
    expect(NAMES.map((_, i) => counters[key(i)])).toEqual(NAMES.map(() => 10_000));
    expect(client.stats()).toMatchObject({ sentBatches: 1, sentMetrics: 100, failedBatches: 0, droppedBatches: 0 });
    await client.close();
  });

  it('gauges arrive with their last values (negatives included), timers and histograms with every sample', async () => {
    const client = clientFor(protocol, `${protocol}gt`);
    await client.pipeline((pipe) => {
      for (let g = 0; g < 10; g++) {
        pipe.gauge(`gauge.g${g}`, 1000);
        pipe.gauge(`gauge.g${g}`, g * 1.5 - 5);
      }
      for (let k = 0; k < 100; k++) for (let s = 0; s < 100; s++) pipe.time(`timer.t${k}`, s + k / 100);
      for (let s = 0; s < 50; s++) pipe.hist('hist.h', s * 2);
    });
    await client.flush();
    const p = `${protocol}gt`;
    await settle(
      async () => (await statsd.timers())[`${p}.timer.t99`]?.count === 100 && (await statsd.timers())[`${p}.hist.h`]?.count === 50,
    );
    const gauges = await statsd.gauges();
    expect(Array.from({ length: 10 }, (_, g) => gauges[`${p}.gauge.g${g}`])).toEqual(Array.from({ length: 10 }, (_, g) => g * 1.5 - 5));
    const timers = await statsd.timers();
    for (let k = 0; k < 100; k++) {
      expect(timers[`${p}.timer.t${k}`]!.count).toBe(100);
      expect(timers[`${p}.timer.t${k}`]!.values).toEqual(Array.from({ length: 100 }, (_, s) => s + k / 100));
    }
    expect(timers[`${p}.hist.h`]).toEqual({ count: 50, values: Array.from({ length: 50 }, (_, s) => s * 2) });
    const counters = await statsd.counters();
    expect(counters[`${p}.hist.h`]).toBeUndefined(); // sent as |ms, not counted as a counter
    await client.close();
  });
});

describe('afterwards', () => {
  it('statsd saw no bad lines from any of it', async () => {
    const counters = await statsd.counters();
    expect(counters['statsd.bad_lines_seen']).toBe(0);
    expect(counters['statsd.metrics_received']).toBeGreaterThan(300);
  });
});
