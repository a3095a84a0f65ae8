// External trace linking: external trace ids and W3C `traceparent` values, validated, plus the
// helpers that carry `traceparent` / `tracestate` over HTTP in both directions.
import { context, isSpanContextValid, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { errorText, getLogger } from '@sightline/core';
import { InvalidTraceIdError, InvalidTraceparentError } from '../errors.js';

const log = getLogger('sightline.otel');

const TRACE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/**
 * Validates an external trace id and returns it in OpenTelemetry's form: 32 lowercase hex digits.
 * Upper case and the UUID form (`8-4-4-4-12`) are accepted, as ids from other systems often are.
 */
export function parseTraceId(value: string): string {
  if (typeof value !== 'string') throw new InvalidTraceIdError(value);
  let id = value.trim().toLowerCase();
  if (UUID.test(id)) id = id.replace(/-/g, '');
  if (!TRACE_ID.test(id) || id === ZERO_TRACE_ID) throw new InvalidTraceIdError(value);
  return id;
}

/** Parses a W3C `traceparent` (and optional `tracestate`) into a remote span context. */
export function parseTraceparent(value: string, tracestate?: string): SpanContext {
  if (typeof value !== 'string') throw new InvalidTraceparentError(value, 'not a string');
  const match = TRACEPARENT.exec(value.trim());
  if (!match) throw new InvalidTraceparentError(value, 'not four dash-separated lowercase hex fields');
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff') throw new InvalidTraceparentError(value, 'version ff is forbidden');
  if (version === '00' && rest !== undefined) throw new InvalidTraceparentError(value, 'version 00 has exactly four fields');
  if (traceId === ZERO_TRACE_ID) throw new InvalidTraceparentError(value, 'the trace id is all zeros');
  if (spanId === ZERO_SPAN_ID) throw new InvalidTraceparentError(value, 'the parent span id is all zeros');
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (tracestate !== undefined && tracestate.trim() !== '') spanContext.traceState = new TraceState(tracestate);
  return spanContext;
}

/** Trace context headers, as taken from an incoming request: spread into `observability()`. */
export interface TraceHeaders {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** Plain header objects (Node's `IncomingHttpHeaders`, `OutgoingHttpHeaders`) or a fetch `Headers`. */
export type HeaderCarrier =
  | { get(name: string): string | null; set(name: string, value: string): void }
  | Record<string, string | string[] | number | undefined>;

function isHeadersObject(
  headers: HeaderCarrier,
): headers is { get(name: string): string | null; set(name: string, value: string): void } {
  return typeof (headers as { get?: unknown }).get === 'function' && typeof (headers as { set?: unknown }).set === 'function';
}

function readHeader(headers: HeaderCarrier, name: string): string | string[] | undefined {
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Reads `traceparent` (and `tracestate`) from an incoming request's headers. Returns undefined when
 * there is none or it is malformed (logged at debug): input from the network never throws.
 */
export function extractTraceparent(headers: HeaderCarrier): TraceHeaders | undefined {
  const raw = readHeader(headers, TRACEPARENT_HEADER);
  if (raw === undefined) return undefined;
  // Several traceparent headers make the context ambiguous; W3C says to ignore them all.
  if (Array.isArray(raw)) {
    if (raw.length !== 1) return undefined;
  }
  const value = (Array.isArray(raw) ? raw[0]! : raw).trim();
  try {
    parseTraceparent(value);
  } catch (error) {
    if (log.isEnabled('debug')) log.debug('ignored an invalid traceparent header', { error: errorText(error) });
    return undefined;
  }
  const state = readHeader(headers, TRACESTATE_HEADER);
  const tracestate = Array.isArray(state) ? state.join(',') : state;
  return tracestate ? { traceparent: value, tracestate } : { traceparent: value };
}

/** The active span's context as a `traceparent` value, or undefined outside any span. */
export function formatTraceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & TraceFlags.SAMPLED) === 0 ? '00' : '01'}`;
}

/**
 * Writes the active scope's `traceparent` (and `tracestate`) into outgoing request headers and
 * returns them. Outside any scope the headers are returned unchanged.
 */
export function injectTraceparent<H extends HeaderCarrier>(headers: H): H {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return headers;
  const traceparent = formatTraceparent(spanContext);
  const tracestate = spanContext.traceState?.serialize();
  if (isHeadersObject(headers)) {
    headers.set(TRACEPARENT_HEADER, traceparent);
    if (tracestate) headers.set(TRACESTATE_HEADER, tracestate);
  } else {
    const target = headers as Record<string, string | string[] | number | undefined>;
    target[TRACEPARENT_HEADER] = traceparent;
    if (tracestate) target[TRACESTATE_HEADER] = tracestate;
  }
  return headers;
}
