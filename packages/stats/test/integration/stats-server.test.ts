// Acceptance against the real receiver, @sightline/stats-server: the client's HTTP and WS batches
// and StatsD lines as it aggregates them, a wrong secret, and an outage with a restart.
import net from 'node:net';
import { createStatsServer, type StatsServer } from '@sightline/stats-server';
import { StatsClient, type StatsError, type StatsTransportError } from '../../src/index.js';
import { captureLogs, waitFor } from '../helpers.js';
import { outageScenario } from './outage.js';

const SECRET = 'server-integration-secret';
const quick = { flushIntervalMs: 0, retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2000 } as const;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('against @sightline/stats-server', () => {
  let server: StatsServer;
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(async () => {
    logs = captureLogs();
    server = createStatsServer({ port: 0, secrets: ['retired-secret', SECRET], statsd: { udpPort: 0, tcpPort: 0 } });
    await server.start();
  });
  afterEach(async () => {
    await server.close();
    logs.restore();
  });

  describe.each(['http', 'ws'] as const)('%s', (protocol) => {
    it('exact counter totals, last gauge values, timer and histogram sample counts', async () => {
      const client = new StatsClient({ ...quick, protocol, destPort: server.address().port, secret: SECRET, prefix: protocol });
      const names = Array.from({ length: 100 }, (_, i) => `orders.n${i}`);
      await client.pipeline((pipe) => {
        for (let i = 0; i < 1_000_000; i++) pipe.incr(names[i % 100]!);
        for (let i = 0; i < 10; i++) pipe.gauge('queue.depth', i);
        pipe.gauge('temperature', -4.5);
        for (let i = 0; i < 5000; i++) pipe.time('db.query', i % 250);
        for (let i = 0; i < 3000; i++) pipe.hist('payload.bytes', i);
        pipe.incr('by.region', 5, { tags: { region: 'eu' } });
        pipe.incr('by.region', 7, { tags: { region: 'us' } });
      });
      // The client's own buffer as well as pipelines.
      client.incr('direct', 2);
      client.decr('direct');
      await client.flush();
      const snap = server.snapshot();
      expect(names.map((n) => snap.counters[`${protocol}.${n}`])).toEqual(names.map(() => 10_000));
      expect(snap.counters[`${protocol}.direct`]).toBe(1);
      expect(snap.counters[`${protocol}.by.region{region=eu}`]).toBe(5);
      expect(snap.counters[`${protocol}.by.region{region=us}`]).toBe(7);
      expect(snap.gauges[`${protocol}.queue.depth`]).toBe(9);
      expect(snap.gauges[`${protocol}.temperature`]).toBe(-4.5);
      expect(snap.timers[`${protocol}.db.query`]).toEqual({ count: 5000, sum: (20 * (249 * 250)) / 2, min: 0, max: 249 });
      expect(snap.histograms[`${protocol}.payload.bytes`]).toEqual({ count: 3000, sum: (2999 * 3000) / 2, min: 0, max: 2999 });
      expect(snap.server).toMatchObject({ batchesAccepted: 2, batchesUnauthorized: 0, metricsRejected: 0 });
      expect(client.stats()).toMatchObject({ sentBatches: 2, failedBatches: 0, droppedBatches: 0, rejectedMetrics: 0 });
      await client.close();
    });

    it('a wrong secret: 401 at the server, one clear logged error at the client, nothing thrown', async () => {
      const errors: StatsError[] = [];
      const client = new StatsClient({
        ...quick,
        protocol,
        destPort: server.address().port,
        secret: 'not-the-secret',
        onError: (e) => errors.push(e),
      });
      for (let i = 0; i < 3; i++) {
        expect(() => client.incr('denied')).not.toThrow();
        await expect(client.flush()).resolves.toBeUndefined();
      }
      expect(server.snapshot().server).toMatchObject({ batchesUnauthorized: 3, batchesAccepted: 0 });
      expect(server.snapshot().counters.denied).toBeUndefined();
      const clientLines = logs.records.filter((r) => r.logger === 'sightline.stats');
      expect(clientLines.map((r) => `${r.level}: ${r.message}`)).toEqual([
        `error: stats authentication failed: ${client.target} answered 401 unauthorized: check that the client's secret is one the server accepts and that both clocks agree; batches are dropped until this is fixed`,
      ]);
      expect(errors.map((e) => [(e as StatsTransportError).kind, (e as StatsTransportError).status])).toEqual([
        ['auth', 401],
        ['auth', 401],
        ['auth', 401],
      ]);
      expect(client.stats()).toMatchObject({ failedBatches: 3, sentBatches: 0, retries: 0 });
      await client.close();
    });

    it('reports metrics the server refused on their own, and keeps the rest of the batch', async () => {
      const client = new StatsClient({ ...quick, protocol, destPort: server.address().port, secret: SECRET });
      client.incr('clash');
      await client.flush();
      await client.pipeline((pipe) => {
        pipe.gauge('clash_total', 1); // exposed as the counter's name: the server refuses this one metric
        pipe.incr('fine');
      });
      await client.flush();
      expect(server.snapshot().counters.fine).toBe(1);
      expect(client.stats()).toMatchObject({ sentBatches: 2, rejectedMetrics: 1 });
      await client.close();
    });
  });

  it.each(['udp', 'tcp'] as const)(
    'statsd over %s: exact counters, gauges, timer and histogram counts at the server listener',
    async (protocol) => {
      const address = server.address();
      const client = new StatsClient({
        ...quick,
        protocol,
        destPort: protocol === 'udp' ? address.statsdUdpPort! : address.statsdTcpPort!,
        flavour: 'dogstatsd',
        prefix: protocol,
        maxBatchSize: 100_000,
      });
      await client.pipeline((pipe) => {
        for (let i = 0; i < 100_000; i++) pipe.incr(`c${i % 10}`);
        pipe.gauge('g', 3);
        for (let i = 0; i < 2000; i++) pipe.time('t', i % 100);
        for (let i = 0; i < 500; i++) pipe.hist('h', i, { tags: { k: 'v' } });
      });
      await client.flush();
      // StatsD has no acknowledgement: wait for the last lines to be applied.
      await waitFor(() => server.snapshot().histograms[`${protocol}.h{k=v}`]?.count === 500, 5000, 'every histogram sample');
      const snap = server.snapshot();
      expect(Array.from({ length: 10 }, (_, i) => snap.counters[`${protocol}.c${i}`])).toEqual(Array(10).fill(10_000));
      expect(snap.gauges[`${protocol}.g`]).toBe(3);
      expect(snap.timers[`${protocol}.t`]!.count).toBe(2000);
      expect(snap.histograms[`${protocol}.h{k=v}`]!.count).toBe(500);
      expect(snap.server.statsdBadLines).toBe(0);
      await client.close();
    },
  );
});

describe.each(['udp', 'tcp'] as const)('flavour sightline over %s to stats-server', (protocol) => {
  it('a hist() stays a histogram (never a timer in seconds), a set counts distinct members', async () => {
    const server = createStatsServer({ port: 0, secrets: [SECRET], statsd: { udpPort: 0, tcpPort: 0 } });
    await server.start();
    try {
      const address = server.address();
      const port = protocol === 'udp' ? address.statsdUdpPort! : address.statsdTcpPort!;
      const client = new StatsClient({ protocol, destPort: port, flavour: 'sightline', flushIntervalMs: 0 });
      for (let i = 1; i <= 50; i++) client.hist('payload.bytes', i * 100);
      client.time('db.query', 12);
      for (const u of ['ann', 'bob', 'ann']) client.set('users', u);
      await client.flush();
      await waitFor(() => server.snapshot().histograms['payload.bytes']?.count === 50, 5000, 'every histogram sample');
      const snap = server.snapshot();
      expect(snap.histograms['payload.bytes']).toEqual({ count: 50, sum: 127_500, min: 100, max: 5000 });
      expect(snap.timers['payload.bytes']).toBeUndefined();
      expect(snap.timers['db.query']).toMatchObject({ count: 1 });
      expect(snap.sets?.['users']).toBe(2);
      await client.close();
    } finally {
      await server.close();
    }
  });
});

describe.each(['http', 'ws'] as const)('batches over the body limit, over %s', (protocol) => {
  const tagged = (client: StatsClient): void => {
    // ~2.3 MB of JSON: 10,000 counters, each with three long tags.
    for (let i = 0; i < 10_000; i++)
      client.incr('tagged', 1, { tags: { customer: `customer-${'c'.repeat(60)}-${i}`, region: 'eu-west-1', plan: 'enterprise' } });
  };
  const total = (snap: ReturnType<StatsServer['snapshot']>): number =>
    Object.entries(snap.counters).reduce((sum, [k, v]) => (k.startsWith('tagged{') ? sum + v : sum), 0);

  it('10,000 tagged counters with default settings fit the default maxBodyBytes: all arrive, no 413', async () => {
    const server = createStatsServer({ port: 0, secrets: [SECRET], maxSeries: 20_000 });
    await server.start();
    try {
      const client = new StatsClient({ protocol, destPort: server.address().port, secret: SECRET, flushIntervalMs: 0 });
      tagged(client);
      await client.flush();
      expect(total(server.snapshot())).toBe(10_000);
      expect(server.snapshot().server.batchesTooLarge).toBe(0);
      expect(client.stats()).toMatchObject({ sentValues: 10_000, failedValues: 0, droppedValues: 0 });
      await client.close();
    } finally {
      await server.close();
    }
  }, 20_000);

  it('a server with a smaller maxBodyBytes: the refused batch is split and resent until every part fits', async () => {
    const server = createStatsServer({ port: 0, secrets: [SECRET], maxSeries: 20_000, maxBodyBytes: 64 * 1024 });
    await server.start();
    try {
      const client = new StatsClient({
        protocol,
        destPort: server.address().port,
        secret: SECRET,
        flushIntervalMs: 0,
        retryBaseMs: 5,
        retryMaxMs: 20,
      });
      tagged(client);
      await client.flush();
      expect(total(server.snapshot())).toBe(10_000);
      expect(client.stats()).toMatchObject({ sentValues: 10_000, failedValues: 0, droppedValues: 0 });
      if (protocol === 'http') expect(server.snapshot().server.batchesTooLarge).toBeGreaterThan(0);
      await client.close();
    } finally {
      await server.close();
    }
  }, 20_000);
});

describe.each(['http', 'ws'] as const)('a 2M-value burst to stats-server over %s, default settings', (protocol) => {
  it('1,000,000 increments over 100 names and 1,000,000 timing samples over 100 names: every counter exact, every sample counted', async () => {
    const server = createStatsServer({ port: 0, secrets: [SECRET] });
    await server.start();
    try {
      const client = new StatsClient({ protocol, destPort: server.address().port, secret: SECRET, prefix: 'burst' });
      const counters = Array.from({ length: 100 }, (_, i) => `c${i}`);
      const timers = Array.from({ length: 100 }, (_, i) => `t${i}`);
      await client.pipeline((pipe) => {
        for (let i = 0; i < 1_000_000; i++) pipe.incr(counters[i % 100]!);
        for (let i = 0; i < 1_000_000; i++) pipe.time(timers[i % 100]!, i % 997);
      });
      const snap = server.snapshot();
      expect(counters.map((n) => snap.counters[`burst.${n}`])).toEqual(counters.map(() => 10_000));
      expect(timers.map((n) => snap.timers[`burst.${n}`]?.count)).toEqual(timers.map(() => 10_000));
      expect(client.stats()).toMatchObject({ sentValues: 2_000_000, droppedValues: 0, failedValues: 0 });
      await client.close();
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe.each(['http', 'ws'] as const)('%s client while the stats-server is stopped for 3 s and restarted', (protocol) => {
  it('keeps at most its bound, delivers what it kept, counts what it dropped in values; nothing throws', async () => {
    const logs = captureLogs();
    const port = await freePort();
    const server = createStatsServer({ port, secrets: [SECRET] });
    await server.start();
    try {
      const client = await outageScenario(
        protocol,
        {
          port,
          stop: () => server.close(),
          restart: () => server.start(),
          counter: (name) => Promise.resolve(server.snapshot().counters[name] ?? 0),
          gauge: (name) => Promise.resolve(server.snapshot().gauges[name]),
        },
        SECRET,
      );
      expect(server.snapshot().server.batchesAccepted).toBe(client.stats().sentBatches);
      await client.close();
    } finally {
      await server.close();
      logs.restore();
    }
  }, 20_000);
});
