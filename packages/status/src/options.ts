// The status page's options, their defaults in one place, and the one function that checks them.
import { type MetricsSource } from '@sightline/core';
import { opt, validateOptions, type Shape } from '@sightline/core/internal';
import { StatusConfigError } from './errors.js';

/** Options of `createStatusPage()` and `status()`. */
export interface StatusOptions {
  /** Where the page lives. Default `/status`. */
  readonly path?: string;
  /** `'metrics'` (default): behind the /metrics token when the health server has one. */
  readonly auth?: 'metrics' | 'none';
  /** Sampling period, in ms. Default 1000. */
  readonly intervalMs?: number;
  /** How far back the charts go, in seconds. Default 900 (15 minutes). */
  readonly historySeconds?: number;
  /** Most series kept (charts and pins together); more are counted and not kept. Default 256. */
  readonly maxSeries?: number;
  /** Most metrics pinned from the page at once. Default 32. */
  readonly maxPins?: number;
  /** Most browsers streaming at once; more get 503. Default 32. */
  readonly maxClients?: number;
  /** Bytes a browser may leave unread before it is disconnected. Default 1 MiB. */
  readonly maxClientBufferBytes?: number;
  /** Recent traces kept. Default 50. */
  readonly maxTraces?: number;
  /** Spans kept per trace; more are counted. Default 200. */
  readonly maxSpansPerTrace?: number;
  /** Health transitions kept for the timeline. Default 200. */
  readonly maxTransitions?: number;
  /** What to chart when no setup() context gives the plugins' metrics (standalone use). */
  readonly metrics?: MetricsSource;
}

export interface ResolvedStatusOptions {
  readonly path: string;
  readonly auth: 'metrics' | 'none';
  readonly intervalMs: number;
  readonly historySeconds: number;
  /** historySeconds at intervalMs: the ring buffers' length. */
  readonly capacity: number;
  readonly maxSeries: number;
  readonly maxPins: number;
  readonly maxClients: number;
  readonly maxClientBufferBytes: number;
  readonly maxTraces: number;
  readonly maxSpansPerTrace: number;
  readonly maxTransitions: number;
  readonly metrics: MetricsSource | undefined;
}

export const STATUS_DEFAULTS = Object.freeze({
  path: '/status',
  auth: 'metrics' as const,
  intervalMs: 1000,
  historySeconds: 900,
  maxSeries: 256,
  maxPins: 32,
  maxClients: 32,
  maxClientBufferBytes: 1024 * 1024,
  maxTraces: 50,
  maxSpansPerTrace: 200,
  maxTransitions: 200,
});

const PATH = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;
const isMetricsSource = (v: { render?: unknown } | null): string | undefined =>
  typeof v === 'object' && v !== null && typeof v.render === 'function' ? undefined : 'expected a MetricsSource { contentType, render() }';

/** The options, for core's options rule (and setupFromEnv's SIGHTLINE_STATUS_* variables). */
export const STATUS_SHAPE: Shape = Object.freeze({
  path: opt.string({ check: (v: string) => (PATH.test(v) ? undefined : 'expected a path prefix such as "/status"') }),
  auth: opt.enum(['metrics', 'none']),
  intervalMs: opt.integer({ min: 10, max: 60_000 }),
  historySeconds: opt.integer({ min: 1, max: 86_400 }),
  maxSeries: opt.integer({ min: 1, max: 10_000 }),
  maxPins: opt.integer({ min: 0, max: 1000 }),
  maxClients: opt.integer({ min: 1, max: 10_000 }),
  maxClientBufferBytes: opt.integer({ min: 1024, max: 1 << 30 }),
  maxTraces: opt.integer({ min: 0, max: 10_000 }),
  maxSpansPerTrace: opt.integer({ min: 1, max: 100_000 }),
  maxTransitions: opt.integer({ min: 1, max: 100_000 }),
  metrics: opt.any({ check: isMetricsSource, env: false }),
});

/** Checks every option once, at construction (core's rule); a bad one throws `StatusConfigError`. */
export function resolveStatusOptions(options: StatusOptions = {}, source = 'status()'): ResolvedStatusOptions {
  validateOptions(STATUS_SHAPE, options, { source, error: (message, details) => new StatusConfigError(message, details) });
  const d = STATUS_DEFAULTS;
  const intervalMs = options.intervalMs ?? d.intervalMs;
  const historySeconds = options.historySeconds ?? d.historySeconds;
  return Object.freeze({
    path: options.path ?? d.path,
    auth: options.auth ?? d.auth,
    intervalMs,
    historySeconds,
    capacity: Math.max(2, Math.ceil((historySeconds * 1000) / intervalMs)),
    maxSeries: options.maxSeries ?? d.maxSeries,
    maxPins: options.maxPins ?? d.maxPins,
    maxClients: options.maxClients ?? d.maxClients,
    maxClientBufferBytes: options.maxClientBufferBytes ?? d.maxClientBufferBytes,
    maxTraces: options.maxTraces ?? d.maxTraces,
    maxSpansPerTrace: options.maxSpansPerTrace ?? d.maxSpansPerTrace,
    maxTransitions: options.maxTransitions ?? d.maxTransitions,
    metrics: options.metrics,
  });
}
