import { StatsTransportError, type Batch, type SendResult, type Transport } from '../src/index.js';
import { makeBatch } from '../src/batch.js';
import { SendQueue, type DeliveryCounts } from '../src/send-queue.js';
import { createTestClient } from '../src/testing.js';
import { captureLogs, waitFor } from './helpers.js';

function counts(): DeliveryCounts {
  return {
    sentBatches: 0,
    sentMetrics: 0,
    sentValues: 0,
    droppedBatches: 0,
    droppedMetrics: 0,
    droppedValues: 0,
    failedBatches: 0,
    failedMetrics: 0,
    failedValues: 0,
    retries: 0,
    rejectedMetrics: 0,
  };
}

const batch = (seq: number): Batch => ({ seq, metrics: [{ type: 'counter', name: `b${seq}`, value: 1 }], size: 1 });

/** A transport answering from a script of results, one per attempt (then ok). */
class ScriptedTransport implements Transport {
  readonly protocol = 'scripted';
  readonly target = 'scripted://';
  readonly attempts: number[] = [];
  constructor(private readonly script: SendResult[]) {}
  send(b: Batch): Promise<SendResult> {
    this.attempts.push(b.seq);
    return Promise.resolve(this.script.shift() ?? { ok: true, accepted: 1, rejected: 0 });
  }
  async close(): Promise<void> {}
}

const fail = (kind: 'network' | 'server' | 'auth' | 'rejected', status?: number): SendResult => ({
  ok: false,
  error: new StatsTransportError(kind, kind, status === undefined ? {} : { status }),
});

const options = { maxQueuedBatches: 3, maxQueuedBytes: 1 << 20, maxRetries: 2, retryBaseMs: 1, retryMaxMs: 4 };

describe('SendQueue', () => {
  it('retries network errors and 5xx with backoff, then delivers', async () => {
    const transport = new ScriptedTransport([fail('network'), fail('server', 503)]);
    const c = counts();
    const kinds: string[] = [];
    const q = new SendQueue(transport, options, c, { delivered: () => kinds.push('delivered'), failed: (e) => kinds.push(e.kind) });
    q.push(batch(1));
    await q.settled(1);
    expect(transport.attempts).toEqual([1, 1, 1]);
    expect(kinds).toEqual(['network', 'server', 'delivered']);
    expect(c).toMatchObject({ sentBatches: 1, retries: 2, failedBatches: 0 });
  });

  it('never retries 401 or other 4xx: the batch fails and the next one goes', async () => {
    const transport = new ScriptedTransport([fail('auth', 401), fail('rejected', 400)]);
    const c = counts();
    const q = new SendQueue(transport, options, c, { delivered: () => undefined, failed: () => undefined });
    q.push(batch(1));
    q.push(batch(2));
    q.push(batch(3));
    await q.settled(3);
    expect(transport.attempts).toEqual([1, 2, 3]);
    expect(c).toMatchObject({ sentBatches: 1, failedBatches: 2, failedMetrics: 2, retries: 0 });
  });

  it('gives a batch up after maxRetries and says so', async () => {
    const transport = new ScriptedTransport([fail('network'), fail('network'), fail('network')]);
    const c = counts();
    const kinds: string[] = [];
    const q = new SendQueue(transport, options, c, { delivered: () => undefined, failed: (e) => kinds.push(e.kind) });
    q.push(batch(1));
    await q.settled(1);
    expect(transport.attempts).toEqual([1, 1, 1]);
    expect(kinds).toEqual(['network', 'network', 'network', 'gave-up']);
    expect(c).toMatchObject({ failedBatches: 1, retries: 2, sentBatches: 0 });
  });

  it('keeps at most maxQueuedBatches waiting (plus one in flight) and drops the oldest, counted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: number[] = [];
    const transport: Transport = {
      protocol: 'gated',
      target: 'gated://',
      async send(b) {
        await gate;
        sent.push(b.seq);
        return { ok: true };
      },
      async close() {},
    };
    const c = counts();
    const q = new SendQueue(transport, options, c, { delivered: () => undefined, failed: () => undefined });
    q.push(batch(1));
    await new Promise((r) => setImmediate(r)); // batch 1 in flight
    for (let seq = 2; seq <= 7; seq++) q.push(batch(seq));
    expect(q.length).toBe(4);
    expect(c).toMatchObject({ droppedBatches: 3, droppedMetrics: 3 });
    release();
    await q.settled(7);
    expect(sent).toEqual([1, 5, 6, 7]);
  });

  it('bounds the queue in bytes as well: past maxQueuedBytes the oldest is dropped, counted in values', async () => {
    const c = counts();
    const transport = new ScriptedTransport([]);
    const q = new SendQueue(
      transport,
      { ...options, maxQueuedBatches: 1000, maxQueuedBytes: 3 * makeBatch(0, [{ type: 'counter', name: 'b1', value: 1 }]).bytes! },
      c,
      {
        delivered: () => undefined,
        failed: () => undefined,
      },
    );
    for (let seq = 1; seq <= 6; seq++) q.push(makeBatch(seq, [{ type: 'counter', name: `b${seq}`, value: 1 }], [5]));
    expect(c).toMatchObject({ droppedBatches: 3, droppedValues: 15 });
    await q.settled(6);
    expect(transport.attempts).toEqual([4, 5, 6]);
  });

  it("a pipeline's batches wait for room while the receiver keeps pace: a slow receiver loses nothing", async () => {
    const c = counts();
    const sent: number[] = [];
    const slow: Transport = {
      protocol: 'slow',
      target: 'slow://',
      async send(b) {
        // Answers on a later turn: every batch is pushed before the first is delivered.
        await new Promise((r) => setImmediate(r));
        sent.push(b.seq);
        return { ok: true };
      },
      async close() {},
    };
    const q = new SendQueue(slow, { ...options, maxQueuedBatches: 2 }, c, { delivered: () => undefined, failed: () => undefined });
    for (let seq = 1; seq <= 20; seq++) q.push(batch(seq), true);
    await q.settled(20);
    expect(sent).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(c).toMatchObject({ sentBatches: 20, droppedBatches: 0 });
  });

  it('while the receiver is failing, waiting batches no longer wait: the oldest are dropped past the bound', async () => {
    const c = counts();
    const transport = new ScriptedTransport(Array.from({ length: 50 }, () => fail('network')));
    const q = new SendQueue(transport, { ...options, maxQueuedBatches: 2, maxRetries: 100 }, c, {
      delivered: () => undefined,
      failed: () => undefined,
    });
    for (let seq = 1; seq <= 10; seq++) q.push(batch(seq), true);
    await q.settled(10);
    // Batch 1 in flight through the outage, then the last two kept; the rest dropped and counted.
    expect(c.droppedBatches + c.sentBatches).toBe(10);
    expect(c.droppedBatches).toBeGreaterThan(0);
    expect(transport.attempts.filter((s) => s !== 1)).toEqual([9, 10]);
  });

  it('a batch refused as too large is split in halves until every part is taken', async () => {
    const c = counts();
    const taken: string[][] = [];
    const picky: Transport = {
      protocol: 'picky',
      target: 'picky://',
      send(b) {
        if (b.metrics.length > 2) {
          return Promise.resolve({ ok: false, error: new StatsTransportError('too-large', 'over 2 metrics', { status: 413 }) });
        }
        taken.push(b.metrics.map((m) => m.name));
        return Promise.resolve({ ok: true });
      },
      async close() {},
    };
    const q = new SendQueue(picky, options, c, { delivered: () => undefined, failed: () => undefined });
    const metrics = Array.from({ length: 7 }, (_, i) => ({ type: 'counter' as const, name: `m${i}`, value: 1 }));
    q.push(makeBatch(1, metrics, [1, 2, 3, 4, 5, 6, 7]));
    await q.settled(1);
    expect(taken.flat()).toEqual(metrics.map((m) => m.name));
    expect(c).toMatchObject({ sentMetrics: 7, sentValues: 28, failedBatches: 0, droppedBatches: 0 });
  });

  it('abandon() drops what waits and stops a retrying batch, all counted', async () => {
    const c = counts();
    const transport = new ScriptedTransport(Array.from({ length: 1000 }, () => fail('network')));
    const q = new SendQueue(transport, { ...options, maxRetries: 1000, retryBaseMs: 50, retryMaxMs: 50 }, c, {
      delivered: () => undefined,
      failed: () => undefined,
    });
    for (let seq = 1; seq <= 3; seq++) q.push(batch(seq));
    await waitFor(() => transport.attempts.length > 0, 5000, 'the first attempt');
    q.abandon('closing');
    await q.settled(3);
    expect(c).toMatchObject({ droppedBatches: 2, failedBatches: 1, sentBatches: 0 });
  });
});

describe('StatsClient delivery reports', () => {
  it('logs a failing kind once per outage, reports every failure to onError, and logs recovery', async () => {
    const logs = captureLogs('info');
    try {
      const seen: string[] = [];
      const { client, transport } = createTestClient({
        maxRetries: 1,
        onError: (e) => seen.push(`${e.name}:${'kind' in e ? e.kind : ''}`),
      });
      transport.failWith('network');
      client.incr('a');
      await client.flush();
      client.incr('b');
      await client.flush();
      transport.failWith(undefined);
      client.incr('c');
      await client.flush();
      expect(seen).toEqual([
        'StatsTransportError:network',
        'StatsTransportError:network',
        'StatsTransportError:gave-up',
        'StatsTransportError:network',
        'StatsTransportError:network',
        'StatsTransportError:gave-up',
      ]);
      expect(logs.lines()).toEqual([
        'warn sightline.stats: stats delivery problem (network): memory transport told to fail (network); retrying',
        'warn sightline.stats: stats delivery problem (gave-up): batch of 1 metrics (1 values) given up after 2 attempts: memory transport told to fail (network)',
        'info sightline.stats: stats delivery to memory:// works again',
      ]);
      expect(client.stats()).toMatchObject({ sentBatches: 1, failedBatches: 2, failedMetrics: 2, retries: 2 });
      await client.close();
    } finally {
      logs.restore();
    }
  });
});
