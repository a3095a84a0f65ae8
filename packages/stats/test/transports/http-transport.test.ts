import { StatsClient, type StatsError, type StatsTransportError } from '../../src/index.js';
import { captureLogs, waitFor } from '../helpers.js';
import { TestReceiver, TLS } from '../receiver.js';

const SECRET = 'correct-horse-battery-staple';
const quick = { flushIntervalMs: 0, retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2000 } as const;

describe('http transport against an HMAC-checking receiver', () => {
  let receiver: TestReceiver;
  afterEach(async () => receiver?.stop());

  it('delivers signed batches: exact counters, last gauges, every sample; the secret never travels', async () => {
    receiver = await TestReceiver.start({ secrets: ['old-secret', SECRET] });
    const client = new StatsClient({ ...quick, protocol: 'http', destPort: receiver.port, secret: SECRET, prefix: 'web' });
    await client.pipeline((p) => {
      for (let i = 0; i < 1000; i++) p.incr('requests', 1, { tags: { route: i % 2 ? 'a' : 'b' } });
      p.gauge('conns', 1);
      p.gauge('conns', 5);
      for (let i = 0; i < 250; i++) p.time('latency', i / 4);
      p.hist('bytes', 10);
    });
    client.incr('direct', 3);
    await client.flush();
    expect(receiver.statuses).toEqual([200, 200]);
    expect(receiver.counter('web.requests')).toBe(1000);
    expect(receiver.metrics.filter((m) => m.name === 'web.requests')).toEqual([
      { type: 'counter', name: 'web.requests', value: 500, tags: { route: 'b' } },
      { type: 'counter', name: 'web.requests', value: 500, tags: { route: 'a' } },
    ]);
    expect(receiver.gauge('web.conns')).toBe(5);
    expect(receiver.samples('web.latency')).toHaveLength(250);
    expect(receiver.samples('web.bytes')).toEqual([10]);
    expect(receiver.counter('web.direct')).toBe(3);
    expect(receiver.rawRequests.join('\n')).not.toContain(SECRET);
    expect(client.stats()).toMatchObject({ sentBatches: 2, sentMetrics: 6, failedBatches: 0, retries: 0 });
    await client.close();
  });

  it('a wrong secret: 401 at the receiver, one clear logged error, never retried, counted as failed', async () => {
    const logs = captureLogs();
    try {
      receiver = await TestReceiver.start({ secrets: [SECRET] });
      const errors: StatsError[] = [];
      const client = new StatsClient({
        ...quick,
        protocol: 'http',
        destPort: receiver.port,
        secret: 'wrong',
        onError: (e) => errors.push(e),
      });
      for (let i = 0; i < 3; i++) {
        client.incr('x');
        await client.flush();
      }
      expect(receiver.statuses).toEqual([401, 401, 401]);
      expect(client.stats()).toMatchObject({ sentBatches: 0, failedBatches: 3, failedMetrics: 3, retries: 0 });
      expect(logs.lines()).toEqual([
        `error sightline.stats: stats authentication failed: http://127.0.0.1:${receiver.port}/v1/batch answered 401 unauthorized: check that the client's secret is one the server accepts and that both clocks agree; batches are dropped until this is fixed`,
      ]);
      expect(errors.map((e) => [(e as StatsTransportError).kind, (e as StatsTransportError).status])).toEqual([
        ['auth', 401],
        ['auth', 401],
        ['auth', 401],
      ]);
      expect(logs.lines().join('')).not.toContain('wrong');
      await client.close();
    } finally {
      logs.restore();
    }
  });

  it('counts a 409 (the server already applied this batch: a retry whose answer was lost) as delivered', async () => {
    receiver = await TestReceiver.start({ secrets: [SECRET] });
    const client = new StatsClient({ ...quick, protocol: 'http', destPort: receiver.port, secret: SECRET });
    receiver.override = 409;
    client.incr('replayed', 7);
    await client.flush();
    expect(receiver.statuses).toEqual([409]);
    expect(client.stats()).toMatchObject({ sentBatches: 1, failedBatches: 0, retries: 0 });
    await client.close();
  });

  it('retries 5xx with backoff and then delivers; never retries other 4xx', async () => {
    const logs = captureLogs();
    try {
      receiver = await TestReceiver.start({ secrets: [SECRET] });
      const client = new StatsClient({ ...quick, protocol: 'http', destPort: receiver.port, secret: SECRET });
      receiver.override = 503;
      client.incr('retried');
      const flushed = client.flush();
      await waitFor(() => receiver.statuses.length >= 2, 5000, 'a retried 503');
      receiver.override = undefined;
      await flushed;
      expect(receiver.statuses.slice(-1)).toEqual([200]);
      expect(receiver.counter('retried')).toBe(1);
      const retries = client.stats().retries;
      expect(retries).toBe(receiver.statuses.length - 1);
      // Every attempt carries the batch's one signed id, so a server applies it once (409 on a replay).
      const ids = receiver.rawRequests.map((r) => /"id":"([A-Za-z0-9_-]+)"/.exec(r)?.[1]);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);

      receiver.override = 400;
      client.incr('refused');
      await client.flush();
      expect(receiver.statuses.slice(-1)).toEqual([400]);
      expect(client.stats()).toMatchObject({ sentBatches: 1, failedBatches: 1, retries });
      expect(logs.lines()).toEqual(
        [
          `warn sightline.stats: stats delivery problem (server): http://127.0.0.1:${receiver.port}/v1/batch answered 503: forced 503; retrying`,
          `info sightline.stats: stats delivery to http://127.0.0.1:${receiver.port}/v1/batch works again`,
          `warn sightline.stats: stats delivery problem (rejected): http://127.0.0.1:${receiver.port}/v1/batch refused the batch with 400: forced 400`,
        ].filter((l) => !l.startsWith('info')),
      );
      await client.close();
    } finally {
      logs.restore();
    }
  });

  it('network errors are retried up to maxRetries, then the batch is given up; nothing throws', async () => {
    const logs = captureLogs();
    try {
      receiver = await TestReceiver.start({ secrets: [SECRET] });
      const port = receiver.port;
      await receiver.stop();
      const client = new StatsClient({ ...quick, protocol: 'http', destPort: port, secret: SECRET, maxRetries: 2 });
      client.incr('lost');
      await client.flush();
      expect(client.stats()).toMatchObject({ sentBatches: 0, failedBatches: 1, retries: 2 });
      expect(logs.lines()[0]).toMatch(
        new RegExp(`^warn sightline.stats: stats delivery problem \\(network\\): http://127.0.0.1:${port}/v1/batch: ECONNREFUSED`),
      );
      await client.close();
      receiver = await TestReceiver.start({ secrets: [SECRET] });
    } finally {
      logs.restore();
    }
  });

  it('https: delivers to a TLS receiver trusted through tlsOptions.ca', async () => {
    receiver = await TestReceiver.start({ secrets: [SECRET], tls: true });
    const client = new StatsClient({
      ...quick,
      protocol: 'http',
      tls: true,
      destHost: 'localhost',
      destPort: receiver.port,
      secret: SECRET,
      tlsOptions: { ca: TLS.cert },
    });
    expect(client.target).toBe(`https://localhost:${receiver.port}/v1/batch`);
    client.incr('secure', 2);
    await client.flush();
    expect(receiver.counter('secure')).toBe(2);
    await client.close();
  });
});
