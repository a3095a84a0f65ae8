// What the HTTP listeners record into: a tracer and the two duration histograms.
import {
  SpanStatusCode,
  type Attributes,
  type Histogram,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { recordException } from '../context/scope.js';
import { INSTRUMENTATION_NAME } from '../state.js';
import { AttributeSetCache } from './duration-attributes.js';
import { UrlRedactor } from './url-redaction.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DURATION_BUCKETS,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from './http-semconv.js';

export interface HttpTelemetry {
  readonly tracer: Tracer;
  readonly serverDuration: Histogram;
  readonly clientDuration: Histogram;
  readonly serverSets: AttributeSetCache;
  readonly clientSets: AttributeSetCache;
  /** Keeps credentials and the listed query values out of `url.query` and `url.full`. */
  readonly redact: UrlRedactor;
}

export function httpTelemetry(
  tracerProvider: TracerProvider,
  meterProvider: MeterProvider,
  redactQueryParams?: readonly string[],
): HttpTelemetry {
  const meter = meterProvider.getMeter(INSTRUMENTATION_NAME);
  const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS] };
  return {
    tracer: tracerProvider.getTracer(INSTRUMENTATION_NAME),
    serverDuration: meter.createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      advice,
    }),
    clientDuration: meter.createHistogram(METRIC_HTTP_CLIENT_REQUEST_DURATION, {
      unit: 's',
      description: 'Duration of HTTP client requests.',
      advice,
    }),
    serverSets: new AttributeSetCache(),
    clientSets: new AttributeSetCache(),
    redact: new UrlRedactor(redactQueryParams),
  };
}

/** Seconds since a `performance.now()` reading. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

/** `error.type` for a thrown value: its code (ECONNREFUSED) or class name, as the conventions suggest. */
export function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : '_OTHER';
}

/** A client request in flight, whichever client (node:http or undici) made it. */
export interface ClientState {
  readonly span: Span;
  readonly startMs: number;
  readonly method: string;
  readonly address: string;
  readonly port: number;
  status: number | undefined;
  ended: boolean;
}

/**
 * Ends a client span once: status code, `error.type` (the error's code, or the status for 4xx and
 * 5xx), ERROR status on failure, and `http.client.request.duration` recorded.
 */
export function finishClientSpan(t: HttpTelemetry, state: ClientState, error: unknown): void {
  if (state.ended) return;
  state.ended = true;
  const { span, status } = state;
  const errorType = error !== undefined ? errorTypeOf(error) : status !== undefined && status >= 400 ? String(status) : undefined;
  if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (errorType !== undefined) {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    if (error !== undefined) recordException(span, error);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
  const key = `${state.method}|${status ?? ''}|${state.address}|${state.port}|${errorType ?? ''}`;
  const attributes = t.clientSets.get(key, () => {
    const a: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: state.method,
      [ATTR_SERVER_ADDRESS]: state.address,
      [ATTR_SERVER_PORT]: state.port,
    };
    if (status !== undefined) a[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
    if (errorType !== undefined) a[ATTR_ERROR_TYPE] = errorType;
    return a;
  });
  t.clientDuration.record(secondsSince(state.startMs), attributes);
}
