// `@sightline/stats/hot-shots`: hot-shots' constructor options and methods on StatsClient, checked on
// the lines delivered (mock) and on the datagrams a UDP socket receives.
import { StatsClient, StatsConfigError, type StatsError } from '@sightline/stats';
import DefaultStatsD, { StatsD, type StatsDTimerContext } from '@sightline/stats/hot-shots';
import { udpListener, waitFor } from './helpers.js';

const closed = (client: StatsD): Promise<void> => new Promise((resolve) => client.close(() => resolve()));

/** Runs `fn` with these variables set (undefined: unset), then puts the environment back. */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

describe('@sightline/stats/hot-shots StatsD', () => {
  it('is the default export too, and runs on a StatsClient', async () => {
    expect(DefaultStatsD).toBe(StatsD);
    const client = new StatsD({ mock: true });
    expect(client.client).toBeInstanceOf(StatsClient);
    await closed(client);
  });

  it("takes hot-shots' options: udp to host:port by default, prefix, suffix, globalTags as an array", async () => {
    const listener = await udpListener();
    const client = new StatsD({ host: '127.0.0.1', port: listener.port, prefix: 'orders', suffix: 'eu', globalTags: ['env:prod'] });
    try {
      client.increment('created');
      client.increment('created', 2);
      client.gauge('depth', 3, { shard: '1' });
      await new Promise<void>((resolve) => client.flush(() => resolve()));
      await waitFor(() => listener.packets.length > 0, 5000, 'a datagram');
      expect(listener.packets.join('\n').split('\n')).toEqual(['orders.created.eu:3|c|#env:prod', 'orders.depth.eu:3|g|#env:prod,shard:1']);
    } finally {
      await closed(client);
      await listener.close();
    }
  });

  it('reads DD_AGENT_HOST and DD_DOGSTATSD_PORT when host and port are not given, and DD_ENTITY_ID as a tag', async () => {
    const listener = await udpListener();
    await withEnv(
      {
        DD_AGENT_HOST: '127.0.0.1',
        DD_DOGSTATSD_PORT: String(listener.port),
        DD_ENTITY_ID: 'pod-1234',
        DD_ENV: undefined,
        DD_SERVICE: undefined,
        DD_VERSION: undefined,
      },
      async () => {
        const client = new StatsD({ globalTags: { app: 'shop' } });
        try {
          client.increment('hits');
          await new Promise<void>((resolve) => client.flush(() => resolve()));
          await waitFor(() => listener.packets.length > 0, 5000, 'a datagram');
          expect(listener.packets).toEqual(['hits:1|c|#app:shop,dd.internal.entity_id:pod-1234']);
        } finally {
          await closed(client);
          await listener.close();
        }
      },
    );
  });

  it('leaves DD_* tags out with includeDataDogTags: false, and refuses a DD_DOGSTATSD_PORT that is not a port', async () => {
    await withEnv({ DD_ENTITY_ID: 'pod-1', DD_DOGSTATSD_PORT: 'eighty' }, async () => {
      expect(() => new StatsD({ mock: true })).toThrow(StatsConfigError);
      expect(() => new StatsD({ mock: true })).toThrow('DD_DOGSTATSD_PORT');
      const client = new StatsD({ mock: true, port: 8125, includeDataDogTags: false });
      client.increment('hits');
      await closed(client);
      expect(client.mockBuffer).toEqual(['hits:1|c']);
    });
  });

  it('refuses options it does not know with the closest name, and bad values with the option named', () => {
    expect(() => new StatsD({ hots: 'x' } as never)).toThrow('unknown option `hots` in new StatsD(): did you mean `host`?');
    expect(() => new StatsD({ protocol: 'stream' } as never)).toThrow('invalid option `protocol` in new StatsD()');
    expect(() => new StatsD({ globalTags: ['beta'] })).toThrow(StatsConfigError);
  });

  it("reads hot-shots' argument forms: tags alone, rate then tags, an options object, callbacks, several names", async () => {
    const client = new StatsD({ mock: true });
    const called: unknown[] = [];
    client.increment('a');
    client.increment('a', ['k:v']);
    client.increment('a', 2, 1, ['k:v']);
    client.increment('a', 3, { k: 'v' });
    client.increment('a', 4, { sampleRate: 1, tags: ['k:v'] });
    client.increment('a', 1, (error) => called.push(error));
    client.decrement('a', 2, ['k:v'], (error) => called.push(error));
    client.decrement('a');
    client.increment(['b', 'c'], 5);
    client.timing('t', 7, ['k:v']);
    client.histogram('h', 1);
    client.distribution('h', 2);
    client.set('s', 'x');
    client.unique('s', 'y');
    client.set('s', 'x');
    client.gauge('g', 10);
    client.gaugeDelta('g', -4);
    client.gaugeDelta('d', 2);
    await closed(client);
    expect(called).toEqual([null, null]);
    expect(client.mockBuffer).toEqual([
      'a:1|c',
      'a:8|c|#k:v',
      'b:5|c',
      'c:5|c',
      'g:6|g',
      'd:+2|g',
      't:7|ms|#k:v',
      'h:1|h',
      'h:2|h',
      's:x|s',
      's:y|s',
    ]);
  });

  it('timer and asyncTimer record durations, pass results and errors through, and take tags added by the function', async () => {
    const client = new StatsD({ mock: true });
    let now = 1000;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const add = client.timer((a: number, b: number, ctx: StatsDTimerContext) => {
        now += 4;
        ctx.addTags({ route: 'sum' });
        return a + b;
      }, 'add');
      expect(add(2, 3)).toBe(5);
      const fail = client.asyncTimer(
        async (ctx: StatsDTimerContext) => {
          await Promise.resolve();
          now += 6;
          ctx.addTags(['outcome:error']);
          throw new Error('boom');
        },
        'job',
        ['k:v'],
      );
      await expect(fail()).rejects.toThrow('boom');
      const dist = client.asyncDistTimer(() => {
        now += 2;
        return Promise.resolve('ok');
      }, 'dist');
      await expect(dist()).resolves.toBe('ok');
    } finally {
      clock.mockRestore();
    }
    await closed(client);
    expect(client.mockBuffer).toEqual(['add:4|ms|#route:sum', 'job:6|ms|#k:v,outcome:error', 'dist:2|h']);
  });

  it('childClient: hot-shots naming and tags; close on a child closes the shared client', async () => {
    const client = new StatsD({ mock: true, prefix: 'app', suffix: 'eu', globalTags: { env: 'prod' } });
    const child = client.childClient({ prefix: 'svc', suffix: 'x', globalTags: ['team:core'] });
    child.increment('created');
    child.childClient({ prefix: 'v2', globalTags: { team: 'infra' } }).gauge('depth', 1);
    await closed(child);
    expect(client.mockBuffer).toEqual(['svc.app.created.eu.x:1|c|#env:prod,team:core', 'v2.svc.app.depth.eu.x:1|g|#env:prod,team:infra']);
  });

  it('events and checks go out in the DogStatsD format with the child tags', async () => {
    const client = new StatsD({ mock: true, globalTags: { env: 'prod' } });
    client.childClient({ globalTags: { team: 'core' } }).event('Deploy', 'v2', { alert_type: 'info' }, ['v:2']);
    client.check('db.up', 0);
    await closed(client);
    expect(client.mockBuffer).toEqual(['_e{6,2}:Deploy|v2|t:info|#env:prod,team:core,v:2', '_sc|db.up|0|#env:prod']);
  });

  it('a bad call is dropped and reported to errorHandler, never thrown', async () => {
    const errors: StatsError[] = [];
    const client = new StatsD({ mock: true, errorHandler: (e) => errors.push(e as StatsError) });
    expect(() => client.increment('bad name')).not.toThrow();
    expect(() => client.gauge('g', Number.NaN)).not.toThrow();
    await closed(client);
    expect(errors.map((e) => e.code)).toEqual(['SIGHTLINE_ERR_STATS_INVALID_METRIC', 'SIGHTLINE_ERR_STATS_INVALID_METRIC']);
    expect(client.mockBuffer).toEqual([]);
  });
});
