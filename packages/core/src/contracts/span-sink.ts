// Finished spans for in-process consumers (the status page's recent traces), independent of the
// tracing library: the otel plugin feeds every sink a plugin brings.

/** A finished span's status: `unset` (never set), `ok` or `error`. */
export type FinishedSpanStatus = 'unset' | 'ok' | 'error';

/** A span that has ended, independent of the tracing library that made it. */
export interface FinishedSpan {
  /** The trace's id, 32 lowercase hex characters. */
  readonly traceId: string;
  /** The span's id, 16 lowercase hex characters. */
  readonly spanId: string;
  /** Absent for a root span. */
  readonly parentSpanId?: string;
  /** The span's name, e.g. `GET /orders/:id`. */
  readonly name: string;
  /** e.g. `server`, `client`, `internal`. */
  readonly kind: string;
  /** Start, in milliseconds since the epoch. */
  readonly startTimeMs: number;
  /** Duration, in milliseconds. */
  readonly durationMs: number;
  /** See {@link FinishedSpanStatus}. */
  readonly status: FinishedSpanStatus;
  /** The status's description, when one was set (usually with `error`). */
  readonly statusMessage?: string;
  /** The span's attributes, by key. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Receives spans as they end. Must be cheap and must not throw (a thrown error is dropped). */
export interface SpanSink {
  /** Called once per span, as it ends. */
  onSpanEnd(span: FinishedSpan): void;
}
