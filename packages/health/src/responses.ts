// Serialising, not serving: pure functions from state to the JSON bodies the endpoints send.
import type { CheckOutcome, CheckReport } from './check-aggregator.js';
import { safeStringify } from './check-details.js';

/** Why /health/ready answers 503. */
export type NotReadyReason = 'starting' | 'not_ready' | 'shutting_down' | 'checks_failed';

export interface CheckEntry {
  readonly status: 'pass' | 'fail';
  readonly duration_ms: number;
  readonly message?: string;
  readonly critical?: false;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function checkEntry(outcome: CheckOutcome, withDetails = false): CheckEntry {
  const entry: { -readonly [K in keyof CheckEntry]: CheckEntry[K] } = {
    status: outcome.healthy ? 'pass' : 'fail',
    duration_ms: outcome.durationMs,
  };
  if (outcome.message !== undefined) entry.message = outcome.message;
  if (!outcome.critical) entry.critical = false;
  if (withDetails && outcome.details !== undefined) entry.details = outcome.details;
  return entry;
}

export function checksObject(report: CheckReport, withDetails = false): Record<string, CheckEntry> {
  // Null prototype: a check named `__proto__` is an ordinary key, not a prototype assignment.
  const out = Object.create(null) as Record<string, CheckEntry>;
  for (const r of report.results) out[r.name] = checkEntry(r, withDetails);
  return out;
}

/** `GET /health`: the process answers. */
export function healthBody(timestamp: string): string {
  return `{"status":"healthy","timestamp":"${timestamp}"}`;
}

/** `GET /health/live`: the event loop answers; stays 200 during shutdown. */
export function liveBody(uptimeSeconds: number, timestamp: string): string {
  return `{"status":"alive","uptime_seconds":${uptimeSeconds},"timestamp":"${timestamp}"}`;
}

/**
 * `GET /health/ready` with 200. `api_status` is pyWATS's field: `online` while the service takes
 * traffic, `offline` when it does not.
 */
export function readyBody(report: CheckReport, timestamp: string): string {
  if (report.results.length === 0) return `{"status":"ready","api_status":"online","checks":{},"timestamp":"${timestamp}"}`;
  return JSON.stringify({ status: 'ready', api_status: 'online', checks: checksObject(report), timestamp });
}

/** `GET /health/ready` with 503: the reason, and for failed checks their names and results. */
export function notReadyBody(reason: NotReadyReason, timestamp: string, report?: CheckReport): string {
  if (reason === 'checks_failed' && report) {
    return JSON.stringify({
      status: 'not_ready',
      api_status: 'offline',
      reason,
      failed: report.failed,
      checks: checksObject(report),
      timestamp,
    });
  }
  return `{"status":"not_ready","api_status":"offline","reason":"${reason}","timestamp":"${timestamp}"}`;
}

/**
 * A cache's figures for the JSON fallback's `cache` section. A `CacheRecorder`'s `stats()` from
 * `@sightline/prometheus` fits as it is (its `sizeBytes` stands for `size`).
 */
export interface CacheFigures {
  /** Lookups found, since start. */
  readonly hits: number;
  /** Lookups not found, since start. */
  readonly misses: number;
  /** Entries evicted, since start (0 when absent). */
  readonly evictions?: number;
  /** The cache's size now (entries, or bytes); `sizeBytes` is read when it is absent. */
  readonly size?: number;
  /** The cache's size in bytes, read as `size` when `size` is absent. */
  readonly sizeBytes?: number;
  /** The most entries it holds (`max_size`, null when absent). */
  readonly maxSize?: number;
  /** Whether caching is on (true when absent). */
  readonly enabled?: boolean;
}

/** A queue's figures for the JSON fallback's `queue` section; a `QueueRecorder`'s `stats()` fits as it is. */
export interface QueueFigures {
  /** Items waiting now (`size`). */
  readonly depth: number;
  /** Workers busy now (`active_workers`). */
  readonly activeWorkers: number;
  /** Items processed since start (`total_processed`). */
  readonly processed: number;
}

/** pyWATS's `cache` section: `{ enabled, size, max_size, hit_rate, total_requests, hits, misses, evictions }`. */
export function cacheSection(c: CacheFigures): Record<string, unknown> {
  const total = c.hits + c.misses;
  return {
    enabled: c.enabled ?? true,
    size: c.size ?? c.sizeBytes ?? 0,
    max_size: c.maxSize ?? null,
    // 4 decimals, enough for a ratio read by people and alerts.
    hit_rate: total > 0 ? Math.round((c.hits / total) * 10_000) / 10_000 : 0,
    total_requests: total,
    hits: c.hits,
    misses: c.misses,
    evictions: c.evictions ?? 0,
  };
}

/** pyWATS's `queue` section: `{ size, active_workers, total_processed }`. */
export function queueSection(q: QueueFigures): Record<string, unknown> {
  return { size: q.depth, active_workers: q.activeWorkers, total_processed: q.processed };
}

/**
 * `GET /health/startup`: 200 `started` once `markReady()` was called and every startup check passed
 * once; before that 503 `starting`, naming what it waits for.
 */
export function startupBody(started: boolean, waitingFor: readonly string[], report: CheckReport, timestamp: string): string {
  if (started) return JSON.stringify({ status: 'started', timestamp });
  return JSON.stringify({ status: 'starting', waiting_for: waitingFor, checks: checksObject(report), timestamp });
}

/**
 * `/metrics` without a MetricsSource: JSON, one object per sensor or plugin snapshot by
 * name, and the checks with their details under `checks`.
 */
export function jsonFallbackBody(sections: Readonly<Record<string, unknown>>, report: CheckReport): string {
  // Snapshots are data of any shape too: a BigInt or a cycle in one must not fail the scrape.
  return safeStringify({ ...sections, checks: checksObject(report, true) }) ?? '{}';
}

export function errorBody(error: string, message: string): string {
  return JSON.stringify({ error, message });
}
