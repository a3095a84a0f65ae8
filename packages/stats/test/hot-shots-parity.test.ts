// What a hot-shots user reaches for, each checked on what is delivered (records, or bytes on the wire).
import https from 'node:https';
import HotShots, { type StatsD as HotShotsClient } from 'hot-shots';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidMetricError, stats, StatsClient, StatsConfigError, type StatsError } from '../src/index.js';
import { createTestClient } from '../src/testing.js';
import { captureLogs, udpListener, waitFor } from './helpers.js';

describe('hot-shots parity', () => {
  it('increment / decrement / timing / histogram / distribution, with hot-shots argument forms', async () => {
    const { client, transport } = createTestClient();
    client.increment('a');
    client.increment('a', 4);
    client.increment('a', ['env:prod']); // tags alone
    client.increment('a', 2, 1, ['env:prod']); // value, sample rate, tags
    client.increment('a', 3, { env: 'prod' }); // value, tags as an object
    client.decrement('a');
    client.decrement('a', 2, ['env:prod']);
    client.timing('t', 5, ['env:prod']);
    client.histogram('h', 7);
    client.distribution('h', 9);
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'a', value: 4 },
      { type: 'counter', name: 'a', value: 4, tags: { env: 'prod' } },
      { type: 'timer', name: 't', values: [5], tags: { env: 'prod' } },
      { type: 'histogram', name: 'h', values: [7, 9] },
    ]);
    await client.close();
  });

  it('set / unique count distinct members; bad members are dropped and reported', async () => {
    const errors: StatsError[] = [];
    const logs = captureLogs();
    const { client, transport } = createTestClient({ onError: (e) => errors.push(e) });
    for (const user of ['ann', 'bob', 'ann', 42, 'bob']) client.set('users', user);
    client.unique('users', 'cid');
    client.set('users', 'a|b');
    await client.flush();
    expect(transport.metrics).toEqual([{ type: 'set', name: 'users', values: ['ann', 'bob', '42', 'cid'] }]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('set member "a|b"')]);
    logs.restore();
    await client.close();
  });

  it('timer(fn) and asyncTimer(fn) record one duration per call and pass results and errors through', async () => {
    const { client, transport } = createTestClient();
    // The clock the timers read, moved by hand: 7 ms pass inside each timed function.
    let now = 1000;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const add = client.timer((a: number, b: number) => {
        now += 7;
        return a + b;
      }, 'add');
      expect(add(2, 3)).toBe(5);
      const boom = client.timer(() => {
        now += 7;
        throw new Error('boom');
      }, 'boom');
      expect(() => boom()).toThrow('boom');
      const later = client.asyncTimer(
        async (x: string) => {
          await Promise.resolve();
          now += 7;
          return x.toUpperCase();
        },
        'later',
        ['k:v'],
      );
      await expect(later('ok')).resolves.toBe('OK');
    } finally {
      clock.mockRestore();
    }
    await client.flush();
    expect([transport.samples('add'), transport.samples('boom'), transport.samples('later')]).toEqual([[7], [7], [7]]);
    expect(transport.metrics.find((m) => m.name === 'later')?.tags).toEqual({ k: 'v' });
    await client.close();
  });

  it("childClient names and tags as hot-shots 17 does: child prefix first, child suffix last, child tags over the parent's", async () => {
    // The same calls through real hot-shots (mock) and through ours; the lines must be the same.
    type Calls = {
      increment(n: string, v?: number, t?: Record<string, string> | string[]): void;
      gauge(n: string, v: number, t?: Record<string, string> | string[]): void;
      childClient(o: { prefix?: string; suffix?: string; globalTags?: Record<string, string> | string[] }): Calls;
    };
    const scenario = (client: Calls): void => {
      client.childClient({ prefix: 'svc.' }).increment('created');
      const orders = client.childClient({ prefix: 'orders.', suffix: '.eu', globalTags: ['team:core'] });
      orders.increment('created');
      orders.increment('created', 2, { team: 'payments' });
      orders.childClient({ prefix: 'v2', suffix: 'x', globalTags: { team: 'infra', tier: '1' } }).gauge('depth', 3);
    };
    const theirs = new HotShots({ mock: true, prefix: 'app.', globalTags: { app: 'shop' } });
    const lines: string[] = theirs.mockBuffer!;
    // Children have their own mockBuffer in hot-shots: share the root's, to keep every line.
    const share = (c: HotShotsClient): Calls => ({
      increment: (n, v, t) => c.increment(n, v ?? 1, t),
      gauge: (n, v, t) => c.gauge(n, v, t),
      childClient: (o) => {
        const child = c.childClient(o);
        child.mockBuffer = lines;
        return share(child);
      },
    });
    scenario(share(theirs));
    const ours = new StatsClient({ mock: true, flushIntervalMs: 0, flavour: 'dogstatsd', prefix: 'app.', tags: { app: 'shop' } });
    scenario(ours);
    await ours.flush();
    expect(lines).toEqual([
      'svc.app.created:1|c|#app:shop',
      'orders.app.created.eu:1|c|#app:shop,team:core',
      'orders.app.created.eu:2|c|#app:shop,team:payments',
      'v2.orders.app.depth.eu.x:3|g|#app:shop,team:infra,tier:1',
    ]);
    expect(ours.mockBuffer.sort()).toEqual([...lines].sort());
    await ours.close();
  });

  it('gaugeDelta sends +n / -n; deltas add up in a window, onto a value set in it; a value set after them wins', async () => {
    const client = new StatsClient({ mock: true, flushIntervalMs: 0 });
    client.gaugeDelta('up', 2);
    client.gaugeDelta('up', 3);
    client.gaugeDelta('down', -4);
    client.gaugeDelta('zero', 0);
    client.gauge('onto', 10);
    client.gaugeDelta('onto', -3);
    client.gaugeDelta('reset', 5);
    client.gauge('reset', 1);
    client.childClient({ prefix: 'svc' }).gaugeDelta('child', 1, ['k:v']);
    await client.flush();
    expect(client.mockBuffer).toEqual(['up:+5|g', 'down:-4|g', 'zero:+0|g', 'onto:7|g', 'reset:1|g', 'svc.child:+1|g|#k:v']);
    await client.close();
  });

  it('gaugeDelta goes on the wire as +n / -n over udp, as hot-shots sends it', async () => {
    const listener = await udpListener();
    const client = new StatsClient({ protocol: 'udp', destPort: listener.port, flushIntervalMs: 0 });
    try {
      client.gaugeDelta('queue.depth', 4);
      client.gaugeDelta('queue.depth', -1);
      client.gaugeDelta('pool.size', -2);
      await client.flush();
      await waitFor(() => listener.packets.length > 0, 5000, 'a datagram');
      expect(listener.packets.join('\n').split('\n')).toEqual(['queue.depth:+3|g', 'pool.size:-2|g']);
    } finally {
      await client.close();
      await listener.close();
    }
  });

  it('gaugeDelta over http or ws (values only) is dropped, counted and reported to onError, never thrown', async () => {
    for (const protocol of ['http', 'ws'] as const) {
      const errors: StatsError[] = [];
      const logs = captureLogs();
      const client = new StatsClient({ protocol, secret: 's3cret', flushIntervalMs: 0, onError: (e) => errors.push(e) });
      expect(() => client.gaugeDelta('depth', 1)).not.toThrow();
      await client.pipeline((pipe) => pipe.gaugeDelta('depth', 1));
      expect(client.stats().invalidMetrics).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(InvalidMetricError);
      expect(errors[0]!.code).toBe('SIGHTLINE_ERR_STATS_INVALID_METRIC');
      expect(errors[0]!.message).toBe(
        `Metric "depth" dropped: gaugeDelta needs protocol udp, tcp or uds; the ${protocol} protocol carries gauge values, not changes: use gauge()`,
      );
      logs.restore();
      await client.close();
    }
  });

  it("a trailing dot in prefix is tolerated: 'orders.' gives orders.created", async () => {
    const { client, transport } = createTestClient({ prefix: 'orders.' });
    client.incr('created');
    await client.flush();
    expect(transport.metrics.map((m) => m.name)).toEqual(['orders.created']);
    await client.close();
  });

  it('mock: true records in memory as StatsD lines, sends nothing, needs no secret', async () => {
    const client = new StatsClient({ mock: true, flushIntervalMs: 0, flavour: 'dogstatsd' });
    client.increment('hits', 2, ['env:prod']);
    client.timing('db', 12);
    client.event('Deploy', 'v1.2 is out', { alert_type: 'info' });
    await client.flush();
    expect(client.target).toBe('memory://');
    expect(client.mockBuffer).toEqual(['_e{6,11}:Deploy|v1.2 is out|t:info', 'hits:2|c|#env:prod', 'db:12|ms']);
    await client.close();
  });

  it('DogStatsD event and check go on the wire in the DogStatsD format', async () => {
    const listener = await udpListener();
    const client = new StatsClient({
      protocol: 'udp',
      destPort: listener.port,
      flavour: 'dogstatsd',
      flushIntervalMs: 0,
      tags: { env: 'prod' },
    });
    try {
      client.event(
        'Deploy',
        'line one\nline two',
        { date_happened: new Date(1_700_000_000_000), hostname: 'web-1', priority: 'low', alert_type: 'success' },
        ['v:1.2'],
      );
      client.check('db.up', 2, { hostname: 'web-1', message: 'connection refused' });
      await waitFor(() => listener.packets.length === 2);
      expect(listener.packets).toEqual([
        '_e{6,18}:Deploy|line one\\nline two|d:1700000000|h:web-1|p:low|t:success|#env:prod,v:1.2',
        '_sc|db.up|2|h:web-1|#env:prod|m:connection refused',
      ]);
      expect(client.stats().sentValues).toBe(2);
    } finally {
      await client.close();
      await listener.close();
    }
  });

  it('event and check with another flavour are dropped, counted and reported', async () => {
    const errors: StatsError[] = [];
    const logs = captureLogs();
    const { client } = createTestClient({ onError: (e) => errors.push(e) });
    client.event('Deploy');
    client.check('db.up', 0);
    expect(client.stats().invalidMetrics).toBe(2);
    expect(errors[0]?.message).toContain('DogStatsD events need flavour dogstatsd');
    logs.restore();
    await client.close();
  });
});

describe('port 443 means TLS', () => {
  const fixtures = join(__dirname, 'fixtures');
  it('destPort 443 gives https unless tls: false is set explicitly', () => {
    const secure = new StatsClient({ destPort: 443, secret: 's', destHost: 'stats.example.com' });
    expect(secure.target).toBe('https://stats.example.com:443/v1/batch');
    const plain = new StatsClient({ destPort: 443, secret: 's', destHost: 'stats.example.com', tls: false });
    expect(plain.target).toBe('http://stats.example.com:443/v1/batch');
    const ws = new StatsClient({ protocol: 'ws', destPort: 443, secret: 's', destHost: 'stats.example.com' });
    expect(ws.target).toBe('wss://stats.example.com:443/v1/ws');
    void Promise.all([secure.close(), plain.close(), ws.close()]);
  });

  it('and the TLS is real: a batch reaches an https receiver', async () => {
    // The fixture certificate is for localhost; the port is not 443 here, so tls is set by hand to
    // check the same https path end to end.
    let body = '';
    const server = https.createServer(
      { cert: readFileSync(join(fixtures, 'localhost-cert.pem')), key: readFileSync(join(fixtures, 'localhost-key.pem')) },
      (req, res) => {
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":0}'));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const client = new StatsClient({
      destHost: 'localhost',
      destPort: port,
      tls: true,
      secret: 's',
      flushIntervalMs: 0,
      tlsOptions: { rejectUnauthorized: false },
    });
    client.incr('secure');
    await client.flush();
    expect((JSON.parse(body) as { metrics: unknown }).metrics).toEqual([{ type: 'counter', name: 'secure', value: 1 }]);
    await client.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("the stats() plugin takes mock and a trailing-dot prefix through core's options rule", async () => {
    const plugin = stats({ mock: true, prefix: 'orders.', hooks: false, monitor: false });
    plugin.client.increment('created');
    await plugin.client.flush();
    expect(plugin.client.mockBuffer).toEqual(['orders.created:1|c']);
    await plugin.client.close();
    expect(() => stats({ mock: 'yes' as never, hooks: false, monitor: false })).toThrow(StatsConfigError);
    expect(() => stats({ mock: true, prefix: 'bad name.', hooks: false, monitor: false })).toThrow(StatsConfigError);
  });
});
