// One authenticated batch, whatever carried it (HTTP or WebSocket): check, parse, apply, answer.
import { getLogger } from '@sightline/core';
import { WarningThrottle } from '@sightline/core/internal';
import { parseBatch, verifySignature, type MetricError } from '@sightline/stats-protocol';
import { applyBatchMetric } from '../aggregation/apply.js';
import type { MemoryBudget } from '../aggregation/memory-budget.js';
import type { MetricStore } from '../aggregation/metric-store.js';
import type { IngestCounters } from '../ingest-stats.js';
import { ReplayGuard } from './replay-guard.js';

const log = getLogger('sightline.stats-server.ingest');
const MAX_ERRORS = 20;
const LOG_INTERVAL_MS = 10_000;

/**
 * The HTTP status of a batch: 200 taken (perhaps partly), 400 malformed, 401 bad signature, 409 already
 * accepted (a replay of the same batch id, not applied again), 413 too large, 503 no room now (the
 * server's memory budget is spent; the client may retry later).
 */
export type BatchStatus = 200 | 400 | 401 | 409 | 413 | 503;

/** The server's answer to a batch: the HTTP response body, or the WebSocket ack. */
export interface BatchOutcome {
  /** See {@link BatchStatus}. */
  readonly status: BatchStatus;
  /** Metrics applied. */
  readonly accepted: number;
  /** Metrics refused on their own (see `errors`). */
  readonly rejected: number;
  /** Per-metric problems of a 200, at most 20. */
  readonly errors?: readonly MetricError[];
  /** What was wrong with a 400, `unauthorized` for a 401, the limit for a 413. */
  readonly error?: string;
}

export interface BatchIngestOptions {
  readonly secrets: readonly string[];
  readonly maxSkewMs: number;
  readonly maxBodyBytes: number;
  readonly budget: MemoryBudget;
  readonly now?: () => number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class BatchIngest {
  private readonly unauthorizedWarning = new WarningThrottle(log, { intervalMs: LOG_INTERVAL_MS });
  private readonly badRequestWarning = new WarningThrottle(log, { intervalMs: LOG_INTERVAL_MS });
  private readonly replayWarning = new WarningThrottle(log, { intervalMs: LOG_INTERVAL_MS });
  private readonly secrets: readonly Buffer[];
  private readonly now: () => number;
  private readonly replays: ReplayGuard;

  constructor(
    private readonly store: MetricStore,
    private readonly counters: IngestCounters,
    private readonly options: BatchIngestOptions,
  ) {
    this.secrets = options.secrets.map((s) => Buffer.from(s, 'utf8'));
    this.now = options.now ?? Date.now;
    this.replays = new ReplayGuard(options.maxSkewMs, options.budget, this.now);
  }

  /** `body` is the exact bytes received; `source` names the peer for logs. */
  handle(body: Uint8Array, timestamp: string | undefined, signature: string | undefined, source: string): BatchOutcome {
    if (body.length > this.options.maxBodyBytes) return this.tooLarge(source);
    const verdict = verifySignature({
      secrets: this.secrets,
      timestamp,
      signature,
      body,
      nowMs: this.now(),
      maxSkewMs: this.options.maxSkewMs,
    });
    if (verdict !== 'ok') return this.unauthorized(verdict, source);

    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return this.badRequest('body is not valid UTF-8', source);
    }
    const parsed = parseBatch(text);
    if (!parsed.ok) return this.badRequest(parsed.error, source);

    // The id is signed with the body; a batch of a client older than ids is known by its signature.
    const key = parsed.id === undefined ? `sig:${signature!.toLowerCase()}` : `id:${parsed.id}`;
    const seen = this.replays.admit(key, Number(timestamp));
    if (seen === 'replay') return this.replayed(parsed.id, source);
    if (seen === 'full') return this.unavailable('memory budget full: cannot remember more batch ids', source);

    const errors: MetricError[] = [...parsed.errors];
    this.counters.rejected.malformed += parsed.errors.length;
    let accepted = 0;
    for (const { index, metric } of parsed.metrics) {
      const problem = applyBatchMetric(this.store, metric);
      if (problem === undefined) accepted++;
      else {
        errors.push({ index, message: problem.message });
        this.counters.rejected[problem.reason]++;
      }
    }
    const rejected = errors.length;
    this.counters.batchesAccepted++;
    this.counters.metricsAccepted += accepted;
    this.counters.metricsRejected += rejected;
    if (rejected === 0) return { status: 200, accepted, rejected };
    errors.sort((a, b) => a.index - b.index);
    this.badRequestWarning.warn('bad-request', `batch from ${source}: ${rejected} metric(s) rejected`, { first: errors[0]!.message });
    return { status: 200, accepted, rejected, errors: errors.slice(0, MAX_ERRORS) };
  }

  /** Counts and answers a 401; `reason` goes to the log only, never to the client. */
  unauthorized(reason: string, source: string): BatchOutcome {
    this.counters.batchesUnauthorized++;
    this.unauthorizedWarning.warn('unauthorized', `unauthorized batch from ${source}: ${reason} signature or timestamp`, { reason });
    return { status: 401, accepted: 0, rejected: 0, error: 'unauthorized' };
  }

  tooLarge(source: string): BatchOutcome {
    this.counters.batchesTooLarge++;
    this.badRequestWarning.warn('bad-request', `batch from ${source} over maxBodyBytes`, { maxBodyBytes: this.options.maxBodyBytes });
    return { status: 413, accepted: 0, rejected: 0, error: `body over maxBodyBytes (${this.options.maxBodyBytes} bytes)` };
  }

  badRequest(error: string, source: string): BatchOutcome {
    this.counters.batchesBadRequest++;
    this.badRequestWarning.warn('bad-request', `malformed batch from ${source}: ${error}`, {});
    return { status: 400, accepted: 0, rejected: 0, error };
  }

  /** The server has no room now (memory budget): the client may retry later. */
  unavailable(error: string, source: string): BatchOutcome {
    this.counters.batchesUnavailable++;
    this.badRequestWarning.warn('unavailable', `batch from ${source} refused: ${error}`, {});
    return { status: 503, accepted: 0, rejected: 0, error };
  }

  private replayed(id: string | undefined, source: string): BatchOutcome {
    this.counters.batchesReplayed++;
    this.replayWarning.warn('replay', `replayed batch from ${source} refused`, id === undefined ? {} : { id });
    return {
      status: 409,
      accepted: 0,
      rejected: 0,
      error: 'batch already accepted (same id within the freshness window): not applied again',
    };
  }
}
