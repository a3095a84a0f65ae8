// The active OpenTelemetry trace, read without importing @opentelemetry/api: this package must not
// require it. The api keeps its registrations on a global keyed by its major version, the contract
// that lets several copies of the api share one context manager; reading it is what
// `trace.getActiveSpan()` does, and it finds nothing when OpenTelemetry is not set up.

/** The labels of an exemplar: `trace_id` and `span_id` of the active, sampled span. */
export type ExemplarLabels = Readonly<Record<string, string>>;

interface SpanContextLike {
  readonly traceId?: unknown;
  readonly spanId?: unknown;
  readonly traceFlags?: unknown;
}
interface ContextLike {
  getValue(key: symbol): unknown;
}
interface OtelGlobal {
  readonly context?: { active(): ContextLike | undefined };
}

const API_KEY = Symbol.for('opentelemetry.js.api.1');
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const INVALID_TRACE_ID = '00000000000000000000000000000000';
const SAMPLED = 1;

/**
 * `{ trace_id, span_id }` of the span active in the current context when it is sampled (an
 * unsampled trace is in no backend to jump to), else undefined. Never throws.
 */
export function activeTraceExemplar(): ExemplarLabels | undefined {
  try {
    const api = (globalThis as Record<symbol, OtelGlobal | undefined>)[API_KEY];
    const span = api?.context?.active()?.getValue(SPAN_KEY) as { spanContext?: () => SpanContextLike } | undefined;
    if (typeof span?.spanContext !== 'function') return undefined;
    const ctx = span.spanContext();
    const { traceId, spanId, traceFlags } = ctx;
    if (typeof traceId !== 'string' || traceId.length !== 32 || traceId === INVALID_TRACE_ID) return undefined;
    if (typeof traceFlags !== 'number' || (traceFlags & SAMPLED) === 0) return undefined;
    return typeof spanId === 'string' ? { trace_id: traceId, span_id: spanId } : { trace_id: traceId };
  } catch {
    return undefined;
  }
}
