import { DEFAULT_HISTOGRAM_BUCKETS, DEFAULT_TIMER_BUCKETS, resolveOptions, type StatsServerOptions } from '../src/options.js';
import { StatsServerConfigError } from '../src/errors.js';

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveOptions({ secrets: 'k' })).toEqual({
      host: '127.0.0.1',
      port: 8125,
      secrets: ['k'],
      statsdHost: '127.0.0.1',
      udpPort: undefined,
      tcpPort: undefined,
      maxBodyBytes: 1_048_576,
      maxSkewMs: 300_000,
      maxSeries: 10_000,
      maxSetMembers: 10_000,
      timerBuckets: DEFAULT_TIMER_BUCKETS,
      histogramBuckets: DEFAULT_HISTOGRAM_BUCKETS,
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
  });

  it('takes one bucket list for both kinds, or one per kind', () => {
    expect(resolveOptions({ secrets: 'k', buckets: [1, 2] })).toMatchObject({ timerBuckets: [1, 2], histogramBuckets: [1, 2] });
    expect(resolveOptions({ secrets: 'k', buckets: { histogram: [5] } })).toMatchObject({
      timerBuckets: DEFAULT_TIMER_BUCKETS,
      histogramBuckets: [5],
    });
  });

  it.each<[Partial<StatsServerOptions> | null, string]>([
    [null, 'createStatsServer() expects an options object with at least { secrets }'],
    [{ secrets: undefined as unknown as string }, 'secrets: expected a non-empty string or a non-empty array of non-empty strings'],
    [{ secrets: [] }, 'secrets: expected a non-empty string or a non-empty array of non-empty strings'],
    [{ secrets: ['ok', ''] }, 'secrets[1]: expected a non-empty string, got an empty string'],
    [{ port: 70_000 }, 'port: expected an integer port from 0 to 65535, got 70000'],
    [{ port: 1.5 }, 'port: expected an integer port from 0 to 65535, got 1.5'],
    [{ metricPrefix: 'a.b' }, 'metricPrefix: expected "" or the start of a Prometheus name such as "stats_" ([A-Za-z_][A-Za-z0-9_]*), got "a.b"'],
    [{ maxMemoryBytes: 0 }, 'maxMemoryBytes: expected a positive integer, got 0'],
    [{ maxConnections: -1 }, 'maxConnections: expected a positive integer, got -1'],
    [{ host: '' }, 'host: expected a host name or IP address such as "127.0.0.1", got ""'],
    [{ statsd: { udpPort: -1 } }, 'statsd.udpPort: expected an integer port from 0 to 65535, got -1'],
    [{ statsd: { tcpPort: 65_536 } }, 'statsd.tcpPort: expected an integer port from 0 to 65535, got 65536'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes: expected a positive integer, got 0'],
    [{ maxSkewMs: -5 }, 'maxSkewMs: expected a positive integer, got -5'],
    [{ maxSeries: Number.NaN }, 'maxSeries: expected a positive integer, got NaN'],
    [{ buckets: [2, 1] }, 'buckets: expected a non-empty array of finite, strictly increasing numbers, got [2,1]'],
    [{ buckets: { timer: [] } }, 'buckets.timer: expected a non-empty array of finite, strictly increasing numbers, got []'],
    [{ exposeMetrics: 'yes' as unknown as boolean }, 'exposeMetrics: expected true or false, got "yes"'],
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
