import {
  bucketBounds,
  DEFAULT_HISTOGRAM_BUCKETS,
  DEFAULT_TIMER_BUCKETS,
  resolveServerOptions,
  secretList,
  type StatsServerOptions,
} from '../src/options.js';
import { StatsServerConfigError } from '../src/errors.js';

const resolveOptions = (options: StatsServerOptions) => resolveServerOptions(options, { source: 'createStatsServer()' });

describe('resolveServerOptions', () => {
  it('fills in the defaults', () => {
    const settings = resolveOptions({ secrets: 'k' });
    expect(settings).toEqual({
      host: '127.0.0.1',
      port: 8125,
      secrets: 'k',
      statsd: { host: undefined, udpPort: undefined, tcpPort: undefined },
      maxBodyBytes: 1_048_576,
      maxSkewMs: 300_000,
      maxSeries: 10_000,
      maxSetMembers: 10_000,
      buckets: { timer: DEFAULT_TIMER_BUCKETS, histogram: DEFAULT_HISTOGRAM_BUCKETS },
      maxTcpLineLength: 65_536,
      requestTimeoutMs: 30_000,
      exposeMetrics: true,
      metricPrefix: 'stats_',
      maxMemoryBytes: 134_217_728,
      maxConnections: 1000,
      maxNameLength: 200,
      maxTags: 64,
      maxTagKeyLength: 100,
      maxTagValueLength: 1024,
      maxSetMemberLength: 1024,
    });
    expect(secretList(settings)).toEqual(['k']);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('takes one bucket list for both kinds, or one per kind', () => {
    expect(bucketBounds(resolveOptions({ secrets: 'k', buckets: [1, 2] }))).toEqual({ timer: [1, 2], histogram: [1, 2] });
    expect(bucketBounds(resolveOptions({ secrets: 'k', buckets: { histogram: [5] } }))).toEqual({
      timer: DEFAULT_TIMER_BUCKETS,
      histogram: [5],
    });
  });

  it('reads SIGHTLINE_STATS_SERVER_* only when given an environment, options in code winning', () => {
    const env = { SIGHTLINE_STATS_SERVER_PORT: '9000', SIGHTLINE_STATS_SERVER_MAX_SERIES: '7', SIGHTLINE_STATS_SERVER_SECRETS: 'a,b' };
    expect(resolveOptions({ secrets: 'k' }).port).toBe(8125);
    const settings = resolveServerOptions({ maxSeries: 8 }, { source: 'sightline-stats-server', env });
    expect([settings.port, settings.maxSeries, secretList(settings)]).toEqual([9000, 8, ['a', 'b']]);
  });

  it.each<[Partial<StatsServerOptions> | null, string]>([
    [null, 'invalid options in createStatsServer(): expected an object, got null'],
    [
      { secrets: undefined as unknown as string },
      'missing option `secrets` in createStatsServer(): expected a non-empty string or an array of non-empty string items',
    ],
    [{ secrets: [] }, 'invalid option `secrets` in createStatsServer(): expected at least one secret (got [])'],
    [{ secrets: ['ok', ''] }, 'invalid option `secrets[1]` in createStatsServer(): expected a non-empty string'],
    [{ port: 70_000 }, 'invalid option `port` in createStatsServer(): expected an integer from 0 to 65535, got 70000'],
    [{ port: 1.5 }, 'invalid option `port` in createStatsServer(): expected an integer from 0 to 65535, got 1.5'],
    [{ host: '' }, 'invalid option `host` in createStatsServer(): expected a host name or IP address such as "127.0.0.1", got ""'],
    [{ statsd: { udpPort: -1 } }, 'invalid option `statsd.udpPort` in createStatsServer(): expected an integer from 0 to 65535, got -1'],
    [
      { statsd: { tcpPort: 65_536 } },
      'invalid option `statsd.tcpPort` in createStatsServer(): expected an integer from 0 to 65535, got 65536',
    ],
    [{ statsd: { udp: 1 } as never }, 'unknown option `statsd.udp` in createStatsServer(): expected one of host, udpPort, tcpPort'],
    [{ statsd: { udpPrt: 1 } as never }, 'unknown option `statsd.udpPrt` in createStatsServer(): did you mean `statsd.udpPort`?'],
    [{ secret: 'x' } as never, 'unknown option `secret` in createStatsServer(): did you mean `secrets`?'],
    [{ maxBodyBytes: 0 }, 'invalid option `maxBodyBytes` in createStatsServer(): expected an integer >= 1, got 0'],
    [{ maxSkewMs: -5 }, 'invalid option `maxSkewMs` in createStatsServer(): expected an integer >= 1, got -5'],
    [{ maxSeries: Number.NaN }, 'invalid option `maxSeries` in createStatsServer(): expected an integer >= 1, got NaN'],
    [
      { buckets: [2, 1] },
      'invalid option `buckets` in createStatsServer(): expected a non-empty array of finite, strictly increasing numbers (got [2,1])',
    ],
    [
      { buckets: { timer: [] } },
      'invalid option `buckets.timer` in createStatsServer(): expected a non-empty array of finite, strictly increasing numbers (got [])',
    ],
    [
      { exposeMetrics: 'yes' as unknown as boolean },
      'invalid option `exposeMetrics` in createStatsServer(): expected true or false, got "yes"',
    ],
    [
      { metricPrefix: 'a.b' },
      'invalid option `metricPrefix` in createStatsServer(): expected "" or the start of a Prometheus name such as "stats_" ([A-Za-z_][A-Za-z0-9_]*) (got "a.b")',
    ],
    [{ maxMemoryBytes: 0 }, 'invalid option `maxMemoryBytes` in createStatsServer(): expected an integer >= 1, got 0'],
    [{ maxConnections: -1 }, 'invalid option `maxConnections` in createStatsServer(): expected an integer >= 1, got -1'],
  ])('%j -> %s', (partial, message) => {
    const options = partial === null ? null : { secrets: 'not-shown', ...partial };
    let thrown: unknown;
    try {
      resolveOptions(options as StatsServerOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StatsServerConfigError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toContain('not-shown');
  });
});
