// Finished spans for in-process consumers (the status page's recent traces), independent of the
// tracing library: the otel plugin feeds every sink a plugin brings.

export type FinishedSpanStatus = 'unset' | 'ok' | 'error';

export interface FinishedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Absent for a root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  /** e.g. `server`, `client`, `internal`. */
  readonly kind: string;
  /** Start, in milliseconds since the epoch. */
  readonly startTimeMs: number;
  readonly durationMs: number;
  readonly status: FinishedSpanStatus;
  readonly statusMessage?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Receives spans as they end. Must be cheap and must not throw (a thrown error is dropped). */
export interface SpanSink {
  onSpanEnd(span: FinishedSpan): void;
}
