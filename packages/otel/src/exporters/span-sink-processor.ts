// Feeds finished spans to core SpanSinks (the status page's recent traces) as they end, in
// process: no batching, no export, one small object per span.
import { SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { getLogger, type FinishedSpan, type SpanSink } from '@sightline/core';
import { type FinishedSpanStatus } from '@sightline/core/internal';

const log = getLogger('sightline.otel');

const KIND_NAMES: Readonly<Record<number, string>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

function statusOf(code: SpanStatusCode): FinishedSpanStatus {
  return code === SpanStatusCode.ERROR ? 'error' : code === SpanStatusCode.OK ? 'ok' : 'unset';
}

/** The tracing-library-free view of a finished span. */
export function toFinishedSpan(span: ReadableSpan): FinishedSpan {
  const ctx = span.spanContext();
  const finished: { -readonly [K in keyof FinishedSpan]: FinishedSpan[K] } = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'internal',
    startTimeMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status: statusOf(span.status.code),
    attributes: span.attributes,
  };
  if (span.parentSpanContext) finished.parentSpanId = span.parentSpanContext.spanId;
  if (span.status.message) finished.statusMessage = span.status.message;
  return finished;
}

/** A SpanProcessor that hands every ended span to the given sinks; a sink that throws is logged once. */
export class SpanSinkProcessor implements SpanProcessor {
  readonly #sinks: readonly SpanSink[];
  #warned = false;

  constructor(...sinks: readonly SpanSink[]) {
    this.#sinks = Object.freeze([...sinks]);
  }

  /** Does nothing: sinks see spans only once they end. */
  onStart(_span: Span, _parentContext: Context): void {}

  /** Hands the ended span, as a `FinishedSpan`, to every sink. */
  onEnd(span: ReadableSpan): void {
    if (this.#sinks.length === 0) return;
    const finished = toFinishedSpan(span);
    for (const sink of this.#sinks) {
      try {
        sink.onSpanEnd(finished);
      } catch (error) {
        if (!this.#warned) {
          this.#warned = true;
          log.warn('a span sink threw; its spans are dropped (logged once)', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
  }

  /** Nothing is buffered: resolves at once. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release: resolves at once. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
