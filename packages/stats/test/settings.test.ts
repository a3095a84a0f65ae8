import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { SETTING_NAMES, StatsClientSettings, StatsConfigError } from '../src/index.js';
import { settingArgvName, settingEnvName } from '../src/settings.js';
import { InMemoryTransport } from '../src/testing.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stats-settings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function configError(fn: () => unknown): StatsConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StatsConfigError);
    return error as StatsConfigError;
  }
  throw new Error('expected a StatsConfigError');
}

describe('StatsClientSettings.load precedence', () => {
  it('uses the defaults when nothing is set (udp needs no secret)', () => {
    const s = StatsClientSettings.load({ argv: [], env: {}, defaults: { protocol: 'udp' } });
    expect(s.values()).toEqual({
      protocol: 'udp',
      destHost: '127.0.0.1',
      destPort: 8125,
      secret: undefined,
      prefix: '',
      tls: false,
      socketPath: undefined,
      flavour: 'statsd',
      flushIntervalMs: 1000,
      maxBatchSize: 10_000,
      maxBatchBytes: 1048576,
      maxQueuedBatches: 1000,
      maxQueuedBytes: 33554432,
      closeTimeoutMs: 10000,
      maxRetries: 5,
      retryBaseMs: 100,
      retryMaxMs: 10_000,
      timeoutMs: 5000,
      maxPacketBytes: undefined,
      udpBytesPerMs: 5728,
      sampleRate: 1,
      tags: undefined,
    });
    expect(s.sourceOf('destPort')).toEqual({ source: 'default', origin: 'default' });
    expect(s.sourceOf('protocol')).toEqual({ source: 'options', origin: 'defaults.protocol' });
  });

  it('argv over env over file over defaults, setting by setting', () => {
    const config = file('layers.json', {
      protocol: 'http',
      dest_host: 'file-host',
      destPort: 1111,
      prefix: 'fromfile',
      secret: 'file-secret',
      maxRetries: 9,
    });
    const s = StatsClientSettings.load({
      configFile: config,
      env: {
        STATS_CLIENT_SETTINGS__DEST_HOST: 'env-host',
        STATS_CLIENT_SETTINGS__DEST_PORT: '2222',
        STATS_CLIENT_SETTINGS__PREFIX: 'fromenv',
        STATS_CLIENT_SETTINGS__SAMPLE_RATE: '',
        UNRELATED: 'x',
      },
      argv: [
        'serve',
        '--port',
        '80',
        '--stats-dest-port',
        '3333',
        '--stats-flush-interval-ms=250',
        '--stats-tags',
        'a:1,b:2',
        '--stats-tls',
      ],
      defaults: { maxRetries: 1, timeoutMs: 42 },
    });
    expect(s.values()).toMatchObject({
      protocol: 'http',
      destHost: 'env-host',
      destPort: 3333,
      prefix: 'fromenv',
      secret: '<redacted>',
      maxRetries: 9,
      timeoutMs: 42,
      flushIntervalMs: 250,
      tags: { a: '1', b: '2' },
      tls: true,
      sampleRate: 1,
    });
    expect(s.sourceOf('destPort')).toEqual({ source: 'argv', origin: '--stats-dest-port' });
    expect(s.sourceOf('destHost')).toEqual({ source: 'env', origin: 'STATS_CLIENT_SETTINGS__DEST_HOST' });
    expect(s.sourceOf('secret')).toEqual({ source: 'file', origin: `${config}: secret` });
    expect(s.sourceOf('timeoutMs')).toEqual({ source: 'options', origin: 'defaults.timeoutMs' });
    expect(s.sourceOf('retryBaseMs')).toEqual({ source: 'default', origin: 'default' });
  });

  it('finds the config file from argv, else from env', () => {
    const a = file('a.json', { protocol: 'udp', prefix: 'a' });
    const b = file('b.json', { protocol: 'udp', prefix: 'b' });
    expect(StatsClientSettings.load({ argv: [`--stats-config-file=${a}`], env: { STATS_CLIENT_SETTINGS__CONFIG_FILE: b } }).prefix).toBe(
      'a',
    );
    expect(StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__CONFIG_FILE: b } }).prefix).toBe('b');
  });

  it('reads process.argv and process.env by default', () => {
    const saved = { argv: process.argv, env: { ...process.env } };
    try {
      process.argv = ['node', 'app', '--stats-prefix', 'argvprefix'];
      process.env.STATS_CLIENT_SETTINGS__PROTOCOL = 'tcp';
      process.env.STATS_CLIENT_SETTINGS__DEST_PORT = '9125';
      const s = StatsClientSettings.load();
      expect([s.protocol, s.destPort, s.prefix]).toEqual(['tcp', 9125, 'argvprefix']);
    } finally {
      process.argv = saved.argv;
      delete process.env.STATS_CLIENT_SETTINGS__PROTOCOL;
      delete process.env.STATS_CLIENT_SETTINGS__DEST_PORT;
    }
  });

  it('names every setting in env and argv form', () => {
    expect(SETTING_NAMES.map(settingEnvName)).toContain('STATS_CLIENT_SETTINGS__MAX_QUEUED_BATCHES');
    expect(SETTING_NAMES.map(settingArgvName)).toContain('--stats-max-queued-batches');
    // every setting can be set from the environment
    const env = Object.fromEntries(SETTING_NAMES.map((n) => [settingEnvName(n), '']));
    expect(() => StatsClientSettings.load({ argv: [], env, defaults: { protocol: 'udp' } })).not.toThrow();
  });

  it('createClient() builds a client with the settings, and redacts the secret everywhere', async () => {
    const s = StatsClientSettings.load({
      argv: [],
      env: {
        STATS_CLIENT_SETTINGS__SECRET: 'hunter2-secret',
        STATS_CLIENT_SETTINGS__PREFIX: 'svc',
        STATS_CLIENT_SETTINGS__FLUSH_INTERVAL_MS: '0',
      },
    });
    expect(String(s)).toBe('StatsClientSettings(http://127.0.0.1:8125, prefix svc, secret <redacted>)');
    expect(inspect(s, { showHidden: true, depth: 9 })).not.toContain('hunter2');
    expect(JSON.stringify(s)).not.toContain('hunter2');
    expect(s.hasSecret).toBe(true);
    const transport = new InMemoryTransport();
    const client = s.createClient({ transport });
    client.incr('x');
    await client.flush();
    expect(transport.metrics).toEqual([{ type: 'counter', name: 'svc.x', value: 1 }]);
    await client.close();
    expect(() => s.createClient({ prefix: 'x' } as never)).toThrow(
      'unknown option `prefix` in createClient(): settings come from load() (pass them as its defaults); createClient takes onError, transport and tlsOptions',
    );
    const real = s.createClient();
    expect(real.target).toBe('http://127.0.0.1:8125/v1/batch');
    await real.close();
  });
});

describe('StatsConfigError: every case names the setting and where it came from', () => {
  const cases: Array<[string, () => unknown, string, string, string, string]> = [
    [
      'unknown protocol',
      () => StatsClientSettings.load({ argv: ['--stats-protocol', 'smtp'], env: {} }),
      'protocol',
      'argv',
      '--stats-protocol',
      'invalid option `protocol` in argv --stats-protocol: ',
    ],
    [
      'port out of range',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__DEST_PORT: '70000' } }),
      'destPort',
      'env',
      'STATS_CLIENT_SETTINGS__DEST_PORT',
      'invalid option `destPort` in env STATS_CLIENT_SETTINGS__DEST_PORT: ',
    ],
    [
      'port zero',
      () => StatsClientSettings.load({ argv: ['--stats-dest-port=0'], env: {} }),
      'destPort',
      'argv',
      '--stats-dest-port',
      'invalid option `destPort` in argv --stats-dest-port: ',
    ],
    [
      'port not a number',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__DEST_PORT: 'http' } }),
      'destPort',
      'env',
      'STATS_CLIENT_SETTINGS__DEST_PORT',
      'invalid option `destPort` in env STATS_CLIENT_SETTINGS__DEST_PORT: ',
    ],
    [
      'http without a secret',
      () => StatsClientSettings.load({ argv: ['--stats-protocol=http'], env: {} }),
      'secret',
      'default',
      'default',
      'missing option `secret` in StatsClientSettings.load(): ',
    ],
    [
      'ws without a secret',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__PROTOCOL: 'ws' } }),
      'secret',
      'default',
      'default',
      'missing option `secret` in StatsClientSettings.load(): ',
    ],
    [
      'empty secret',
      () => StatsClientSettings.load({ argv: ['--stats-secret='], env: {} }),
      'secret',
      'argv',
      '--stats-secret',
      'invalid option `secret` in argv --stats-secret: ',
    ],
    [
      'uds without a socket path',
      () => StatsClientSettings.load({ argv: ['--stats-protocol', 'uds'], env: {} }),
      'socketPath',
      'default',
      'default',
      'missing option `socketPath` in StatsClientSettings.load(): ',
    ],
    [
      'tls with a StatsD protocol',
      () => StatsClientSettings.load({ argv: ['--stats-protocol=udp', '--stats-tls=true'], env: {} }),
      'tls',
      'argv',
      '--stats-tls',
      'invalid option `tls` in argv --stats-tls: ',
    ],
    [
      'not a boolean',
      () => StatsClientSettings.load({ argv: ['--stats-tls=maybe'], env: {} }),
      'tls',
      'argv',
      '--stats-tls',
      'invalid option `tls` in argv --stats-tls: ',
    ],
    [
      'unknown flavour',
      () => StatsClientSettings.load({ argv: ['--stats-flavour=graphite'], env: {} }),
      'flavour',
      'argv',
      '--stats-flavour',
      'invalid option `flavour` in argv --stats-flavour: ',
    ],
    [
      'bad prefix',
      () => StatsClientSettings.load({ argv: ['--stats-prefix', '9lives'], env: {} }),
      'prefix',
      'argv',
      '--stats-prefix',
      'invalid option `prefix` in argv --stats-prefix: ',
    ],
    [
      'sample rate above 1',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__SAMPLE_RATE: '1.5' } }),
      'sampleRate',
      'env',
      'STATS_CLIENT_SETTINGS__SAMPLE_RATE',
      'invalid option `sampleRate` in env STATS_CLIENT_SETTINGS__SAMPLE_RATE: ',
    ],
    [
      'negative interval',
      () => StatsClientSettings.load({ argv: ['--stats-flush-interval-ms', '-5'], env: {} }),
      'flushIntervalMs',
      'argv',
      '--stats-flush-interval-ms',
      'invalid option `flushIntervalMs` in argv --stats-flush-interval-ms: ',
    ],
    [
      'fractional batch size',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__MAX_BATCH_SIZE: '2.5' } }),
      'maxBatchSize',
      'env',
      'STATS_CLIENT_SETTINGS__MAX_BATCH_SIZE',
      'invalid option `maxBatchSize` in env STATS_CLIENT_SETTINGS__MAX_BATCH_SIZE: ',
    ],
    [
      'zero queue',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__MAX_QUEUED_BATCHES: '0' } }),
      'maxQueuedBatches',
      'env',
      'STATS_CLIENT_SETTINGS__MAX_QUEUED_BATCHES',
      'invalid option `maxQueuedBatches` in env STATS_CLIENT_SETTINGS__MAX_QUEUED_BATCHES: ',
    ],
    [
      'retry cap below base',
      () => StatsClientSettings.load({ argv: ['--stats-protocol=udp', '--stats-retry-base-ms=500', '--stats-retry-max-ms=100'], env: {} }),
      'retryMaxMs',
      'argv',
      '--stats-retry-max-ms',
      'invalid option `retryMaxMs` in argv --stats-retry-max-ms: ',
    ],
    [
      'datagram too large',
      () => StatsClientSettings.load({ argv: ['--stats-max-packet-bytes=70000'], env: {} }),
      'maxPacketBytes',
      'argv',
      '--stats-max-packet-bytes',
      'invalid option `maxPacketBytes` in argv --stats-max-packet-bytes: ',
    ],
    [
      'bad tags',
      () => StatsClientSettings.load({ argv: ['--stats-tags=novalue'], env: {} }),
      'tags',
      'argv',
      '--stats-tags',
      'invalid option `tags` in argv --stats-tags: ',
    ],
    [
      'missing argv value',
      () => StatsClientSettings.load({ argv: ['--stats-dest-host', '--stats-prefix=x'], env: {} }),
      'destHost',
      'argv',
      '--stats-dest-host',
      'invalid option `destHost` in argv --stats-dest-host: ',
    ],
    [
      'unknown argv setting',
      () => StatsClientSettings.load({ argv: ['--stats-dest-hots=x'], env: {} }),
      'dest-hots',
      'argv',
      '--stats-dest-hots',
      'unknown flag `--stats-dest-hots` in argv: did you mean `--stats-dest-host`?',
    ],
    [
      'unknown env setting',
      () => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__DEST_HSOT: 'x' } }),
      'DEST_HSOT',
      'env',
      'STATS_CLIENT_SETTINGS__DEST_HSOT',
      'unknown variable `STATS_CLIENT_SETTINGS__DEST_HSOT` in env: did you mean `STATS_CLIENT_SETTINGS__DEST_HOST`?',
    ],
    [
      'unknown defaults key',
      () => StatsClientSettings.load({ argv: [], env: {}, defaults: { port: 1 } as never }),
      'port',
      'options',
      'defaults.port',
      'unknown option `port` in StatsClientSettings.load() defaults: ',
    ],
  ];

  it.each(cases)('%s', (_what, load, setting, source, origin, start) => {
    const error = configError(load);
    expect([error.setting, error.source, error.origin]).toEqual([setting, source, origin]);
    expect(error.message.startsWith(start)).toBe(true);
  });

  it('gives exact messages', () => {
    expect(configError(cases[0]![1]).message).toBe(
      'invalid option `protocol` in argv --stats-protocol: expected one of "http", "ws", "udp", "tcp", "uds", got "smtp"',
    );
    expect(configError(cases[1]![1]).message).toBe(
      'invalid option `destPort` in env STATS_CLIENT_SETTINGS__DEST_PORT: expected an integer from 1 to 65535, got 70000',
    );
    expect(configError(cases[4]![1]).message).toBe(
      'missing option `secret` in StatsClientSettings.load(): a secret is required for protocol http (from argv --stats-protocol)',
    );
  });

  it('file problems: unreadable, not JSON, not an object, unknown key, wrong type', () => {
    const missing = join(dir, 'missing.json');
    let e = configError(() => StatsClientSettings.load({ argv: [], env: { STATS_CLIENT_SETTINGS__CONFIG_FILE: missing } }));
    expect(e.message).toBe(`invalid option \`configFile\` in env STATS_CLIENT_SETTINGS__CONFIG_FILE: cannot read ${missing}: ENOENT`);
    const bad = file('bad.json', '{ protocol: udp');
    e = configError(() => StatsClientSettings.load({ argv: [], env: {}, configFile: bad }));
    expect([e.setting, e.source, e.origin]).toEqual(['configFile', 'file', bad]);
    expect(e.message).toMatch(/^invalid option `configFile` in file .*bad\.json: not valid JSON: /);
    e = configError(() => StatsClientSettings.load({ argv: [], env: {}, configFile: file('array.json', [1]) }));
    expect(e.message).toBe(`invalid option \`configFile\` in file ${join(dir, 'array.json')}: expected a JSON object of settings`);
    const unknownKey = file('unknown.json', { protocol: 'udp', host: 'x' });
    e = configError(() => StatsClientSettings.load({ argv: [], env: {}, configFile: unknownKey }));
    expect([e.setting, e.source, e.origin]).toEqual(['host', 'file', `${unknownKey}: host`]);
    const wrongType = file('type.json', { protocol: 'udp', destPort: '8125' });
    e = configError(() => StatsClientSettings.load({ argv: [], env: {}, configFile: wrongType }));
    expect(e.message).toBe(`invalid option \`destPort\` in file ${wrongType}: destPort: expected an integer from 1 to 65535, got "8125"`);
  });

  it('never prints the secret in an error', () => {
    const e = configError(() =>
      StatsClientSettings.load({
        argv: ['--stats-secret', 'topsecret', '--stats-protocol=ws', '--stats-tls', '--stats-dest-port=x'],
        env: {},
      }),
    );
    expect(e.message).not.toContain('topsecret');
  });
});
