// Options of createStatsServer(): the type users write, its defaults, and validation done once.
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SKEW_MS } from '@sightline/stats-protocol';
import { StatsServerConfigError } from './errors.js';

export interface StatsdListenOptions {
  /** Interface for the StatsD listeners; defaults to the server's `host`. */
  readonly host?: string;
  /** Starts a UDP StatsD listener on this port (0: any free port). Off when absent. */
  readonly udpPort?: number;
  /** Starts a TCP StatsD listener (newline-delimited lines) on this port (0: any free port). Off when absent. */
  readonly tcpPort?: number;
}

export interface BucketOptions {
  /** Upper bounds in seconds for timers (`|ms` and batch `timer`). */
  readonly timer?: readonly number[];
  /** Upper bounds for histograms and distributions, in the unit received. */
  readonly histogram?: readonly number[];
}

export interface StatsServerOptions {
  /** Interface for HTTP and WebSocket ingest. Default `127.0.0.1`. */
  readonly host?: string;
  /** HTTP and WebSocket port. Default 8125; 0 lets the OS pick (read it from `address()`). */
  readonly port?: number;
  /** Accepted HMAC secrets, several during a rotation. Required, never logged. */
  readonly secrets: string | readonly string[];
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
}

export const DEFAULT_TIMER_BUCKETS: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
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
});

export function resolveOptions(options: StatsServerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new StatsServerConfigError('createStatsServer() expects an options object with at least { secrets }');
  }
  const host = hostOption('host', options.host, DEFAULTS.host);
  const statsd = options.statsd ?? {};
  return Object.freeze({
    host,
    port: port('port', options.port ?? DEFAULTS.port),
    secrets: secrets(options.secrets),
    statsdHost: hostOption('statsd.host', statsd.host, host),
    udpPort: statsd.udpPort === undefined ? undefined : port('statsd.udpPort', statsd.udpPort),
    tcpPort: statsd.tcpPort === undefined ? undefined : port('statsd.tcpPort', statsd.tcpPort),
    maxBodyBytes: positiveInt('maxBodyBytes', options.maxBodyBytes ?? DEFAULTS.maxBodyBytes),
    maxSkewMs: positiveInt('maxSkewMs', options.maxSkewMs ?? DEFAULTS.maxSkewMs),
    maxSeries: positiveInt('maxSeries', options.maxSeries ?? DEFAULTS.maxSeries),
    maxSetMembers: positiveInt('maxSetMembers', options.maxSetMembers ?? DEFAULTS.maxSetMembers),
    ...bucketOptions(options.buckets),
    maxTcpLineLength: positiveInt('maxTcpLineLength', options.maxTcpLineLength ?? DEFAULTS.maxTcpLineLength),
    requestTimeoutMs: positiveInt('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs),
    exposeMetrics: bool('exposeMetrics', options.exposeMetrics ?? true),
  });
}

function hostOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StatsServerConfigError(`${name}: expected a host name or IP address such as "127.0.0.1", got ${shown(value)}`);
  }
  return value;
}

function port(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new StatsServerConfigError(`${name}: expected an integer port from 0 to 65535, got ${shown(value)}`);
  }
  return value;
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new StatsServerConfigError(`${name}: expected a positive integer, got ${shown(value)}`);
  }
  return value;
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new StatsServerConfigError(`${name}: expected true or false, got ${shown(value)}`);
  return value;
}

function secrets(value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  // The message never shows a secret, only where the problem is.
  if (!Array.isArray(list) || list.length === 0) {
    throw new StatsServerConfigError('secrets: expected a non-empty string or a non-empty array of non-empty strings');
  }
  list.forEach((s: unknown, i: number) => {
    if (typeof s !== 'string' || s.length === 0) {
      throw new StatsServerConfigError(`secrets[${i}]: expected a non-empty string, got ${typeof s === 'string' ? 'an empty string' : typeof s}`);
    }
  });
  return Object.freeze([...(list as string[])]);
}

function bucketOptions(value: StatsServerOptions['buckets']): { timerBuckets: readonly number[]; histogramBuckets: readonly number[] } {
  if (value === undefined) return { timerBuckets: DEFAULT_TIMER_BUCKETS, histogramBuckets: DEFAULT_HISTOGRAM_BUCKETS };
  if (Array.isArray(value)) {
    const b = bucketList('buckets', value);
    return { timerBuckets: b, histogramBuckets: b };
  }
  if (typeof value !== 'object' || value === null) {
    throw new StatsServerConfigError(`buckets: expected an array of increasing numbers or { timer, histogram }, got ${shown(value)}`);
  }
  const { timer, histogram } = value as BucketOptions;
  return {
    timerBuckets: timer === undefined ? DEFAULT_TIMER_BUCKETS : bucketList('buckets.timer', timer),
    histogramBuckets: histogram === undefined ? DEFAULT_HISTOGRAM_BUCKETS : bucketList('buckets.histogram', histogram),
  };
}

function bucketList(name: string, value: unknown): readonly number[] {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((b: unknown, i: number) => typeof b === 'number' && Number.isFinite(b) && (i === 0 || b > (value[i - 1] as number)));
  if (!ok) {
    throw new StatsServerConfigError(`${name}: expected a non-empty array of finite, strictly increasing numbers, got ${shown(value)}`);
  }
  return Object.freeze([...(value as number[])]);
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value).slice(0, 80);
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
