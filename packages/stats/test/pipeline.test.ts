import { createTestClient } from '../src/testing.js';

describe('pipeline()', () => {
  it('callback form (sync): aggregates apart from the client buffer and sends one batch when the body returns', async () => {
    const { client, transport } = createTestClient({ prefix: 'p' });
    client.incr('outside');
    const result = client.pipeline((pipe) => {
      pipe.incr('requests.total');
      pipe.incr('requests.total', 4);
      pipe.time('response.time', 125.5);
      pipe.gauge('active.connections', 42);
      pipe.hist('request.size', 1024);
      return 'done';
    });
    expect(await result).toBe('done');
    await client.pipeline().send(); // waits for everything queued before
    expect(transport.batches).toHaveLength(1);
    expect(transport.batches[0]!.metrics).toEqual([
      { type: 'counter', name: 'p.requests.total', value: 5 },
      { type: 'gauge', name: 'p.active.connections', value: 42 },
      { type: 'timer', name: 'p.response.time', values: [125.5] },
      { type: 'histogram', name: 'p.request.size', values: [1024] },
    ]);
    await client.flush();
    expect(transport.batches[1]!.metrics).toEqual([{ type: 'counter', name: 'p.outside', value: 1 }]);
    await client.close();
  });

  it('callback form (async): sends when the promise resolves, and returns its value', async () => {
    const { client, transport } = createTestClient();
    const pending = client.pipeline(async (pipe) => {
      pipe.incr('a');
      // A later turn of the event loop: the pipeline is not sent before the body settles.
      await new Promise((r) => setImmediate(r));
      pipe.incr('a');
      return 42;
    });
    expect(transport.attempts).toBe(0);
    await expect(pending).resolves.toBe(42);
    await client.flush();
    expect(transport.metrics).toEqual([{ type: 'counter', name: 'a', value: 2 }]);
    await client.close();
  });

  it('sends what was recorded even when the body throws or rejects, and rethrows', async () => {
    const { client, transport } = createTestClient();
    expect(() =>
      client.pipeline((pipe) => {
        pipe.incr('sync.before.throw');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    await expect(
      client.pipeline((pipe) => {
        pipe.incr('async.before.reject');
        return Promise.reject(new Error('async boom'));
      }),
    ).rejects.toThrow('async boom');
    await client.flush();
    expect(transport.metrics.map((m) => m.name)).toEqual(['sync.before.throw', 'async.before.reject']);
    await client.close();
  });

  it('using: sends when the block exits', async () => {
    const { client, transport } = createTestClient();
    {
      using pipe = client.pipeline();
      pipe.incr('u', 3);
      pipe.gauge('g', 1);
      pipe.gauge('g', 2);
    }
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'u', value: 3 },
      { type: 'gauge', name: 'g', value: 2 },
    ]);
    await client.close();
  });

  it('await using: sends when the block exits and waits for delivery', async () => {
    const { client, transport } = createTestClient();
    {
      await using pipe = client.pipeline();
      pipe.time('t', 1);
      pipe.time('t', 2);
    }
    expect(transport.metrics).toEqual([{ type: 'timer', name: 't', values: [1, 2] }]);
    expect(client.stats().sentBatches).toBe(1);
    await client.close();
  });

  it('sends the samples of a pipeline larger than maxBatchSize in batch-sized parts, its counters once at the end', async () => {
    const { client, transport } = createTestClient({ maxBatchSize: 4 });
    await client.pipeline((pipe) => {
      pipe.incr('c');
      for (let i = 0; i < 5; i++) pipe.time('t', i);
      pipe.incr('c');
    });
    await client.flush();
    expect(transport.batches.map((b) => [b.size, b.metrics])).toEqual([
      [4, [{ type: 'timer', name: 't', values: [0, 1, 2, 3] }]],
      [
        3,
        [
          { type: 'counter', name: 'c', value: 2 },
          { type: 'timer', name: 't', values: [4] },
        ],
      ],
    ]);
    expect(client.stats().sentValues).toBe(7);
    await client.close();
  });

  it('an empty pipeline sends nothing', async () => {
    const { client, transport } = createTestClient();
    await client.pipeline(() => undefined);
    {
      using _pipe = client.pipeline();
    }
    await client.flush();
    expect(transport.attempts).toBe(0);
    await client.close();
  });

  it('1,000,000 increments over 100 names arrive as 100 exact totals in one batch', async () => {
    const { client, transport } = createTestClient();
    const names = Array.from({ length: 100 }, (_, i) => `name.${i}`);
    await client.pipeline((pipe) => {
      for (let i = 0; i < 1_000_000; i++) pipe.incr(names[i % 100]!);
    });
    await client.flush();
    expect(transport.batches).toHaveLength(1);
    expect(transport.metrics).toHaveLength(100);
    expect(transport.metrics.every((m) => m.type === 'counter' && m.value === 10_000)).toBe(true);
    await client.close();
  });
});
