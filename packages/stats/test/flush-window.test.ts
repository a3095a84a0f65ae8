// A burst is aggregated across its whole window before it is cut: a counter or gauge goes out once
// per window however many timer cuts happen meanwhile, packets never pass the byte limit, and timers
// are packed as densely as the flavour's receiver reads them.
import { createStatsServer, type StatsServer } from '@sightline/stats-server';
import { StatsClient, type Flavour } from '../src/index.js';
import { SERIES_PER_BATCH } from '../src/metric-recorder.js';
import { createTestClient } from '../src/testing.js';
import { udpListener, waitFor } from './helpers.js';

const KEYS = 1000;
const N = 50_000;
const COUNTERS = Array.from({ length: KEYS }, (_, i) => `c${i}`);
const TIMERS = Array.from({ length: KEYS }, (_, i) => `t${i}`);
const PACKET = 1432;

/** Every line of every datagram. */
const linesOf = (packets: readonly string[]): string[] => packets.flatMap((p) => p.split('\n'));

/** Timer samples per name, read from `name:v|ms:v|ms` (Etsy) or `name:v:v|ms` (DogStatsD) lines. */
function timerSamples(lines: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of lines) {
    if (!line.endsWith('|ms')) continue;
    const colon = line.indexOf(':');
    const values = line
      .slice(colon + 1)
      .split(/\|ms:?|:/)
      .filter((v) => v !== '')
      .map(Number);
    out.set(line.slice(0, colon), [...(out.get(line.slice(0, colon)) ?? []), ...values]);
  }
  return out;
}

describe('one flush window', () => {
  let listener: Awaited<ReturnType<typeof udpListener>>;
  beforeEach(async () => {
    listener = await udpListener();
  });
  afterEach(async () => {
    await listener.close();
  });

  const burst = (r: { incr(name: string): void; time(name: string, ms: number): void }): void => {
    // Interleaved, as a service records them: every timer cut happens while all counters are held.
    for (let i = 0; i < N; i++) {
      r.incr(COUNTERS[i % KEYS]!);
      r.time(TIMERS[i % KEYS]!, i % 997);
    }
  };

  const expectOneLinePerCounter = (lines: readonly string[]): void => {
    const counterLines = lines.filter((l) => l.endsWith('|c'));
    expect(counterLines).toHaveLength(KEYS);
    expect(new Set(counterLines)).toEqual(new Set(COUNTERS.map((n) => `${n}:${N / KEYS}|c`)));
  };

  it(`${N} increments over ${KEYS} names, interleaved with ${N} timings, go out as ${KEYS} counter lines from a pipeline`, async () => {
    const client = new StatsClient({ protocol: 'udp', destPort: listener.port, maxPacketBytes: PACKET, flushIntervalMs: 0 });
    await client.pipeline(burst);
    await waitFor(() => client.stats().sentValues === 2 * N, 10_000, 'every value sent');
    await waitFor(() => linesOf(listener.packets).length >= KEYS + N / 10, 10_000, 'every line received');
    const lines = linesOf(listener.packets);
    expectOneLinePerCounter(lines);
    // The timings were cut five times (maxBatchSize 10,000 samples): each cut holds 10 samples per name.
    const samples = timerSamples(lines);
    expect(samples.size).toBe(KEYS);
    expect([...samples.values()].reduce((n, v) => n + v.length, 0)).toBe(N);
    expect(lines.filter((l) => l.endsWith('|ms'))).toHaveLength(KEYS * (N / 10_000));
    expect(Math.max(...listener.packets.map((p) => Buffer.byteLength(p)))).toBeLessThanOrEqual(PACKET);
    expect(client.stats()).toMatchObject({ droppedValues: 0, failedValues: 0 });
    await client.close();
  });

  it("the client's own buffer holds its counters across timer cuts until the flush", async () => {
    const client = new StatsClient({ protocol: 'udp', destPort: listener.port, maxPacketBytes: PACKET, flushIntervalMs: 0 });
    burst(client);
    expect(client.stats().queuedBatches).toBeGreaterThan(0); // samples were cut meanwhile
    await client.flush();
    await waitFor(() => linesOf(listener.packets).length >= KEYS + N / 10, 10_000, 'every line received');
    expectOneLinePerCounter(linesOf(listener.packets));
    expect(Math.max(...listener.packets.map((p) => Buffer.byteLength(p)))).toBeLessThanOrEqual(PACKET);
    await client.close();
  });

  it('no packet passes maxPacketBytes, whatever the line lengths', async () => {
    const client = new StatsClient({ protocol: 'udp', destPort: listener.port, maxPacketBytes: 200, flushIntervalMs: 0 });
    for (let i = 0; i < 500; i++) client.time(`a.rather.long.timer.name.${i % 7}`, i * 1.25);
    for (let i = 0; i < 300; i++) client.incr(`counter.${i}`, i);
    await client.flush();
    await waitFor(() => linesOf(listener.packets).filter((l) => l.endsWith('|c')).length === 300, 10_000, 'every counter line');
    expect(Math.max(...listener.packets.map((p) => Buffer.byteLength(p)))).toBeLessThanOrEqual(200);
    expect([...timerSamples(linesOf(listener.packets)).values()].reduce((n, v) => n + v.length, 0)).toBe(500);
    await client.close();
  });

  it('a window is cut early only past SERIES_PER_BATCH x maxBatchSize counter and gauge series', async () => {
    const { client, transport } = createTestClient({ maxBatchSize: 2 });
    const bound = 2 * SERIES_PER_BATCH;
    for (let i = 0; i < bound - 1; i++) client.incr(`s${i}`);
    for (let i = 0; i < 3; i++) client.time('t', i); // cuts the samples, not the series
    expect(client.stats().queuedBatches).toBe(1);
    client.gauge(`g`, 1); // the bound-th series: everything is cut
    await client.flush();
    const counters = transport.metrics.filter((m) => m.type === 'counter').map((m) => m.name);
    expect(counters).toEqual(Array.from({ length: bound - 1 }, (_, i) => `s${i}`));
    expect(transport.metrics.filter((m) => m.type === 'gauge')).toEqual([{ type: 'gauge', name: 'g', value: 1 }]);
    expect(client.stats().sentValues).toBe(bound + 3);
    await client.close();
  });
});

describe('timers packed per flavour', () => {
  let listener: Awaited<ReturnType<typeof udpListener>>;
  beforeEach(async () => {
    listener = await udpListener();
  });
  afterEach(async () => {
    await listener.close();
  });

  it.each([
    ['dogstatsd', ['t:1:2.5:3|ms|#k:v']],
    ['statsd', ['t:1|ms:2.5|ms:3|ms|#k:v']],
  ] as const)('flavour %s: %j', async (flavour, expected) => {
    const client = new StatsClient({ protocol: 'udp', destPort: listener.port, flavour, flushIntervalMs: 0, tags: { k: 'v' } });
    for (const v of [1, 2.5, 3]) client.time('t', v);
    await client.flush();
    await waitFor(() => listener.packets.length === 1, 5000, 'the packet');
    expect(linesOf(listener.packets)).toEqual(expected);
    await client.close();
  });
});

describe('dogstatsd and statsd flavours to a real stats-server', () => {
  let server: StatsServer;
  beforeEach(async () => {
    server = createStatsServer({ port: 0, secrets: ['unused-secret'], statsd: { udpPort: 0, tcpPort: 0 } });
    await server.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('the server holds the same counters and timers through either flavour', async () => {
    const send = async (flavour: Flavour): Promise<void> => {
      const client = new StatsClient({ protocol: 'udp', destPort: server.address().statsdUdpPort!, flavour, prefix: flavour });
      await client.pipeline((pipe) => {
        for (let i = 0; i < 30_000; i++) {
          pipe.incr(`c${i % 100}`);
          pipe.time(`t${i % 100}`, (i % 113) + 0.5);
        }
      });
      await client.close();
    };
    await send('dogstatsd');
    await send('statsd');
    const held = (flavour: string) => {
      const snap = server.snapshot();
      const pick = (rec: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(rec).flatMap(([k, v]) => (k.startsWith(`${flavour}.`) ? [[k.slice(flavour.length + 1), v]] : [])),
        );
      return { counters: pick(snap.counters), timers: pick(snap.timers) };
    };
    const count = (flavour: string) => Object.values(held(flavour).timers).reduce((n: number, t) => n + (t as { count: number }).count, 0);
    await waitFor(() => count('dogstatsd') === 30_000 && count('statsd') === 30_000, 10_000, 'every timer sample');
    const dog = held('dogstatsd');
    expect(dog).toEqual(held('statsd'));
    expect(Object.values(dog.counters)).toEqual(Array(100).fill(300));
    expect(server.snapshot().server.statsdBadLines).toBe(0);
  });
});
