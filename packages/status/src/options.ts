// The status page's options, their defaults in one place, and the one function that checks them.
import type { MetricsSource } from '@sightline/core';
import { closestName } from './closest-name.js';
import { StatusConfigError } from './errors.js';

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

const KEYS = [...Object.keys(STATUS_DEFAULTS), 'metrics'];


function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StatusConfigError(`status(): ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/** Checks every option once, at construction; a bad one throws `StatusConfigError` naming it. */
export function resolveStatusOptions(options: StatusOptions = {}): ResolvedStatusOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StatusConfigError(`status(): options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) {
      // TODO(issue 13): core's options rule replaces this check when it lands.
      const hint = closestName(key, KEYS);
      throw new StatusConfigError(`unknown option \`${key}\` in status()${hint ? `: did you mean \`${hint}\`?` : `; valid options: ${KEYS.join(', ')}`}`);
    }
  }
  const path = options.path ?? STATUS_DEFAULTS.path;
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(path)) {
    throw new StatusConfigError(`status(): path must be a path prefix such as "/status", got ${JSON.stringify(path)}`);
  }
  const auth = options.auth ?? STATUS_DEFAULTS.auth;
  if (auth !== 'metrics' && auth !== 'none') throw new StatusConfigError(`status(): auth must be "metrics" or "none", got ${JSON.stringify(auth)}`);
  const metrics = options.metrics;
  if (metrics !== undefined && (typeof metrics !== 'object' || metrics === null || typeof metrics.render !== 'function')) {
    throw new StatusConfigError('status(): metrics must be a MetricsSource ({ contentType, render() })');
  }
  const intervalMs = integer('intervalMs', options.intervalMs, STATUS_DEFAULTS.intervalMs, 10, 60_000);
  const historySeconds = integer('historySeconds', options.historySeconds, STATUS_DEFAULTS.historySeconds, 1, 86_400);
  return Object.freeze({
    path,
    auth,
    intervalMs,
    historySeconds,
    capacity: Math.max(2, Math.ceil((historySeconds * 1000) / intervalMs)),
    maxSeries: integer('maxSeries', options.maxSeries, STATUS_DEFAULTS.maxSeries, 1, 10_000),
    maxPins: integer('maxPins', options.maxPins, STATUS_DEFAULTS.maxPins, 0, 1000),
    maxClients: integer('maxClients', options.maxClients, STATUS_DEFAULTS.maxClients, 1, 10_000),
    maxClientBufferBytes: integer('maxClientBufferBytes', options.maxClientBufferBytes, STATUS_DEFAULTS.maxClientBufferBytes, 1024, 1 << 30),
    maxTraces: integer('maxTraces', options.maxTraces, STATUS_DEFAULTS.maxTraces, 0, 10_000),
    maxSpansPerTrace: integer('maxSpansPerTrace', options.maxSpansPerTrace, STATUS_DEFAULTS.maxSpansPerTrace, 1, 100_000),
    maxTransitions: integer('maxTransitions', options.maxTransitions, STATUS_DEFAULTS.maxTransitions, 1, 100_000),
    metrics,
  });
}
