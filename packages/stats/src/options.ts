// Every client setting in one table: its type, default, how it is spelled in argv and the
// environment, and how it is checked. Both `new StatsClient(options)` and
// `StatsClientSettings.load()` resolve through here, so a value is validated the same way wherever
// it came from, and an error names the setting and its source.
import { closestName, opt, validateField, type Field, type OptionsErrorFactory, type Shape } from '@sightline/core/internal';
import { checkStatsdSafeTags, DEFAULT_MAX_BODY_BYTES, isValidMetricName, METRIC_NAME_PATTERN, type Tags } from '@sightline/stats-protocol';
import { describeSettingOrigin, StatsConfigError, type SettingSource } from './errors.js';

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

/** Every plain setting, as accepted by `new StatsClient()`, a config file, env or argv. */
export interface StatsClientConfig {
  /** `http` (recommended), `ws`, or StatsD over `udp`, `tcp`, `uds`. Default `http`. */
  readonly protocol?: Protocol;
  /** Host name or IP of the stats server or StatsD daemon. Default `127.0.0.1`. */
  readonly destHost?: string;
  /** Port of the stats server or StatsD daemon, 1 to 65535. Default 8125. */
  readonly destPort?: number;
  /** HMAC secret for http and ws; required for them. Never sent, logged or printed. No default. */
  readonly secret?: string;
  /** Prepended to every name as `prefix.name` (`orders.` is taken as `orders`, as hot-shots users write it). Default none. */
  readonly prefix?: string;
  /** https / wss instead of http / ws. On by default when `destPort` is 443; `tls: false` turns it off. */
  readonly tls?: boolean;
  /** Unix socket path for `uds`; required for it. No default. */
  readonly socketPath?: string;
  /** StatsD dialect for udp / tcp / uds: how histograms and tags are written (`sightline` for stats-server). Default `statsd`. */
  readonly flavour?: Flavour;
  /** How often the client's own buffer is flushed, in milliseconds; 0 disables the timer (flush() by hand). Default 1000. */
  readonly flushIntervalMs?: number;
  /** A batch is cut when it holds this many values (one per counter or gauge, one per sample). Default 10 000. */
  readonly maxBatchSize?: number;
  /**
   * Largest JSON body (http) or frame (ws) a batch becomes, in bytes; a larger one is split in halves.
   * Fits the server's `maxBodyBytes`. Default 1 MiB (1 048 576).
   */
  readonly maxBatchBytes?: number;
  /** Batches waiting for the server; past it the oldest is dropped and counted. Default 1000. */
  readonly maxQueuedBatches?: number;
  /**
   * Memory the queue may hold, estimated in bytes: past it, while the receiver is away or too slow,
   * the oldest batch is dropped and counted in values. Pipelines wait for room instead while it keeps pace.
   * Default 32 MiB.
   */
  readonly maxQueuedBytes?: number;
  /** `close()` resolves within this many milliseconds; what is undelivered then is dropped and counted. Default 10 000. */
  readonly closeTimeoutMs?: number;
  /** Retries per batch after network errors and 5xx (never after 4xx). Default 5. */
  readonly maxRetries?: number;
  /** First retry delay in milliseconds; doubles per attempt up to `retryMaxMs`. Default 100. */
  readonly retryBaseMs?: number;
  /** Largest retry delay, in milliseconds. Default 10 000. */
  readonly retryMaxMs?: number;
  /** Timeout per request (http), per ack (ws), per connect, per socket write (udp, tcp, uds), in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** Largest UDP datagram the StatsD transports send, in bytes (64 to 65 507): 1432 by default, 16384 to a loopback address. */
  readonly maxPacketBytes?: number;
  /**
   * UDP pacing: bytes sent per millisecond at most, so the daemon's socket buffer is not overrun. To
   * a loopback receiver on Linux the pace follows its unread backlog instead. Default 5728.
   */
  readonly udpBytesPerMs?: number;
  /** Default sample rate, in (0, 1], for calls that give none. Default 1. */
  readonly sampleRate?: number;
  /** Tags added to every metric. Default none. */
  readonly tags?: Tags;
}

/** The name of a client setting, e.g. `destPort`. */
export type SettingName = keyof StatsClientConfig;

/** Settings after resolution: every value present except the optional ones. */
export interface ResolvedConfig {
  readonly protocol: Protocol;
  readonly destHost: string;
  readonly destPort: number;
  readonly secret: string | undefined;
  readonly prefix: string;
  readonly tls: boolean;
  readonly socketPath: string | undefined;
  readonly flavour: Flavour;
  readonly flushIntervalMs: number;
  readonly maxBatchSize: number;
  readonly maxBatchBytes: number;
  readonly maxQueuedBatches: number;
  readonly maxQueuedBytes: number;
  readonly closeTimeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly timeoutMs: number;
  readonly maxPacketBytes: number | undefined;
  readonly udpBytesPerMs: number;
  readonly sampleRate: number;
  readonly tags: Tags | undefined;
}

type Kind = 'string' | 'int' | 'number' | 'bool' | 'enum' | 'tags';

interface SettingSpec {
  readonly kind: Kind;
  readonly default: unknown;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Extra check on a typed value: a problem, or undefined. */
  readonly check?: (value: never) => string | undefined;
  /** Rewrites a typed value before the check (e.g. a trailing dot off a prefix). */
  readonly normalize?: (value: never) => unknown;
  readonly describe: string;
}

export const SETTING_SPECS: Readonly<Record<SettingName, SettingSpec>> = Object.freeze({
  protocol: { kind: 'enum', values: PROTOCOLS, default: 'http', describe: 'transport: http, ws, udp, tcp or uds' },
  destHost: { kind: 'string', default: '127.0.0.1', describe: 'host name or IP of the stats server', check: nonEmpty },
  destPort: { kind: 'int', min: 1, max: 65535, default: 8125, describe: 'port of the stats server' },
  secret: {
    kind: 'string',
    default: undefined,
    describe: 'HMAC secret for http and ws',
    check: (v: string) => (v.length === 0 ? 'must not be empty' : undefined),
  },
  prefix: {
    kind: 'string',
    default: '',
    describe: 'prepended to every metric name as prefix.name',
    normalize: (v: string) => v.replace(/\.+$/, ''),
    check: checkPrefix,
  },
  tls: { kind: 'bool', default: false, describe: 'use https / wss' },
  socketPath: { kind: 'string', default: undefined, describe: 'Unix socket path for uds', check: nonEmpty },
  flavour: { kind: 'enum', values: FLAVOURS, default: 'statsd', describe: 'StatsD dialect: statsd, dogstatsd, telegraf or sightline' },
  flushIntervalMs: { kind: 'int', min: 0, max: 2_147_483_647, default: 1000, describe: 'flush period of the client buffer, 0 for none' },
  maxBatchSize: { kind: 'int', min: 1, max: 10_000_000, default: 10_000, describe: 'values per batch' },
  maxBatchBytes: {
    kind: 'int',
    min: 1024,
    max: 1_073_741_824,
    default: DEFAULT_MAX_BODY_BYTES,
    describe: 'largest http body / ws frame of a batch',
  },
  maxQueuedBatches: { kind: 'int', min: 1, max: 1_000_000, default: 1000, describe: 'batches kept while the server is away' },
  maxQueuedBytes: {
    kind: 'int',
    min: 1024,
    max: 17_179_869_184,
    default: 32 * 1024 * 1024,
    describe: 'memory kept while the server is away, in bytes',
  },
  closeTimeoutMs: { kind: 'int', min: 0, max: 3_600_000, default: 10_000, describe: 'close() resolves within this' },
  maxRetries: { kind: 'int', min: 0, max: 1_000_000, default: 5, describe: 'retries per batch after network errors and 5xx' },
  retryBaseMs: { kind: 'int', min: 1, max: 3_600_000, default: 100, describe: 'first retry delay' },
  retryMaxMs: { kind: 'int', min: 1, max: 3_600_000, default: 10_000, describe: 'largest retry delay' },
  timeoutMs: { kind: 'int', min: 1, max: 3_600_000, default: 5000, describe: 'request, ack and connect timeout' },
  maxPacketBytes: { kind: 'int', min: 64, max: 65_507, default: undefined, describe: 'largest UDP datagram (1432; 16384 to loopback)' },
  udpBytesPerMs: { kind: 'int', min: 64, max: 1_000_000_000, default: 4 * 1432, describe: 'UDP pacing, bytes per millisecond' },
  sampleRate: { kind: 'number', min: Number.MIN_VALUE, max: 1, default: 1, describe: 'default sample rate, in (0, 1]' },
  tags: { kind: 'tags', default: undefined, describe: 'tags on every metric (k:v,k2:v2 in argv and env)' },
} satisfies Record<SettingName, SettingSpec>);

/** Every setting `StatsClientSettings.load()` reads, by name. */
export const SETTING_NAMES = Object.freeze(Object.keys(SETTING_SPECS) as SettingName[]);

function nonEmpty(v: string): string | undefined {
  return v.length === 0 ? 'must not be empty' : undefined;
}

function checkPrefix(v: string): string | undefined {
  if (v === '' || isValidMetricName(v)) return undefined;
  return `must match ${METRIC_NAME_PATTERN}`;
}

/** One value and where it came from, before validation. `raw` values are strings from argv / env. */
export interface SettingInput {
  readonly value: unknown;
  /** The layer the value came from: argv, env, a config file, options or the built-in default. */
  readonly source: SettingSource;
  /** The exact place: a flag, a variable, `file: key`, or `default`. */
  readonly origin: string;
  /** True when `value` is text to be parsed (argv, env); false when it is already typed. */
  readonly raw: boolean;
}

export type SettingInputs = Partial<Record<SettingName, SettingInput>>;

/** Where a resolved setting came from. */
export interface SettingOrigin {
  /** The layer the value came from: argv, env, a config file, options or the built-in default. */
  readonly source: SettingSource;
  /** The exact place: a flag such as `--stats-dest-port`, a variable, `file: key`, or `default`. */
  readonly origin: string;
}

/** A setting as a field of core's one rule: the same kinds, ranges and checks. */
export function settingField(name: SettingName): Field {
  const spec = SETTING_SPECS[name];
  const check = spec.check as ((value: never) => string | undefined) | undefined;
  const extra = { ...(check ? { check } : {}), ...(name === 'secret' ? { secret: true } : {}) };
  switch (spec.kind) {
    case 'string':
      return opt.string(extra);
    case 'enum':
      return opt.enum(spec.values!, extra);
    case 'bool':
      return opt.boolean(extra);
    case 'int':
      return opt.integer({ min: spec.min!, max: spec.max!, ...extra });
    case 'number':
      // sampleRate: (0, 1].
      return opt.number({ ...(spec.min === Number.MIN_VALUE ? { above: 0 } : { min: spec.min! }), max: spec.max!, ...extra });
    case 'tags':
      return opt.record(opt.oneOf([opt.string(), opt.number(), opt.boolean()]), {
        check: (v: unknown) => checkStatsdSafeTags(v),
        expected: 'tags { key: value } (k:v,k2:v2 in argv and env)',
      });
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function parseTagsText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as unknown;
  const out: Record<string, string> = {};
  for (const part of trimmed.split(',')) {
    if (!part) continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw new Error(`tag ${JSON.stringify(part)} is not key:value`);
    out[part.slice(0, colon)] = part.slice(colon + 1);
  }
  return out;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Text from argv or env to a typed value; text that does not parse is left as text for the check to refuse. */
function parseRaw(name: SettingName, text: string, fail: (problem: string) => never): unknown {
  const spec = SETTING_SPECS[name];
  const t = text.trim();
  switch (spec.kind) {
    case 'bool':
      return TRUE.has(t.toLowerCase()) ? true : FALSE.has(t.toLowerCase()) ? false : text;
    case 'int':
      return /^[-+]?\d+$/.test(t) ? Number(t) : text;
    case 'number':
      return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
    case 'tags':
      try {
        return parseTagsText(text);
      } catch (error) {
        return fail(`expected k:v,k2:v2 or a JSON object, got ${show(text)} (${(error as Error).message})`);
      }
    default:
      return text;
  }
}

/** Parses and checks one value by core's rule; throws StatsConfigError naming the setting and its origin. */
export function coerceSetting(name: SettingName, input: SettingInput): unknown {
  const fail = (problem: string): never => {
    throw new StatsConfigError(name, input.source, input.origin, problem);
  };
  const spec = SETTING_SPECS[name];
  let value = input.raw && typeof input.value === 'string' ? parseRaw(name, input.value, fail) : input.value;
  // Rewrites a typed value before the check (a trailing dot off a prefix).
  if (spec.normalize && typeof value === 'string') value = spec.normalize(value as never);
  validateField(settingField(name), value, name, {
    source: input.origin,
    error: (_message, details) => new StatsConfigError(name, input.source, input.origin, details.problem ?? 'invalid'),
  });
  return spec.kind === 'tags' ? Object.freeze({ ...(value as Tags) }) : value;
}

/**
 * Resolves layered inputs (highest first) into a complete, validated config. Each setting takes
 * the first layer that has it; the cross-setting rules (a secret for http and ws, a socket path
 * for uds, no tls for StatsD) are checked last.
 */
export function resolveConfig(
  layers: readonly SettingInputs[],
  caller = 'StatsClientSettings.load()',
): {
  config: ResolvedConfig;
  origins: Readonly<Record<SettingName, SettingOrigin>>;
} {
  const values: Record<string, unknown> = {};
  const origins = {} as Record<SettingName, SettingOrigin>;
  for (const name of SETTING_NAMES) {
    const input = layers.map((l) => l[name]).find((i) => i !== undefined && i.value !== undefined);
    if (input) {
      values[name] = coerceSetting(name, input);
      origins[name] = { source: input.source, origin: input.origin };
    } else {
      values[name] = SETTING_SPECS[name].default;
      origins[name] = { source: 'default', origin: 'default' };
    }
  }
  // The seed's rule: port 443 means TLS, unless tls is set explicitly.
  if (values.destPort === 443 && origins.tls.source === 'default' && (values.protocol === 'http' || values.protocol === 'ws')) {
    values.tls = true;
    origins.tls = { source: 'default', origin: 'default (destPort 443)' };
  }
  // A setting left at its default is named by who asked: "missing option `secret` in new StatsClient()".
  const at = (name: SettingName): [SettingSource, string] => [origins[name].source, origins[name].origin];
  const place = (name: SettingName): { place?: string } => (origins[name].source === 'default' ? { place: caller } : {});
  const config = values as unknown as ResolvedConfig;
  const protocolFrom = `protocol ${config.protocol} (from ${origins.protocol.source === 'default' ? 'the default' : describeSettingOrigin(origins.protocol.source, origins.protocol.origin)})`;
  if ((config.protocol === 'http' || config.protocol === 'ws') && config.secret === undefined) {
    throw new StatsConfigError('secret', ...at('secret'), `a secret is required for ${protocolFrom}`, {
      kind: 'missing',
      ...place('secret'),
    });
  }
  if (config.protocol === 'uds' && config.socketPath === undefined) {
    throw new StatsConfigError('socketPath', ...at('socketPath'), `a socket path is required for ${protocolFrom}`, {
      kind: 'missing',
      ...place('socketPath'),
    });
  }
  if (config.tls && config.protocol !== 'http' && config.protocol !== 'ws') {
    throw new StatsConfigError('tls', ...at('tls'), `tls applies to http and ws only, not to ${protocolFrom}`, place('tls'));
  }
  if (config.retryMaxMs < config.retryBaseMs) {
    throw new StatsConfigError(
      'retryMaxMs',
      ...at('retryMaxMs'),
      `${config.retryMaxMs} is below retryBaseMs ${config.retryBaseMs} (from ${origins.retryBaseMs.origin})`,
      place('retryMaxMs'),
    );
  }
  return { config: Object.freeze(config), origins: Object.freeze(origins) };
}

/** `did you mean \`destPort\`?`, or the list of valid names when none is close. */
export function unknownHint(name: string, valid: readonly string[]): { hint: string; suggestion?: string } {
  const suggestion = closestName(name, valid);
  return suggestion === undefined
    ? { hint: `expected one of ${valid.join(', ')}` }
    : { hint: `did you mean \`${suggestion}\`?`, suggestion };
}

/** Inputs from a typed options object (`new StatsClient(options)`): unknown keys are refused. */
export function optionsLayer(options: object, allowed: readonly string[] = [], caller = 'new StatsClient()'): SettingInputs {
  if (options === null || typeof options !== 'object') {
    throw new StatsConfigError('options', 'options', caller, `expected an object, got ${show(options)}`);
  }
  const out: SettingInputs = {};
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if ((SETTING_NAMES as readonly string[]).includes(key)) {
      out[key as SettingName] = { value, source: 'options', origin: caller, raw: false };
    } else if (!allowed.includes(key)) {
      const { hint, suggestion } = unknownHint(key, [...SETTING_NAMES, ...allowed]);
      throw new StatsConfigError(key, 'options', caller, hint, { kind: 'unknown', ...(suggestion ? { suggestion } : {}) });
    }
  }
  return out;
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

/** `new StatsClient(options)`: every setting plus what only code can give. */
export const STATS_CLIENT_SHAPE: Shape = Object.freeze({
  ...Object.fromEntries(SETTING_NAMES.map((name) => [name, settingField(name)])),
  onError: opt.function(),
  mock: opt.boolean({ env: false }),
  transport: opt.any({ env: false }),
  tlsOptions: opt.any({ env: false }),
});

export const STATSD_MONITOR_SHAPE: Shape = Object.freeze({
  prefix: opt.string({ nonEmpty: true }),
  maxSamplesPerFlush: opt.integer({ min: 1 }),
  maxTopics: opt.integer({ min: 1 }),
});

export const STATS_HOOKS_SHAPE: Shape = Object.freeze({
  tagOps: opt.boolean(),
  maxOps: opt.integer({ min: 0 }),
});

/** Core's rule, its failures as StatsConfigError so `instanceof` holds for every stats option. */
export function statsOptionsError(caller: string): OptionsErrorFactory {
  return (_message, d) =>
    new StatsConfigError(d.option ?? '', 'options', caller, d.problem ?? 'invalid', {
      kind: d.kind ?? 'invalid',
      ...(d.suggestion ? { suggestion: d.suggestion } : {}),
    });
}
