// Options of createStatsServer(): the type users write, its defaults, and validation done once.
import { opt, validateOptions, type Shape } from '@sightline/core/internal';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SKEW_MS } from '@sightline/stats-protocol';
import { DEFAULT_METRIC_PREFIX, METRIC_PREFIX_PATTERN } from './aggregation/prometheus-names.js';
import { StatsServerConfigError } from './errors.js';

/** Where the optional StatsD listeners bind. */
export interface StatsdListenOptions {
  /** Interface for the StatsD listeners; defaults to the server's `host`. */
  readonly host?: string;
  /** Starts a UDP StatsD listener on this port (0: any free port). Off when absent. */
  readonly udpPort?: number;
  /** Starts a TCP StatsD listener (newline-delimited lines) on this port (0: any free port). Off when absent. */
  readonly tcpPort?: number;
}

/** Histogram bucket upper bounds per kind of samples. */
export interface BucketOptions {
  /** Upper bounds in seconds for timers (`|ms` and batch `timer`). */
  readonly timer?: readonly number[];
  /** Upper bounds for histograms and distributions, in the unit received. */
  readonly histogram?: readonly number[];
}

/**
 * Options of `createStatsServer()` and the `statsServer()` plugin; checked once by core's options rule
 * (unknown keys are errors, `SIGHTLINE_STATS_SERVER_<SETTING>` variables apply).
 */
export interface StatsServerOptions {
  /** Interface for HTTP and WebSocket ingest. Default `127.0.0.1`. */
  readonly host?: string;
  /** HTTP and WebSocket port. Default 8125; 0 lets the OS pick (read it from `address()`). */
  readonly port?: number;
  /** Accepted HMAC secrets, several during a rotation. Required, never logged. */
  readonly secrets: string | readonly string[];
  /** StatsD listeners (UDP, TCP) beside HTTP and WebSocket ingest. Default none. */
  readonly statsd?: StatsdListenOptions;
  /** Largest accepted batch body (and WebSocket frame). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest accepted distance between a batch's timestamp and the server clock. Default 300000 (5 min). */
  readonly maxSkewMs?: number;
  /** Distinct series held at most; new series past it are dropped and counted. Default 10000. */
  readonly maxSeries?: number;
  /** Distinct members kept per set; more are dropped and counted. Default 10000. */
  readonly maxSetMembers?: number;
  /** Histogram buckets: one list for both, or per kind. */
  readonly buckets?: readonly number[] | BucketOptions;
  /** Longest StatsD line accepted over TCP, in characters; a longer one is dropped and counted. Default 65536. */
  readonly maxTcpLineLength?: number;
  /** Time allowed to receive a whole HTTP request. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Serve the exposition at `GET /metrics` and the snapshot at `GET /v1/snapshot`. Default true. */
  readonly exposeMetrics?: boolean;
  /**
   * Put before the name of every received metric, so received metrics never meet the application's
   * own (`http.requests` is exposed as `stats_http_requests_total`). Default `stats_`; `''` for none.
   */
  readonly metricPrefix?: string;
  /** Bytes held for peers at most: series (and what they add to a scrape), set members, bodies being received, batch ids. Default 128 MiB. */
  readonly maxMemoryBytes?: number;
  /** Connections open at once per listener (HTTP and WebSocket; StatsD TCP); more are closed at once and counted. Default 1000. */
  readonly maxConnections?: number;
  /** Longest metric name, in characters; longer ones are dropped and counted. Default 200. */
  readonly maxNameLength?: number;
  /** Most tags on one metric; more drop the metric. Default 64. */
  readonly maxTags?: number;
  /** Longest tag key, in characters. Default 100. */
  readonly maxTagKeyLength?: number;
  /** Longest tag value, in characters. Default 1024. */
  readonly maxTagValueLength?: number;
  /** Longest set member, in characters. Default 1024. */
  readonly maxSetMemberLength?: number;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly secrets: readonly string[];
  readonly statsdHost: string;
  readonly udpPort: number | undefined;
  readonly tcpPort: number | undefined;
  readonly maxBodyBytes: number;
  readonly maxSkewMs: number;
  readonly maxSeries: number;
  readonly maxSetMembers: number;
  readonly timerBuckets: readonly number[];
  readonly histogramBuckets: readonly number[];
  readonly maxTcpLineLength: number;
  readonly requestTimeoutMs: number;
  readonly exposeMetrics: boolean;
  readonly metricPrefix: string;
  readonly maxMemoryBytes: number;
  readonly maxConnections: number;
  readonly maxNameLength: number;
  readonly maxTags: number;
  readonly maxTagKeyLength: number;
  readonly maxTagValueLength: number;
  readonly maxSetMemberLength: number;
}

/** Timer buckets used when `buckets` is not given, in seconds: 1 ms to 10 s. */
export const DEFAULT_TIMER_BUCKETS: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
/** Histogram buckets used when `buckets` is not given, in the unit received. */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = Object.freeze([
  1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 50_000, 100_000, 500_000, 1_000_000,
]);

export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8125,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxSkewMs: DEFAULT_MAX_SKEW_MS,
  maxSeries: 10_000,
  maxSetMembers: 10_000,
  maxTcpLineLength: 65_536,
  requestTimeoutMs: 30_000,
  metricPrefix: DEFAULT_METRIC_PREFIX,
  maxMemoryBytes: 128 * 1024 * 1024,
  maxConnections: 1000,
  maxNameLength: 200,
  maxTags: 64,
  maxTagKeyLength: 100,
  maxTagValueLength: 1024,
  maxSetMemberLength: 1024,
});

const increasing = (v: readonly number[]): string | undefined =>
  v.length > 0 && v.every((b, i) => i === 0 || b > v[i - 1]!)
    ? undefined
    : 'expected a non-empty array of finite, strictly increasing numbers';
const bucketList = opt.array(opt.number(), { check: increasing });
const portField = opt.integer({ min: 0, max: 65_535 });
const hostField = opt.string({ nonEmpty: true, expected: 'a host name or IP address such as "127.0.0.1"' });
const positiveInt = opt.integer({ min: 1 });
// Secrets are never echoed, only where the problem is.
const secretField = opt.string({ nonEmpty: true, secret: true });

/** createStatsServer()'s options, checked by core's one rule: `statsd: { udp: 1 }` is an error, not a server without a listener. */
export const STATS_SERVER_SHAPE: Shape = Object.freeze({
  host: hostField,
  port: portField,
  secrets: opt.oneOf(
    [secretField, opt.array(secretField, { check: (v: readonly string[]) => (v.length > 0 ? undefined : 'expected at least one secret') })],
    {
      required: true,
      secret: true,
    },
  ),
  statsd: opt.object({ host: hostField, udpPort: portField, tcpPort: portField }),
  maxBodyBytes: positiveInt,
  maxSkewMs: positiveInt,
  maxSeries: positiveInt,
  maxSetMembers: positiveInt,
  buckets: opt.oneOf([bucketList, opt.object({ timer: bucketList, histogram: bucketList })]),
  maxTcpLineLength: positiveInt,
  requestTimeoutMs: positiveInt,
  exposeMetrics: opt.boolean(),
  metricPrefix: opt.string({
    check: (v: string) =>
      METRIC_PREFIX_PATTERN.test(v) ? undefined : 'expected "" or the start of a Prometheus name such as "stats_" ([A-Za-z_][A-Za-z0-9_]*)',
  }),
  maxMemoryBytes: positiveInt,
  maxConnections: positiveInt,
  maxNameLength: positiveInt,
  maxTags: positiveInt,
  maxTagKeyLength: positiveInt,
  maxTagValueLength: positiveInt,
  maxSetMemberLength: positiveInt,
});

export function resolveOptions(options: StatsServerOptions, source = 'createStatsServer()'): ResolvedOptions {
  validateOptions(STATS_SERVER_SHAPE, options, { source, error: (message, details) => new StatsServerConfigError(message, details) });
  if (options === undefined) {
    throw new StatsServerConfigError(`missing option \`secrets\` in ${source}: expected an options object with at least { secrets }`, {
      option: 'secrets',
      source,
    });
  }
  const host = options.host ?? DEFAULTS.host;
  const statsd = options.statsd ?? {};
  const secrets = typeof options.secrets === 'string' ? [options.secrets] : options.secrets;
  return Object.freeze({
    host,
    port: options.port ?? DEFAULTS.port,
    secrets: Object.freeze([...secrets]),
    statsdHost: statsd.host ?? host,
    udpPort: statsd.udpPort,
    tcpPort: statsd.tcpPort,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    maxSkewMs: options.maxSkewMs ?? DEFAULTS.maxSkewMs,
    maxSeries: options.maxSeries ?? DEFAULTS.maxSeries,
    maxSetMembers: options.maxSetMembers ?? DEFAULTS.maxSetMembers,
    ...bucketOptions(options.buckets),
    maxTcpLineLength: options.maxTcpLineLength ?? DEFAULTS.maxTcpLineLength,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    exposeMetrics: options.exposeMetrics ?? true,
    metricPrefix: options.metricPrefix ?? DEFAULTS.metricPrefix,
    maxMemoryBytes: options.maxMemoryBytes ?? DEFAULTS.maxMemoryBytes,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    maxNameLength: options.maxNameLength ?? DEFAULTS.maxNameLength,
    maxTags: options.maxTags ?? DEFAULTS.maxTags,
    maxTagKeyLength: options.maxTagKeyLength ?? DEFAULTS.maxTagKeyLength,
    maxTagValueLength: options.maxTagValueLength ?? DEFAULTS.maxTagValueLength,
    maxSetMemberLength: options.maxSetMemberLength ?? DEFAULTS.maxSetMemberLength,
  });
}

function bucketOptions(value: StatsServerOptions['buckets']): { timerBuckets: readonly number[]; histogramBuckets: readonly number[] } {
  if (value === undefined) return { timerBuckets: DEFAULT_TIMER_BUCKETS, histogramBuckets: DEFAULT_HISTOGRAM_BUCKETS };
  if (Array.isArray(value)) {
    const b = Object.freeze([...(value as readonly number[])]);
    return { timerBuckets: b, histogramBuckets: b };
  }
  const { timer, histogram } = value as BucketOptions;
  return {
    timerBuckets: timer === undefined ? DEFAULT_TIMER_BUCKETS : Object.freeze([...timer]),
    histogramBuckets: histogram === undefined ? DEFAULT_HISTOGRAM_BUCKETS : Object.freeze([...histogram]),
  };
}
