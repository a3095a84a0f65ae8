import { parseCliArgs, SECRETS_ENV_VAR, USAGE } from '../../src/cli/parse-args.js';
import { runCli } from '../../src/cli/run.js';
import { StatsServerConfigError } from '../../src/errors.js';
import { captureLogs, postBatch } from '../helpers.js';

describe('parseCliArgs', () => {
  it('maps every flag to an option', () => {
    const config = parseCliArgs(
      [
        '--port',
        '9000',
        '--host',
        '0.0.0.0',
        '--secret',
        'a',
        '--secret',
        'b',
        '--statsd-udp-port',
        '8125',
        '--statsd-tcp-port',
        '8126',
        '--statsd-host',
        '127.0.0.1',
        '--max-body-bytes',
        '2048',
        '--max-skew-ms',
        '1000',
        '--max-series',
        '50',
        '--max-set-members',
        '9',
        '--max-memory-bytes',
        '1000000',
        '--max-connections',
        '20',
        '--metric-prefix',
        '',
        '--timer-buckets',
        '0.1,1',
        '--histogram-buckets',
        '10, 100',
      ],
      {},
    );
    expect(config.help).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.options).toEqual({
      secrets: ['a', 'b'],
      host: '0.0.0.0',
      port: 9000,
      maxBodyBytes: 2048,
      maxSkewMs: 1000,
      maxSeries: 50,
      maxSetMembers: 9,
      maxMemoryBytes: 1_000_000,
      maxConnections: 20,
      metricPrefix: '',
      statsd: { host: '127.0.0.1', udpPort: 8125, tcpPort: 8126 },
      buckets: { timer: [0.1, 1], histogram: [10, 100] },
    });
    expect(config.settings).toMatchObject({ ...config.options, maxTags: 64 });
  });

  it('has a flag for every option of the shape, each with its doc line in the usage', () => {
    const config = parseCliArgs(
      [
        '--secret',
        's',
        '--expose-metrics',
        'false',
        '--max-tcp-line-length',
        '100',
        '--max-name-length',
        '50',
        '--max-tags',
        '3',
        '--max-tag-key-length',
        '10',
        '--max-tag-value-length',
        '20',
        '--max-set-member-length',
        '30',
      ],
      {},
    );
    expect(config.settings).toMatchObject({
      exposeMetrics: false,
      maxTcpLineLength: 100,
      maxNameLength: 50,
      maxTags: 3,
      maxTagKeyLength: 10,
      maxTagValueLength: 20,
      maxSetMemberLength: 30,
    });
    expect(USAGE).toContain('--max-body-bytes <n>');
    expect(USAGE).toContain('Largest accepted batch body');
    expect(USAGE).toContain('Default 1048576.');
  });

  it('reads secrets from SIGHTLINE_STATS_SERVER_SECRETS, comma-separated, when no --secret is given', () => {
    expect(parseCliArgs([], { [SECRETS_ENV_VAR]: ' one, two ,,' }).settings?.secrets).toEqual(['one', 'two']);
    expect(parseCliArgs(['--secret', 'flag'], { [SECRETS_ENV_VAR]: 'env' }).settings?.secrets).toEqual(['flag']);
  });

  it('reads every option from SIGHTLINE_STATS_SERVER_*, flags winning over the environment', () => {
    const env = {
      [SECRETS_ENV_VAR]: 's',
      SIGHTLINE_STATS_SERVER_PORT: '9000',
      SIGHTLINE_STATS_SERVER_STATSD__UDP_PORT: '8125',
      SIGHTLINE_STATS_SERVER_MAX_SERIES: '50',
    };
    expect(parseCliArgs(['--port', '9001'], env).settings).toMatchObject({
      secrets: ['s'],
      port: 9001,
      statsd: { udpPort: 8125 },
      maxSeries: 50,
    });
  });

  it('refuses a misspelt SIGHTLINE_STATS_SERVER_* variable, naming it and the closest one', () => {
    expect(() => parseCliArgs(['--secret', 's'], { SIGHTLINE_STATS_SERVER_STATSD__UDP_PROT: '1' })).toThrow(
      new StatsServerConfigError(
        'unknown variable `SIGHTLINE_STATS_SERVER_STATSD__UDP_PROT` in env: did you mean `SIGHTLINE_STATS_SERVER_STATSD__UDP_PORT`?',
      ),
    );
  });

  it('answers --help without needing a secret', () => {
    expect(parseCliArgs(['-h'], {})).toEqual({ help: true, logLevel: 'info', options: undefined, settings: undefined });
  });

  it.each([
    [[], 'no secret: pass --secret <s> or set SIGHTLINE_STATS_SERVER_SECRETS (comma-separated secrets)'],
    [['--secret', 'k', '--port', 'http'], '--port: expected a non-negative integer, got "http"'],
    [['--secret', 'k', '--timer-buckets', '1,x'], '--timer-buckets: expected comma-separated numbers such as 0.01,0.1,1, got "1,x"'],
    [['--secret', 'k', '--expose-metrics', 'no'], '--expose-metrics: expected true or false, got "no"'],
    [
      ['--secret', 'k', '--port', '70000'],
      'invalid option `port` in sightline-stats-server: expected an integer from 0 to 65535, got 70000',
    ],
  ])('%j -> %s', (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(new StatsServerConfigError(message));
  });

  it('refuses unknown flags with the usage', () => {
    expect(() => parseCliArgs(['--prot', '1'], {})).toThrow(/Unknown option '--prot'[\s\S]*Usage: sightline-stats-server/);
  });
});

describe('runCli', () => {
  it('starts a server from argv and env, and says where it listens without the secret', async () => {
    const logs = captureLogs('info');
    const out: string[] = [];
    const server = await runCli(
      ['--port', '0', '--statsd-udp-port', '0'],
      { [SECRETS_ENV_VAR]: 'cli-secret' },
      {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
      },
    );
    try {
      const a = server!.address();
      expect(out).toEqual([
        `sightline-stats-server listening on ${a.url} (POST /v1/batch, ${a.wsUrl}, GET /metrics) statsd udp 127.0.0.1:${a.statsdUdpPort}`,
      ]);
      expect((await postBatch(a.url, { v: 1, metrics: [] }, { secret: 'cli-secret' })).status).toBe(200);
      expect(logs.records.map((r) => r.message)).toContain('stats server listening');
      expect(JSON.stringify(logs.records) + out.join('')).not.toContain('cli-secret');
    } finally {
      await server!.close();
      logs.restore();
    }
  });

  it('prints the usage for --help and starts nothing', async () => {
    const out: string[] = [];
    expect(await runCli(['--help'], {}, { out: (l) => out.push(l), err: () => undefined })).toBeUndefined();
    expect(out[0]).toMatch(/^Usage: sightline-stats-server \[options\]/);
  });
});
