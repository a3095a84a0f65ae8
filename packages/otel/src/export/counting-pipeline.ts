// Wraps the batch processors and metric exporters this package builds so every item they lose is
// counted: past the queue bound (enforced here, so the count is exact), in a failed export, or still
// queued when the shutdown deadline passes.
import type { Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { TraceFlags } from '@opentelemetry/api';
import { errorText } from '@sightline/core/internal';
import type { DropCounter } from './drop-counter.js';

/** Items accepted and not yet handed to the exporter, and items handed over without an answer yet. */
export class QueueLedger {
  queued = 0;
  inFlight = 0;
  /** Set at the shutdown deadline: late answers no longer count (what was pending is counted once). */
  closed = false;

  constructor(
    readonly counter: DropCounter,
    readonly maxQueueSize: number,
  ) {}

  /** Whether one more item fits; counts it as dropped when not. */
  admit(): boolean {
    if (this.closed) return false;
    if (this.queued >= this.maxQueueSize) {
      this.counter.drop(1, 'queue full');
      return false;
    }
    this.queued++;
    return true;
  }

  handedOver(count: number): void {
    this.queued = Math.max(0, this.queued - count);
    this.inFlight += count;
  }

  answered(count: number, result: ExportResult): void {
    if (this.closed) return;
    this.inFlight = Math.max(0, this.inFlight - count);
    if (result.code === ExportResultCode.SUCCESS) this.counter.succeeded();
    else this.counter.drop(count, 'export failed');
  }

  /** At the shutdown deadline: everything still pending is abandoned, and counted. */
  abandon(): number {
    if (this.closed) return 0;
    this.closed = true;
    const pending = this.queued + this.inFlight;
    this.counter.drop(pending, 'shutdown deadline');
    this.queued = 0;
    this.inFlight = 0;
    return pending;
  }
}

/** Hands `count` items to an export, counting its one answer (a throw is a failed export). */
function exportCounted(
  ledger: QueueLedger,
  count: number,
  done: (result: ExportResult) => void,
  send: (answer: (result: ExportResult) => void) => void,
): void {
  ledger.handedOver(count);
  let answered = false;
  const answer = (result: ExportResult): void => {
    if (answered) return;
    answered = true;
    ledger.answered(count, result);
    done(result);
  };
  try {
    send(answer);
  } catch (error) {
    answer({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(errorText(error)) });
  }
}

type Exporter<T> = {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
};

function countingExporter<T, E extends Exporter<T>>(inner: E, ledger: QueueLedger): E {
  const wrapped: Exporter<T> = {
    export(items, done) {
      exportCounted(ledger, items.length, done, (answer) => inner.export(items, answer));
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
  return wrapped as E;
}

export function countingSpanExporter(inner: SpanExporter, ledger: QueueLedger): SpanExporter {
  return countingExporter<ReadableSpan, SpanExporter>(inner, ledger);
}

export function countingLogExporter(inner: LogRecordExporter, ledger: QueueLedger): LogRecordExporter {
  return countingExporter<ReadableLogRecord, LogRecordExporter>(inner, ledger);
}

/** Admits a sampled span to the batch processor only while the ledger has room. */
export class CountingSpanProcessor implements SpanProcessor {
  constructor(
    private readonly inner: SpanProcessor,
    readonly ledger: QueueLedger,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The batch processor only queues sampled spans; the others are not ours to count.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.ledger.admit()) this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export class CountingLogRecordProcessor implements LogRecordProcessor {
  constructor(
    private readonly inner: LogRecordProcessor,
    readonly ledger: QueueLedger,
  ) {}

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    if (this.ledger.admit()) this.inner.onEmit(logRecord, context);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

function dataPoints(metrics: ResourceMetrics): number {
  let n = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) n += metric.dataPoints.length;
  return n;
}

/** A metric exporter whose failed exports count their data points as dropped. */
export function countingMetricExporter(inner: PushMetricExporter, ledger: QueueLedger): PushMetricExporter {
  const wrapped: PushMetricExporter = {
    export(metrics, done) {
      exportCounted(ledger, dataPoints(metrics), done, (answer) => inner.export(metrics, answer));
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
  if (inner.selectAggregationTemporality) wrapped.selectAggregationTemporality = inner.selectAggregationTemporality.bind(inner);
  if (inner.selectAggregation) wrapped.selectAggregation = inner.selectAggregation.bind(inner);
  return wrapped;
}
