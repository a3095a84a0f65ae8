// Every option of the package, each declared once: its kind, range, checks, default and doc line.
// The exported option types, the README's options tables and the settings loader's parsing of
// argv, environment and file values all come from these shapes.
import {
  defineShape,
  opt,
  type Field,
  type OptionsErrorFactory,
  type OptionsOf,
  type ResolvedOf,
  type Shape,
  type Typed,
} from '@sightline/core/internal';
import { Monitor, type MonitorOptions } from '@sightline/sensors';
import { checkStatsdSafeTags, DEFAULT_MAX_BODY_BYTES, isValidMetricName, METRIC_NAME_PATTERN } from '@sightline/stats-protocol';
import { StatsConfigError, type SettingSource } from './errors.js';
import type { StatsClient, StatsError } from './stats-client.js';
import type { Transport } from './transports/transport.js';

/**
 * The transports a client can use: `http` and `ws` to a Sightline stats server, `udp`, `tcp` and `uds` to a
 * StatsD daemon.
 */
export const PROTOCOLS = Object.freeze(['http', 'ws', 'udp', 'tcp', 'uds'] as const);
/** One of {@link PROTOCOLS}. */
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * The StatsD dialect spoken by the udp / tcp / uds transports. `statsd` (Etsy) sends histograms as
 * timers, since Etsy counts `|h`; `sightline` is for `@sightline/stats-server`'s StatsD listener:
 * histograms as `|h` (they stay histograms, never seconds), tags as `|#k:v`.
 */
export const FLAVOURS = Object.freeze(['statsd', 'dogstatsd', 'telegraf', 'sightline'] as const);
/** One of {@link FLAVOURS}. */
export type Flavour = (typeof FLAVOURS)[number];

function nonEmpty(v: string): string | undefined {
  return v.length === 0 ? 'must not be empty' : undefined;
}

/** A prefix is a metric name; trailing dots are dropped (`orders.` as hot-shots users write it). */
function checkPrefix(v: string): string | undefined {
  const name = withoutTrailingDots(v);
  return name === '' || isValidMetricName(name) ? undefined : `must match ${METRIC_NAME_PATTERN}`;
}

/** `orders.` -\> `orders`. */
export function withoutTrailingDots(prefix: string): string {
  return prefix.replace(/\.+$/, '');
}

const ms = (min: number, defaultValue: number, doc: string) => opt.integer({ min, max: 3_600_000, default: defaultValue, doc });

/**
 * The plain settings of a client: what `new StatsClient()`, `StatsClientSettings.load()` (argv,
 * `STATS_CLIENT_SETTINGS__*`, a JSON file) and the `stats()` plugin (`SIGHTLINE_STATS_*`) accept.
 */
export const STATS_CLIENT_SETTINGS_SHAPE = defineShape({
  protocol: opt.enum(PROTOCOLS, { default: 'http', doc: '`http` (recommended), `ws`, or StatsD over `udp`, `tcp`, `uds`.' }),
  destHost: opt.string({
    aliases: ['host'],
    check: nonEmpty,
    default: '127.0.0.1',
    doc: 'Host name or IP of the stats server or StatsD daemon.',
  }),
  destPort: opt.integer({ aliases: ['port'], min: 1, max: 65_535, default: 8125, doc: 'Port of the stats server or StatsD daemon.' }),
  secret: opt.string({
    check: nonEmpty,
    secret: true,
    defaultText: 'required for `http` and `ws`',
    doc: 'HMAC secret for http and ws. Never sent, logged or printed.',
  }),
  prefix: opt.string({
    check: checkPrefix,
    default: '',
    doc: 'Prepended to every name as `prefix.name` (a trailing dot is dropped: `orders.` is `orders`).',
  }),
  tls: opt.boolean({
    default: false,
    defaultText: '`true` when `destPort` is 443, else `false`',
    doc: 'https / wss instead of http / ws (`tlsOptions` in code for a private CA).',
  }),
  socketPath: opt.string({ check: nonEmpty, defaultText: 'required for `uds`', doc: 'Unix stream socket path for `uds`.' }),
  flavour: opt.enum(FLAVOURS, {
    default: 'statsd',
    doc: 'StatsD dialect for udp / tcp / uds: `statsd` (Etsy), `dogstatsd`, `telegraf`, `sightline` (stats-server: histograms stay histograms).',
  }),
  flushIntervalMs: opt.integer({
    aliases: ['bufferFlushInterval'],
    min: 0,
    max: 2_147_483_647,
    default: 1000,
    doc: 'How often the client buffer is flushed, in milliseconds; 0 disables the timer (`flush()` by hand).',
  }),
  maxBatchSize: opt.integer({
    min: 1,
    max: 10_000_000,
    default: 10_000,
    doc: 'A batch is cut at this many samples (timer and histogram samples, set members); counters and gauges go once per flush window, up to 10 times this many series.',
  }),
  maxBatchBytes: opt.integer({
    min: 1024,
    max: 1_073_741_824,
    default: DEFAULT_MAX_BODY_BYTES,
    doc: 'Largest http body / ws frame of a batch, in bytes; a larger batch (or one refused with 413) is split in halves.',
  }),
  maxQueuedBatches: opt.integer({
    min: 1,
    max: 1_000_000,
    default: 1000,
    doc: 'Batches waiting for the receiver (plus one in flight); past it the oldest is dropped and counted.',
  }),
  maxQueuedBytes: opt.integer({
    min: 1024,
    max: 17_179_869_184,
    default: 32 * 1024 * 1024,
    doc: 'Memory the queue holds, estimated in bytes; past it, while the receiver is away, the oldest batch is dropped and counted.',
  }),
  closeTimeoutMs: ms(
    0,
    10_000,
    '`close()` resolves within this many milliseconds (plus at most 1 s for a WebSocket close); what is undelivered then is dropped and counted.',
  ),
  maxRetries: opt.integer({ min: 0, max: 1_000_000, default: 5, doc: 'Retries per batch after network errors and 5xx (never after 4xx).' }),
  retryBaseMs: ms(1, 100, 'First retry delay in milliseconds; doubles per attempt up to `retryMaxMs`, times a random 0.5 to 1.'),
  retryMaxMs: ms(1, 10_000, 'Largest retry delay, in milliseconds.'),
  timeoutMs: ms(1, 5000, 'Timeout per HTTP request, WebSocket ack, connect, and socket write (udp, tcp, uds), in milliseconds.'),
  maxPacketBytes: opt.integer({
    aliases: ['maxBufferSize'],
    min: 64,
    max: 65_507,
    defaultText: '`1432`, `16384` to a loopback address',
    doc: 'Largest UDP datagram, in bytes.',
  }),
  udpBytesPerMs: opt.integer({
    min: 64,
    max: 1_000_000_000,
    default: 4 * 1432,
    doc: 'UDP pacing: bytes sent per millisecond at most; to a loopback receiver on Linux the pace follows its unread backlog instead.',
  }),
  sampleRate: opt.number({ above: 0, max: 1, default: 1, doc: 'Default sample rate, in (0, 1], for calls that give none.' }),
  tags: opt.record(opt.string(), {
    aliases: ['globalTags'],
    check: (v: unknown) => checkStatsdSafeTags(v),
    expected: 'tags { key: value } (k:v,k2:v2 in argv and env)',
    doc: 'Tags added to every metric (`k:v,k2:v2` in argv and the environment).',
  }),
});

/** Every plain setting, as accepted by `new StatsClient()`, a config file, env or argv. */
export type StatsClientConfig = OptionsOf<typeof STATS_CLIENT_SETTINGS_SHAPE>;

/** The name of a client setting, e.g. `destPort`. */
export type SettingName = keyof typeof STATS_CLIENT_SETTINGS_SHAPE;

/** Every setting `StatsClientSettings.load()` reads, by name. */
export const SETTING_NAMES: readonly SettingName[] = Object.freeze(Object.keys(STATS_CLIENT_SETTINGS_SHAPE) as SettingName[]);

/** Settings after resolution: defaults filled in, the prefix without its trailing dots. */
export type ResolvedConfig = ResolvedOf<typeof STATS_CLIENT_SETTINGS_SHAPE>;

/** Where a resolved setting came from. */
export interface SettingOrigin {
  /** The layer the value came from: argv, env, a config file, options or the built-in default. */
  readonly source: SettingSource;
  /** The exact place: a flag such as `--stats-dest-port`, a variable, `file: key`, or `default`. */
  readonly origin: string;
}

const STATS_TLS_SHAPE = defineShape({
  ca: opt.any<string | Buffer | readonly (string | Buffer)[]>({
    env: false,
    expected: 'PEM text or a Buffer, or an array of them',
    doc: 'A private CA to trust, in PEM. Default: the CAs Node bundles.',
  }),
  rejectUnauthorized: opt.boolean({ doc: 'Set false to skip certificate verification (tests only). Default true.' }),
  servername: opt.string({ doc: 'The TLS server name (SNI) to verify against. Default `destHost`.' }),
});

/** TLS settings for https / wss (programmatic only): a private CA, or no verification for tests. */
export type StatsTlsOptions = OptionsOf<typeof STATS_TLS_SHAPE>;
/** TLS settings as the transports take them: every key present, undefined for Node's default. */
export type ResolvedTlsOptions = ResolvedOf<typeof STATS_TLS_SHAPE>;

/** `new StatsClient(options)`: every setting, plus what only code can give. */
export const STATS_CLIENT_SHAPE = defineShape({
  ...STATS_CLIENT_SETTINGS_SHAPE,
  onError: opt.function<(error: StatsError) => void>({
    aliases: ['errorHandler'],
    doc: 'Called for every delivery failure, drop, and (once per name) invalid metric; a handler that throws is ignored.',
  }),
  transport: opt.any<Transport>({
    env: false,
    expected: 'a Transport',
    doc: 'Use this transport instead of the one `protocol` names (e.g. `InMemoryTransport` from `./testing`).',
  }),
  tlsOptions: opt.object(STATS_TLS_SHAPE, { doc: 'https / wss: a private CA or, for tests, `rejectUnauthorized: false`.' }),
  mock: opt.boolean({
    env: false,
    default: false,
    doc: 'Mock mode, as in hot-shots: nothing leaves the process; `mockBuffer` shows the StatsD lines. No secret is needed.',
  }),
});

/**
 * Options of `new StatsClient(options)`: every setting of {@link StatsClientConfig}, plus what only code can
 * give. Checked once; unknown keys are errors.
 */
export type StatsClientOptions = OptionsOf<typeof STATS_CLIENT_SHAPE>;

// The sensors package declares Monitor's shape as a plain Shape: its field types are given here.
type MonitorField = Field & Typed<MonitorOptions, MonitorOptions, false, false>;

/** What `new StatsDMonitor()` adds to a Monitor's options. */
export const STATSD_MONITOR_OWN_SHAPE = defineShape({
  prefix: opt.string({ nonEmpty: true, default: 'stream', doc: 'Name prefix, under the prefix of the client.' }),
  maxSamplesPerFlush: opt.integer({
    min: 1,
    default: 10_000,
    doc: 'Latency samples kept per timer between flushes; the rest are counted.',
  }),
  maxTopics: opt.integer({ min: 1, default: 1000, doc: 'Topic-partitions tagged separately; the rest count only in totals.' }),
});

/** The host/port form: `new StatsDMonitor({ host, port })` sends StatsD over UDP through a client of its own. */
export const STATSD_MONITOR_TARGET_SHAPE = defineShape({
  host: opt.string({
    check: nonEmpty,
    defaultText: '`127.0.0.1` (without a client given)',
    doc: "StatsD host of the monitor's own UDP client; only without a client.",
  }),
  port: opt.integer({
    min: 1,
    max: 65_535,
    defaultText: '`8125` (without a client given)',
    doc: "StatsD port of the monitor's own UDP client; only without a client.",
  }),
});

/** Options of the monitor in the `stats()` plugin: a Monitor's, then the StatsD ones (the plugin gives the client). */
export const STATSD_MONITOR_SHAPE: Shape = Object.freeze({ ...Monitor.optionsShape, ...STATSD_MONITOR_OWN_SHAPE });

/** Every option of `new StatsDMonitor()`: a Monitor's, the StatsD ones, and host/port for the form without a client. */
export const STATSD_MONITOR_CTOR_SHAPE: Shape = Object.freeze({ ...STATSD_MONITOR_SHAPE, ...STATSD_MONITOR_TARGET_SHAPE });

/** Options of the plugin's StatsDMonitor: a Monitor's options plus prefix and sample bounds. */
export type StatsDMonitorPluginOptions = MonitorOptions & OptionsOf<typeof STATSD_MONITOR_OWN_SHAPE>;

/**
 * Options of `new StatsDMonitor(client, options)` and `new StatsDMonitor(options)`: a Monitor's options, the
 * name prefix and sample bounds, and (only without a client) the `host` and `port` of its own UDP client.
 */
export type StatsDMonitorOptions = StatsDMonitorPluginOptions & OptionsOf<typeof STATSD_MONITOR_TARGET_SHAPE>;

const monitorField = (extra: { readonly doc: string }) => opt.object(STATSD_MONITOR_SHAPE, extra) as unknown as MonitorField;

/** `statsHooks(client, options)`. */
export const STATS_HOOKS_SHAPE = defineShape({
  tagOps: opt.boolean({ default: true, doc: 'Tag byte counts, timings and errors with `op`.' }),
  maxOps: opt.integer({ min: 0, default: 1000, doc: 'Distinct ops tagged before the rest are tagged `op:other`.' }),
});

/** Options of `statsHooks(client, options)`. */
export type StatsHooksOptions = OptionsOf<typeof STATS_HOOKS_SHAPE>;

/** `stats(options)`: a client's options, plus the parts the plugin adds. */
export const STATS_PLUGIN_SHAPE = defineShape({
  ...STATS_CLIENT_SHAPE,
  client: opt.any<StatsClient>({
    env: false,
    expected: 'a StatsClient',
    doc: 'Use this client instead of building one (the plugin then owns it: closing the app closes it).',
  }),
  monitor: opt.oneOf([opt.enum([false] as const), monitorField({ doc: 'Options of the StatsDMonitor sensor.' })], {
    default: {},
    defaultText: 'a monitor with its defaults',
    doc: 'Options of the StatsDMonitor sensor, or false for none.',
  }),
  hooks: opt.oneOf([opt.enum([false] as const), opt.object(STATS_HOOKS_SHAPE)], {
    default: {},
    defaultText: 'hooks with their defaults',
    doc: 'Options of `statsHooks`, or false for none.',
  }),
});

/** Options of the `stats()` plugin: a client's options, plus the parts the plugin adds. */
export type StatsPluginOptions = OptionsOf<typeof STATS_PLUGIN_SHAPE>;

/**
 * `new StatsD(options)` of `@sightline/stats/hot-shots`: hot-shots' constructor options under their
 * own names. `DD_AGENT_HOST` and `DD_DOGSTATSD_PORT` stand in for `host` and `port` when absent.
 */
export const HOT_SHOTS_SHAPE = defineShape({
  host: opt.string({
    check: nonEmpty,
    defaultText: '`DD_AGENT_HOST`, else `127.0.0.1`',
    doc: 'Host name or IP of the StatsD daemon or DogStatsD agent.',
  }),
  port: opt.integer({ min: 1, max: 65_535, defaultText: '`DD_DOGSTATSD_PORT`, else `8125`', doc: 'Its port.' }),
  protocol: opt.enum(['udp', 'tcp', 'uds'] as const, {
    default: 'udp',
    doc: '`udp`, `tcp`, or `uds` (a Unix stream socket at `path`).',
  }),
  path: opt.string({ check: nonEmpty, default: '/var/run/datadog/dsd.socket', doc: 'Socket path for `uds`.' }),
  prefix: opt.string({ check: checkPrefix, default: '', doc: 'Put before every name (`orders` or `orders.`).' }),
  suffix: opt.string({ default: '', doc: 'Put after every name (`eu` or `.eu`).' }),
  globalTags: opt.oneOf([opt.record(opt.string()), opt.array(opt.string())], {
    doc: 'Tags on every metric: `{ env: "prod" }` or `["env:prod"]`.',
  }),
  telegraf: opt.boolean({ default: false, doc: 'Telegraf tag format (`name,k=v:1|c`) instead of DogStatsD `|#k:v`.' }),
  includeDataDogTags: opt.boolean({
    default: true,
    doc: 'Tag every metric from `DD_ENTITY_ID` (`dd.internal.entity_id`), `DD_ENV` (`env`), `DD_SERVICE` (`service`) and `DD_VERSION` (`version`) when set.',
  }),
  mock: opt.boolean({ default: false, doc: 'Nothing is sent; `mockBuffer` holds the StatsD lines (after `flush()` or `close()`).' }),
  errorHandler: opt.function<(error: Error) => void>({
    doc: 'Called with every delivery failure and drop, and (once per name) a dropped metric call; never thrown at the caller.',
  }),
  sampleRate: opt.number({ above: 0, max: 1, default: 1, doc: 'Default sample rate, in (0, 1].' }),
  bufferFlushInterval: opt.integer({ min: 1, max: 2_147_483_647, default: 1000, doc: 'How often values are sent, in milliseconds.' }),
  maxBufferSize: opt.integer({
    min: 0,
    max: 65_507,
    default: 0,
    doc: 'Largest datagram in bytes (at least 64); 0 for the default (`1432`, `16384` to a loopback address). Values are aggregated whatever it is.',
  }),
});

/** Options of `new StatsD(options)` from `@sightline/stats/hot-shots`: hot-shots' names. */
export type StatsDOptions = OptionsOf<typeof HOT_SHOTS_SHAPE>;

/** Core's rule, its failures as StatsConfigError so `instanceof` holds for every stats option. */
export function statsOptionsError(caller: string, source: SettingSource = 'options'): OptionsErrorFactory {
  return (_message, d) =>
    new StatsConfigError(d.option || 'options', source, caller, d.problem ?? 'invalid', {
      kind: d.kind ?? 'invalid',
      ...(d.suggestion ? { suggestion: d.suggestion } : {}),
    });
}

/** Redacts the secret in a config for printing. */
export function describeConfig(config: ResolvedConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const v = config[name];
    out[name] = name === 'secret' ? (v === undefined ? undefined : '<redacted>') : v;
  }
  return out;
}
