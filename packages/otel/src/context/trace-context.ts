// External trace linking: external trace ids and W3C `traceparent` values, validated, plus the
// helpers that carry them over HTTP in both directions: thin wrappers over the SDK's W3C parser,
// its propagator, and the globally configured propagation.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { parseTraceParent, TraceState, W3CTraceContextPropagator } from '@opentelemetry/core';
import { getLogger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import { InvalidTraceIdError, InvalidTraceparentError } from '../errors.js';

const log = getLogger('sightline.otel');

const TRACE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The W3C Trace Context header carrying the parent span: `traceparent`. */
export const TRACEPARENT_HEADER = 'traceparent';
/** The W3C Trace Context header carrying vendor state: `tracestate`. */
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

/** Why the SDK's parser refused a traceparent, for the error message (the parse itself is the SDK's). */
function refusal(value: string): string {
  const match = TRACEPARENT.exec(value);
  if (!match) return 'not four dash-separated lowercase hex fields';
  const [, version, traceId, spanId, , rest] = match;
  if (version === 'ff') return 'version ff is forbidden';
  if (version === '00' && rest !== undefined) return 'version 00 has exactly four fields';
  if (traceId === ZERO_TRACE_ID) return 'the trace id is all zeros';
  if (spanId === ZERO_SPAN_ID) return 'the parent span id is all zeros';
  return 'refused by the W3C trace-context parser';
}

/** Parses a W3C `traceparent` (and optional `tracestate`) into a remote span context. */
export function parseTraceparent(value: string, tracestate?: string): SpanContext {
  if (typeof value !== 'string') throw new InvalidTraceparentError(value, 'not a string');
  const parsed = parseTraceParent(value.trim());
  if (!parsed) throw new InvalidTraceparentError(value, refusal(value.trim()));
  const spanContext: SpanContext = {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.traceFlags & TraceFlags.SAMPLED,
    isRemote: true,
  };
  // A tracestate that is not a string (null, an object, a Symbol...) is treated as absent, never thrown on.
  if (typeof tracestate === 'string' && tracestate.trim() !== '') spanContext.traceState = new TraceState(tracestate);
  return spanContext;
}

/** Trace context headers, as taken from an incoming request: spread into `observability()`. */
export interface TraceHeaders {
  /** The W3C `traceparent` value: `00-<trace id>-<span id>-<flags>`. */
  readonly traceparent: string;
  /** The `tracestate` value, when there is one. */
  readonly tracestate?: string;
}

/** Plain header objects (Node's `IncomingHttpHeaders`, `OutgoingHttpHeaders`) or a fetch `Headers`. */
export type HeaderCarrier =
  { get(name: string): string | null; set(name: string, value: string): void } | Record<string, string | string[] | number | undefined>;

function isHeadersObject(headers: HeaderCarrier): headers is { get(name: string): string | null; set(name: string, value: string): void } {
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

/** A header's value as text: a string (trimmed), strings, or undefined for anything else. */
function headerText(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

const w3c = new W3CTraceContextPropagator();

const getter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => (isHeadersObject(carrier) ? [...(carrier as unknown as Headers).keys()] : Object.keys(carrier)),
  // Header values that are not strings (null, objects, Symbols, functions) are treated as absent.
  get: (carrier, key) => headerText(readHeader(carrier, key)),
};

const setter: TextMapSetter<HeaderCarrier> = {
  set(carrier, key, value) {
    if (isHeadersObject(carrier)) carrier.set(key, value);
    else carrier[key] = value;
  },
};

/**
 * Reads `traceparent` (and `tracestate`) from an incoming request's headers with the SDK's W3C
 * propagator. Returns undefined when there is none, it is malformed or repeated (logged at debug):
 * input from the network never throws.
 */
export function extractTraceparent(headers: HeaderCarrier): TraceHeaders | undefined {
  try {
    const raw = headerText(readHeader(headers, TRACEPARENT_HEADER));
    // Several traceparent headers make the context ambiguous; W3C says to ignore them all.
    if (raw === undefined || (Array.isArray(raw) && raw.length !== 1)) return undefined;
    const spanContext = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, headers, getter));
    if (!spanContext) {
      if (log.isEnabled('debug')) log.debug('ignored an invalid traceparent header');
      return undefined;
    }
    const traceparent = formatTraceparent(spanContext);
    const tracestate = spanContext.traceState?.serialize();
    return tracestate ? { traceparent, tracestate } : { traceparent };
  } catch (error) {
    if (log.isEnabled('debug')) log.debug('ignored unreadable trace context headers', { error: errorText(error) });
    return undefined;
  }
}

/** A span context as a `traceparent` value. */
export function formatTraceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & TraceFlags.SAMPLED) === 0 ? '00' : '01'}`;
}

/**
 * Writes the active scope's context into outgoing request headers with the configured propagators
 * (`propagation.inject`: `traceparent` / `tracestate` and `baggage` by default, B3 when
 * OTEL_PROPAGATORS says so) and returns them. Outside any scope the headers are returned unchanged.
 */
export function injectTraceparent<H extends HeaderCarrier>(headers: H): H {
  try {
    propagation.inject(context.active(), headers, setter);
  } catch (error) {
    if (log.isEnabled('debug')) log.debug('could not write trace context headers', { error: errorText(error) });
  }
  return headers;
}
