// Counting what each signal drops, and saying so once per outage: the SDK's batch processors drop
// silently while a collector is down (their "Dropped N spans" line only comes once the queue drains).
import { getLogger } from '@sightline/core';
import type { Signal } from '../config/otel-env.js';

const log = getLogger('sightline.otel');
export type DropReason = 'queue full' | 'export failed' | 'shutdown deadline';

const NOUN: Readonly<Record<Signal, string>> = { traces: 'spans', metrics: 'metric points', logs: 'log records' };

/** What was dropped since configure(), per signal. */
export interface DroppedCounts {
  /** Spans dropped. */
  readonly traces: number;
  /** Metric points dropped. */
  readonly metrics: number;
  /** Log records dropped. */
  readonly logs: number;
}

/**
 * One signal's drop count. An outage starts at the first drop after a success (one warning, saying
 * why) and ends at the next successful export or at shutdown (one warning, with the count).
 */
export class DropCounter {
  total = 0;
  private inOutage = 0;
  private outageStartedAt = 0;

  constructor(readonly signal: Signal) {}

  drop(count: number, reason: DropReason): void {
    if (count <= 0) return;
    this.total += count;
    if (this.inOutage === 0) {
      this.outageStartedAt = Date.now();
      // At the deadline the count follows at once (endOutage): no "counting them" line first.
      if (reason !== 'shutdown deadline')
        log.warn(`dropping ${NOUN[this.signal]} (${reason}); counting them until an export succeeds`, { signal: this.signal });
    }
    this.inOutage += count;
  }

  /** An export succeeded: the outage, if any, is over. */
  succeeded(): void {
    this.endOutage('recovered');
  }

  /** At shutdown: report an outage still running. */
  endOutage(how: 'recovered' | 'at shutdown'): void {
    if (this.inOutage === 0) return;
    log.warn(`${this.inOutage} ${NOUN[this.signal]} dropped during an export outage (${how})`, {
      signal: this.signal,
      dropped: this.inOutage,
      outage_ms: Date.now() - this.outageStartedAt,
      dropped_total: this.total,
    });
    this.inOutage = 0;
  }
}

export class DropCounters {
  readonly traces = new DropCounter('traces');
  readonly metrics = new DropCounter('metrics');
  readonly logs = new DropCounter('logs');

  counts(): DroppedCounts {
    return Object.freeze({ traces: this.traces.total, metrics: this.metrics.total, logs: this.logs.total });
  }

  endOutages(): void {
    this.traces.endOutage('at shutdown');
    this.metrics.endOutage('at shutdown');
    this.logs.endOutage('at shutdown');
  }
}
