import { StatsClient, type StatsError, type StatsTransportError } from '../../src/index.js';
import { captureLogs, waitFor } from '../helpers.js';
import { TestReceiver, TLS } from '../receiver.js';

const SECRET = 'ws-secret';
const quick = { flushIntervalMs: 0, retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 1000 } as const;

describe('ws transport against an HMAC-checking receiver', () => {
  let receiver: TestReceiver;
  afterEach(async () => receiver?.stop());

  it('sends each batch as a signed frame on one persistent connection and reads the acks', async () => {
    receiver = await TestReceiver.start({ secrets: [SECRET] });
    const client = new StatsClient({ ...quick, protocol: 'ws', destPort: receiver.port, secret: SECRET, prefix: 'ws' });
    expect(client.target).toBe(`ws://127.0.0.1:${receiver.port}/v1/ws`);
    for (let round = 0; round < 3; round++) {
      await client.pipeline((p) => {
        for (let i = 0; i < 100; i++) p.incr('events');
        p.gauge('round', round);
        p.time('t', round);
      });
    }
    await client.flush();
    expect(receiver.statuses).toEqual([200, 200, 200]);
    expect(receiver.connections).toBe(1);
    expect(receiver.counter('ws.events')).toBe(300);
    expect(receiver.gauge('ws.round')).toBe(2);
    expect(receiver.samples('ws.t')).toEqual([0, 1, 2]);
    const frame = JSON.parse(receiver.rawRequests[0]!) as Record<string, unknown>;
    expect(Object.keys(frame).sort()).toEqual(['body', 'id', 'signature', 'timestamp']);
    expect(frame.id).toBe(1);
    expect(receiver.rawRequests.join('')).not.toContain(SECRET);
    await client.close();
  });

  it('a wrong secret: 401 acks, one logged error, not retried', async () => {
    const logs = captureLogs();
    try {
      receiver = await TestReceiver.start({ secrets: [SECRET] });
      const errors: StatsError[] = [];
      const client = new StatsClient({ ...quick, protocol: 'ws', destPort: receiver.port, secret: 'nope', onError: (e) => errors.push(e) });
      client.incr('a');
      await client.flush();
      client.incr('b');
      await client.flush();
      expect(receiver.statuses).toEqual([401, 401]);
      expect(errors.map((e) => (e as StatsTransportError).kind)).toEqual(['auth', 'auth']);
      expect(logs.lines()).toHaveLength(1);
      expect(logs.lines()[0]).toMatch(
        /^error sightline.stats: stats authentication failed: ws:\/\/127.0.0.1:\d+\/v1\/ws answered 401 unauthorized/,
      );
      expect(client.stats()).toMatchObject({ failedBatches: 2, retries: 0 });
      await client.close();
    } finally {
      logs.restore();
    }
  });

  it('a missing ack counts as a network error and is retried on a new connection', async () => {
    const logs = captureLogs();
    try {
      receiver = await TestReceiver.start({ secrets: [SECRET] });
      const client = new StatsClient({ ...quick, timeoutMs: 100, protocol: 'ws', destPort: receiver.port, secret: SECRET });
      receiver.override = 'silent';
      client.incr('late');
      const flushed = client.flush();
      await waitFor(() => receiver.rawRequests.length >= 1, 2000, 'first frame');
      receiver.override = undefined;
      await flushed;
      expect(receiver.counter('late')).toBe(1);
      expect(client.stats()).toMatchObject({ sentBatches: 1, retries: 1 });
      expect(logs.lines()[0]).toMatch(/no ack for batch 1 within 100 ms; retrying$/);
      await client.close();
    } finally {
      logs.restore();
    }
  });

  it('reconnects after the server went away and came back', async () => {
    const logs = captureLogs();
    try {
      receiver = await TestReceiver.start({ secrets: [SECRET] });
      const client = new StatsClient({ ...quick, protocol: 'ws', destPort: receiver.port, secret: SECRET, maxRetries: 50 });
      client.incr('n');
      await client.flush();
      await receiver.stop();
      client.incr('n');
      const flushed = client.flush();
      await waitFor(() => client.stats().retries > 0, 5000, 'an attempt to fail');
      await receiver.restart();
      await flushed;
      expect(receiver.counter('n')).toBe(2);
      expect(client.stats().sentBatches).toBe(2);
      await client.close();
    } finally {
      logs.restore();
    }
  });

  it('wss: delivers over TLS', async () => {
    receiver = await TestReceiver.start({ secrets: [SECRET], tls: true });
    const client = new StatsClient({
      ...quick,
      protocol: 'ws',
      tls: true,
      destHost: 'localhost',
      destPort: receiver.port,
      secret: SECRET,
      tlsOptions: { ca: TLS.cert },
    });
    client.incr('secure');
    await client.flush();
    expect(receiver.counter('secure')).toBe(1);
    await client.close();
  });
});
