import { inspect } from 'node:util';
import { InvalidMetricError, StatsClient, StatsConfigError, type StatsError } from '../src/index.js';
import { createTestClient, InMemoryTransport } from '../src/testing.js';
import { captureLogs } from './helpers.js';

describe('StatsClient aggregation', () => {
  it('sums counters per name, keeps the last gauge and every timer and histogram sample', async () => {
    const { client, transport } = createTestClient({ prefix: 'app' });
    client.incr('hits');
    client.incr('hits', 5);
    client.decr('hits', 2);
    client.decr('hits');
    client.gauge('depth', 3);
    client.gauge('depth', 7);
    client.time('db', 1.5);
    client.timing('db', 3.25);
    client.hist('size', 100);
    client.histogram('size', 2048);
    await client.flush();
    expect(transport.batches).toHaveLength(1);
    expect(transport.batches[0]!.metrics).toEqual([
      { type: 'counter', name: 'app.hits', value: 3 },
      { type: 'gauge', name: 'app.depth', value: 7 },
      { type: 'timer', name: 'app.db', values: [1.5, 3.25] },
      { type: 'histogram', name: 'app.size', values: [100, 2048] },
    ]);
    // Values: every call aggregated into the counter (4) and gauge (2), every sample (4).
    expect(transport.batches[0]!.size).toBe(10);
    expect(client.stats()).toMatchObject({
      sentBatches: 1,
      sentMetrics: 4,
      sentValues: 10,
      droppedBatches: 0,
      failedBatches: 0,
      invalidMetrics: 0,
    });
    await client.close();
  });

  it('keeps series apart by tags, whatever their key order, and merges global tags under call tags', async () => {
    const { client, transport } = createTestClient({ tags: { env: 'test', region: 'eu' } });
    client.incr('orders', 1, { tags: { region: 'us', shop: 'a' } });
    client.incr('orders', 2, { tags: { shop: 'a', region: 'us' } });
    client.incr('orders', 4, { tags: { shop: 'b' } });
    client.incr('orders', 8);
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'orders', value: 3, tags: { env: 'test', region: 'us', shop: 'a' } },
      { type: 'counter', name: 'orders', value: 4, tags: { env: 'test', region: 'eu', shop: 'b' } },
      { type: 'counter', name: 'orders', value: 8, tags: { env: 'test', region: 'eu' } },
    ]);
    await client.close();
  });

  it('scales sampled counters by the rate and marks sampled timers with it', async () => {
    const random = jest.spyOn(Math, 'random');
    try {
      const { client, transport } = createTestClient();
      random.mockReturnValueOnce(0.05).mockReturnValueOnce(0.5).mockReturnValueOnce(0.01);
      client.incr('sampled', 1, { sampleRate: 0.1 }); // kept: counts 10
      client.incr('sampled', 1, { sampleRate: 0.1 }); // sampled out
      client.time('lat', 12, { sampleRate: 0.1 }); // kept
      await client.flush();
      expect(transport.metrics).toEqual([
        { type: 'counter', name: 'sampled', value: 10 },
        { type: 'timer', name: 'lat', values: [12], sampleRate: 0.1 },
      ]);
      await client.close();
    } finally {
      random.mockRestore();
    }
  });

  it('cuts a batch when the buffer holds maxBatchSize values', async () => {
    const { client, transport } = createTestClient({ maxBatchSize: 3 });
    client.time('t', 1);
    client.time('t', 2);
    expect(client.stats().queuedBatches).toBe(0);
    client.time('t', 3);
    expect(client.stats().queuedBatches).toBe(1);
    client.incr('c');
    await client.flush();
    expect(transport.batches.map((b) => b.metrics)).toEqual([
      [{ type: 'timer', name: 't', values: [1, 2, 3] }],
      [{ type: 'counter', name: 'c', value: 1 }],
    ]);
    await client.close();
  });

  it('flushes its buffer every flushIntervalMs', async () => {
    jest.useFakeTimers();
    try {
      const transport = new InMemoryTransport();
      const client = new StatsClient({ protocol: 'udp', flushIntervalMs: 1000, transport });
      client.incr('tick');
      jest.advanceTimersByTime(999);
      await jest.runOnlyPendingTimersAsync(); // setImmediate of the queue, not the interval
      expect(transport.batches).toHaveLength(0);
      jest.advanceTimersByTime(1);
      await jest.runOnlyPendingTimersAsync();
      await Promise.resolve();
      expect(transport.metrics).toEqual([{ type: 'counter', name: 'tick', value: 1 }]);
      const closing = client.close();
      await jest.runOnlyPendingTimersAsync();
      await closing;
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('StatsClient never breaks the application', () => {
  it('drops invalid names and non-finite values, counts every one, logs and reports each name once', async () => {
    const logs = captureLogs();
    const errors: StatsError[] = [];
    try {
      const { client, transport } = createTestClient({ prefix: 'app', onError: (e) => errors.push(e) });
      const calls = (): void => {
        client.incr('bad name');
        client.incr('ok', NaN);
        client.gauge('ok', Infinity);
        client.time('a/b', 1);
        client.hist('ok', -Infinity);
        client.incr('tagged', 1, { tags: { 'bad key': 'x' } });
        client.incr('tagged', 1, { tags: { k: 'a|b' } });
        client.incr('rate', 1, { sampleRate: 2 });
        client.incr(undefined as unknown as string);
        client.incr('x', 'one' as unknown as number);
      };
      expect(calls).not.toThrow();
      calls();
      client.incr('ok');
      await client.flush();
      expect(transport.metrics).toEqual([{ type: 'counter', name: 'app.ok', value: 1 }]);
      expect(client.stats().invalidMetrics).toBe(20);
      const names = errors.map((e) => (e as InvalidMetricError).metric);
      expect(names).toEqual(['bad name', 'ok', 'a/b', 'tagged', 'rate', 'undefined', 'x']);
      expect(errors.every((e) => e instanceof InvalidMetricError)).toBe(true);
      expect(logs.records.filter((r) => r.logger === 'sightline.stats')).toHaveLength(7);
      expect(logs.records[0]!.message).toBe(
        'Metric "bad name" dropped: expected a name matching /^[A-Za-z_][A-Za-z0-9_.-]*$/ (prefix included), at most 200 characters',
      );
      expect(logs.records[1]!.message).toBe('Metric "ok" dropped: value NaN is not a finite number');
      await client.close();
    } finally {
      logs.restore();
    }
  });

  it('ignores an onError handler that throws', async () => {
    const logs = captureLogs();
    const { client } = createTestClient({
      onError: () => {
        throw new Error('handler bug');
      },
    });
    expect(() => client.incr('bad name')).not.toThrow();
    expect(client.stats().invalidMetrics).toBe(1);
    await client.close();
    logs.restore();
  });

  it('drops and counts metric calls after close, and pipelines ended after close', async () => {
    const logs = captureLogs();
    const { client, transport } = createTestClient();
    client.incr('before');
    await client.close();
    client.incr('before');
    client.incr('after');
    await client.pipeline((p) => p.incr('late'));
    await client.flush();
    expect(transport.metrics).toEqual([{ type: 'counter', name: 'before', value: 1 }]);
    expect(client.stats()).toMatchObject({ invalidMetrics: 2, droppedBatches: 1, sentBatches: 1 });
    expect(transport.closed).toBe(true);
    expect(logs.lines()).toEqual([
      'warn sightline.stats: stats delivery problem (dropped): batch of 1 metrics (1 values) dropped: the client is closed',
    ]);
    logs.restore();
  });

  it('refuses unknown options and bad values at construction with StatsConfigError', () => {
    expect(() => new StatsClient({ protocol: 'udp', destPrt: 1 } as never)).toThrow(
      new StatsConfigError('destPrt', 'options', 'new StatsClient()', 'did you mean `destPort`?', { kind: 'unknown' }),
    );
    expect(() => new StatsClient({ protocol: 'udp', destPrt: 1 } as never)).toThrow(StatsConfigError);
    // hot-shots' names for our options are answered with ours.
    const hotShotsNames: Record<string, [unknown, string]> = {
      host: ['127.0.0.1', 'destHost'],
      port: [8125, 'destPort'],
      globalTags: [{ env: 'prod' }, 'tags'],
      bufferFlushInterval: [1000, 'flushIntervalMs'],
      maxBufferSize: [1432, 'maxPacketBytes'],
      errorHandler: [() => undefined, 'onError'],
    };
    for (const [name, [value, ours]] of Object.entries(hotShotsNames)) {
      expect(() => new StatsClient({ protocol: 'udp', [name]: value } as never)).toThrow(
        `unknown option \`${name}\` in new StatsClient(): did you mean \`${ours}\`?`,
      );
    }
    expect(() => new StatsClient({ protocol: 'udp', destPort: 0 })).toThrow(
      'invalid option `destPort` in new StatsClient(): expected an integer from 1 to 65535, got 0',
    );
    expect(() => new StatsClient({ protocol: 'http' })).toThrow(
      'missing option `secret` in new StatsClient(): a secret is required for protocol http (from new StatsClient())',
    );
    // A hot-shots user's first client, with the protocol left to its default, is told the way to a StatsD daemon.
    expect(() => new StatsClient({ destHost: '127.0.0.1', destPort: 8125 })).toThrow(
      "missing option `secret` in new StatsClient(): a secret is required for protocol http (from the default); to send to a StatsD daemon, as hot-shots does, pass protocol: 'udp' or import StatsD from '@sightline/stats/hot-shots'",
    );
  });
});

describe('StatsClient redacts its secret', () => {
  it('never shows the secret in toString, inspect, JSON or errors', async () => {
    const client = new StatsClient({ protocol: 'http', secret: 's3cr3t-value', destPort: 9, flushIntervalMs: 0, prefix: 'svc' });
    expect(String(client)).toBe('StatsClient(http://127.0.0.1:9/v1/batch, prefix svc, secret <redacted>)');
    expect(inspect(client, { depth: 5, showHidden: true })).not.toContain('s3cr3t-value');
    expect(JSON.stringify(client)).not.toContain('s3cr3t-value');
    expect(JSON.stringify(client)).toContain('"secret":"<redacted>"');
    expect(() => new StatsClient({ protocol: 'http', secret: '' })).toThrow(
      'invalid option `secret` in new StatsClient(): must not be empty',
    );
    await client.close();
  });
});
