import { createTestClient, InMemoryTransport } from '@sightline/stats/testing';
import { captureLogs } from './helpers.js';

describe('@sightline/stats/testing', () => {
  it('records batches in memory with helpers to read them', async () => {
    const { client, transport } = createTestClient({ prefix: 't' });
    expect(transport).toBeInstanceOf(InMemoryTransport);
    client.incr('c', 2);
    client.gauge('g', 3);
    client.time('ms', 4);
    await client.flush();
    client.incr('c', 1);
    await client.flush();
    expect(transport.batches).toHaveLength(2);
    expect(transport.counter('t.c')).toBe(3);
    expect(transport.gauge('t.g')).toBe(3);
    expect(transport.samples('t.ms')).toEqual([4]);
    expect(transport.bodies()[1]).toBe('{"v":1,"metrics":[{"type":"counter","name":"t.c","value":1}]}');
    await client.close();
  });

  it('can be told to fail, to test your error handling', async () => {
    const logs = captureLogs();
    const { client, transport } = createTestClient({ maxRetries: 0 });
    transport.failWith('auth');
    client.incr('x');
    await client.flush();
    expect(client.stats()).toMatchObject({ failedBatches: 1, sentBatches: 0 });
    expect(logs.lines()).toEqual([
      'error sightline.stats: stats authentication failed: memory transport told to fail (auth); batches are dropped until this is fixed',
    ]);
    logs.restore();
    transport.failWith(undefined);
    await client.close();
  });
});
