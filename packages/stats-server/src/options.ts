// Options of createStatsServer() and the statsServer() plugin, each declared once: its type, range,
// default and doc line. The exported types, the README's options table and the CLI's
// SIGHTLINE_STATS_SERVER_* variables all come from this shape.
import { defineShape, opt, resolveOptions, type Env, type OptionsOf, type ResolvedOf } from '@sightline/core/internal';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SKEW_MS } from '@sightline/stats-protocol';
import { DEFAULT_METRIC_PREFIX, METRIC_PREFIX_PATTERN } from './aggregation/prometheus-names.js';
import { StatsServerConfigError } from './errors.js';

/** Timer buckets used when `buckets` is not given, in seconds: 1 ms to 10 s. */
export const DEFAULT_TIMER_BUCKETS: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
/** Histogram buckets used when `buckets` is not given, in the unit received. */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = Object.freeze([
  1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 50_000, 100_000, 500_000, 1_000_000,
]);

/** The name the server's variables use: SIGHTLINE_STATS_SERVER_*. */
export const ENV_PACKAGE = 'statsServer';

const increasing = (v: readonly number[]): string | undefined =>
  v.length > 0 && v.every((b, i) => i === 0 || b > v[i - 1]!)
    ? undefined
    : 'expected a non-empty array of finite, strictly increasing numbers';
const HOST_EXPECTED = 'a host name or IP address such as "127.0.0.1"';
const port = (doc: string) => opt.integer({ min: 0, max: 65_535, doc });
const positive = <const D extends number>(defaultValue: D, doc: string) => opt.integer({ min: 1, default: defaultValue, doc });
// Secrets are never echoed, only where the problem is.
const secretField = opt.string({ nonEmpty: true, secret: true });

const STATSD_LISTEN_SHAPE = defineShape({
  host: opt.string({
    nonEmpty: true,
    expected: HOST_EXPECTED,
    defaultText: 'same as host',
    doc: 'Interface for the StatsD listeners.',
  }),
  udpPort: port('Starts a UDP StatsD listener on this port (0: any free port). Off when absent.'),
  tcpPort: port('Starts a TCP StatsD listener (newline-delimited lines) on this port (0: any free port). Off when absent.'),
});

const BUCKETS_SHAPE = defineShape({
  timer: opt.array(opt.number(), {
    check: increasing,
    default: DEFAULT_TIMER_BUCKETS,
    defaultText: '1 ms to 10 s',
    doc: 'Upper bounds in seconds for timers (`|ms` and batch `timer`).',
  }),
  histogram: opt.array(opt.number(), {
    check: increasing,
    default: DEFAULT_HISTOGRAM_BUCKETS,
    defaultText: '1 to 1,000,000',
    doc: 'Upper bounds for histograms and distributions, in the unit received.',
  }),
});

/** createStatsServer()'s options, checked by core's one rule: `statsd: { udp: 1 }` is an error, not a server without a listener. */
export const STATS_SERVER_SHAPE = defineShape({
  host: opt.string({ nonEmpty: true, expected: HOST_EXPECTED, default: '127.0.0.1', doc: 'Interface for HTTP and WebSocket ingest.' }),
  port: opt.integer({ min: 0, max: 65_535, default: 8125, doc: 'HTTP and WebSocket port; 0 lets the OS pick (read it from `address()`).' }),
  secrets: opt.oneOf(
    [secretField, opt.array(secretField, { check: (v: readonly string[]) => (v.length > 0 ? undefined : 'expected at least one secret') })],
    {
      required: true,
      secret: true,
      doc: 'Accepted HMAC secrets, several during a rotation (comma-separated in the variable). Never logged.',
    },
  ),
  statsd: opt.object(STATSD_LISTEN_SHAPE, {
    default: {},
    defaultText: 'no listeners',
    doc: 'StatsD listeners (UDP, TCP) beside HTTP and WebSocket ingest.',
  }),
  maxBodyBytes: positive(DEFAULT_MAX_BODY_BYTES, 'Largest accepted batch body (and WebSocket frame), in bytes: 413, or close code 1009.'),
  maxSkewMs: positive(
    DEFAULT_MAX_SKEW_MS,
    'Largest distance between a batch timestamp and the server clock, in milliseconds; also the replay window.',
  ),
  maxSeries: positive(10_000, 'Distinct series held at most; new series past it are dropped and counted.'),
  maxSetMembers: positive(10_000, 'Distinct members kept per set; more are dropped and counted.'),
  buckets: opt.oneOf([opt.array(opt.number(), { check: increasing }), opt.object(BUCKETS_SHAPE)], {
    default: {},
    defaultText: 'timers 1 ms to 10 s, histograms 1 to 1,000,000',
    doc: 'Histogram bucket upper bounds: one list for timers and histograms, or `{ timer, histogram }`.',
  }),
  maxTcpLineLength: positive(65_536, 'Longest StatsD line accepted over TCP, in characters; a longer one is skipped and counted.'),
  requestTimeoutMs: positive(
    30_000,
    'Time allowed to receive a whole HTTP request (headers, then body), in milliseconds: 408 and the connection closed.',
  ),
  exposeMetrics: opt.boolean({ default: true, doc: 'Serve the exposition at `GET /metrics` and the snapshot at `GET /v1/snapshot`.' }),
  metricPrefix: opt.string({
    check: (v: string) =>
      METRIC_PREFIX_PATTERN.test(v) ? undefined : 'expected "" or the start of a Prometheus name such as "stats_" ([A-Za-z_][A-Za-z0-9_]*)',
    default: DEFAULT_METRIC_PREFIX,
    doc: 'Put before the name of every received metric, so it never meets the application metrics; `""` for none.',
  }),
  maxMemoryBytes: positive(
    128 * 1024 * 1024,
    'Bytes held for peers at most: series (and what they add to a scrape), set members, bodies being received, batch ids.',
  ),
  maxConnections: positive(
    1000,
    'Connections open at once per listener (HTTP and WebSocket; StatsD TCP). On HTTP a new one takes the slot of the oldest idle ' +
      'connection (no request under way), so idle sockets cannot lock out batches and scrapes; closed at once and counted only when none is idle.',
  ),
  maxNameLength: positive(200, 'Longest metric name, in characters; longer ones are dropped and counted.'),
  maxTags: positive(64, 'Most tags on one metric; more drop the metric.'),
  maxTagKeyLength: positive(100, 'Longest tag key, in characters.'),
  maxTagValueLength: positive(1024, 'Longest tag value, in characters.'),
  maxSetMemberLength: positive(1024, 'Longest set member, in characters.'),
});

/**
 * Options of `createStatsServer()` and the `statsServer()` plugin; checked once by core's options rule
 * (unknown keys are errors). Only `secrets` is required.
 */
export type StatsServerOptions = OptionsOf<typeof STATS_SERVER_SHAPE>;
/** Where the optional StatsD listeners bind: `host`, `udpPort`, `tcpPort`. */
export type StatsdListenOptions = OptionsOf<typeof STATSD_LISTEN_SHAPE>;
/** Histogram bucket upper bounds per kind of samples: `timer` (seconds), `histogram` (the unit received). */
export type BucketOptions = OptionsOf<typeof BUCKETS_SHAPE>;

/** The options a server runs with: what was given over the defaults. */
export type StatsServerSettings = ResolvedOf<typeof STATS_SERVER_SHAPE>;

/** Where options come from: the caller named in messages, and the environment when the CLI reads it. */
export interface OptionsSource {
  /** `createStatsServer()`, `statsServer()`, `sightline-stats-server`. */
  readonly source: string;
  /** Read SIGHTLINE_STATS_SERVER_* from here, under the options given. */
  readonly env?: Env;
}

/**
 * Validates `options` and lays them over the environment (when given) and the defaults. With an
 * environment, `secrets` may come from it: it is required of the layers merged, not of the options.
 */
export function resolveServerOptions(options: Partial<StatsServerOptions>, from: OptionsSource): StatsServerSettings {
  return resolveOptions(STATS_SERVER_SHAPE, options as StatsServerOptions, {
    source: from.source,
    error: (message, details) => new StatsServerConfigError(message, details),
    ...(from.env === undefined ? {} : { package: ENV_PACKAGE, env: from.env }),
  });
}

/** The accepted secrets as a list, however they were given. */
export function secretList(settings: StatsServerSettings): readonly string[] {
  return typeof settings.secrets === 'string' ? [settings.secrets] : settings.secrets;
}

/** Timer and histogram bounds: one list for both, or each kind's own (defaults filled in). */
export function bucketBounds(settings: StatsServerSettings): { readonly timer: readonly number[]; readonly histogram: readonly number[] } {
  const b = settings.buckets;
  return isBoundList(b) ? { timer: b, histogram: b } : b;
}

function isBoundList(value: StatsServerSettings['buckets']): value is readonly number[] {
  return Array.isArray(value);
}
