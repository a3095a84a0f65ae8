// Tags are read by content: a tags object or array reused and changed between calls goes to the
// series it carries at each call (issue #24's reproduction), whatever was cached.
import { StatsClient } from '../src/index.js';
import { createTestClient } from '../src/testing.js';

describe('tags are read by content, not by object identity', () => {
  it('a reused tags object changed between calls counts each call under the tags it held then', async () => {
    const c = new StatsClient({ protocol: 'udp', destHost: '127.0.0.1', destPort: 8125, mock: true });
    const tags = { route: 'a' };
    c.incr('hits', 1, { tags });
    tags.route = 'b';
    c.incr('hits', 1, { tags });
    tags.route = 'a';
    c.incr('hits', 1, { tags });
    await c.flush();
    expect(c.mockBuffer.sort()).toEqual(['hits:1|c|#route:b', 'hits:2|c|#route:a']);
    await c.close();
  });

  it('a reused tags array changed between calls counts each call under the tags it held then', async () => {
    const c = new StatsClient({ protocol: 'udp', destHost: '127.0.0.1', destPort: 8125, mock: true });
    const tags = ['route:a'];
    c.increment('hits', 1, tags);
    tags[0] = 'route:b';
    c.increment('hits', 1, tags);
    tags.push('env:prod');
    c.increment('hits', 1, tags);
    await c.flush();
    expect(c.mockBuffer.sort()).toEqual(['hits:1|c|#route:a', 'hits:1|c|#route:b', 'hits:1|c|#route:b,env:prod']);
    await c.close();
  });

  it('every metric kind follows a changed tags object, and a key added later makes a new series', async () => {
    const { client, transport } = createTestClient();
    const tags: Record<string, string> = { k: '1' };
    client.gauge('g', 1, tags);
    client.time('t', 1, tags);
    client.hist('h', 1, tags);
    client.set('s', 'x', tags);
    tags.k = '2';
    tags.extra = 'y';
    client.gauge('g', 2, tags);
    client.time('t', 2, tags);
    client.hist('h', 2, tags);
    client.set('s', 'x', tags);
    await client.flush();
    const seen = transport.metrics.map((m) => [m.type, m.tags, 'value' in m ? m.value : m.values]);
    expect(seen).toEqual([
      ['gauge', { k: '1' }, 1],
      ['gauge', { k: '2', extra: 'y' }, 2],
      ['timer', { k: '1' }, [1]],
      ['timer', { k: '2', extra: 'y' }, [2]],
      ['histogram', { k: '1' }, [1]],
      ['histogram', { k: '2', extra: 'y' }, [2]],
      ['set', { k: '1' }, ['x']],
      ['set', { k: '2', extra: 'y' }, ['x']],
    ]);
    await client.close();
  });

  it('frozen tags objects and arrays (which cannot change) aggregate into one series', async () => {
    const { client, transport } = createTestClient();
    const obj = Object.freeze({ route: 'a' });
    const arr = Object.freeze(['route:a']);
    for (let i = 0; i < 3; i++) {
      client.incr('hits', 1, obj);
      client.incr('hits', 1, arr);
    }
    await client.flush();
    expect(transport.metrics).toEqual([{ type: 'counter', name: 'hits', value: 6, tags: { route: 'a' } }]);
    await client.close();
  });

  it('tags that add nothing to the global tags ({}, or the same pairs) are the untagged series: one gauge, samples in call order', async () => {
    const { client, transport } = createTestClient({ tags: { env: 'prod' } });
    client.gauge('g', 3);
    client.gauge('g', 5, {});
    client.gauge('g', 7, { env: 'prod' });
    client.gauge('g', 9, ['env:prod']);
    client.gauge('g', 4);
    client.time('t', 1);
    client.time('t', 2, {});
    client.time('t', 3, ['env:prod']);
    client.time('t', 4);
    client.incr('c', 1, { env: 'dev' });
    client.incr('c', 1, ['env:dev']);
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'c', value: 2, tags: { env: 'dev' } },
      { type: 'gauge', name: 'g', value: 4, tags: { env: 'prod' } },
      { type: 'timer', name: 't', values: [1, 2, 3, 4], tags: { env: 'prod' } },
    ]);
    await client.close();
  });
});
