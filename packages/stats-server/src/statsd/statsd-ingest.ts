// Turns StatsD packets (several lines each) into stored samples, counting and logging bad lines.
import { getLogger } from '@sightline/core';
import { WarningThrottle } from '@sightline/core/internal';
import { applyStatsdSample } from '../aggregation/apply.js';
import type { MetricStore } from '../aggregation/metric-store.js';
import type { RejectReason, Rejection } from '../aggregation/rejection.js';
import type { IngestCounters } from '../ingest-stats.js';
import { parseStatsdLine } from './parse-line.js';

const log = getLogger('sightline.stats-server.statsd');
const BAD_LINE_LOG_INTERVAL_MS = 10_000;

export class StatsdIngest {
  private readonly badLineWarning = new WarningThrottle(log, { intervalMs: BAD_LINE_LOG_INTERVAL_MS });

  constructor(
    private readonly store: MetricStore,
    private readonly counters: IngestCounters,
  ) {}

  /** A UDP datagram or any text holding newline-separated lines; empty lines are skipped. */
  handlePacket(text: string, source: string): void {
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end > start) this.handleLine(text.slice(start, end), source);
      start = end + 1;
    }
  }

  handleLine(line: string, source: string): void {
    if (line.length === 0 || line === '\r') return;
    const parsed = parseStatsdLine(line);
    if (!parsed.ok) {
      this.badLine(parsed.error, line, source);
      return;
    }
    let problem: Rejection | undefined;
    for (const sample of parsed.samples) {
      const error = applyStatsdSample(this.store, sample);
      if (error !== undefined && problem === undefined) problem = error;
    }
    if (problem === undefined) this.counters.statsdLines++;
    else this.badLine(problem.message, line, source, problem.reason);
  }

  /** Counts a line refused (unparsable, longer than the TCP line limit, or not stored), once. */
  badLine(reason: string, line: string, source: string, code: RejectReason = 'malformed'): void {
    this.counters.statsdBadLines++;
    this.counters.rejected[code]++;
    const shown = line.length > 120 ? `${line.slice(0, 117)}...` : line;
    this.badLineWarning.warn('bad-line', `bad StatsD line from ${source}: ${reason}`, {
      line: shown,
      badLines: this.counters.statsdBadLines,
    });
  }
}
