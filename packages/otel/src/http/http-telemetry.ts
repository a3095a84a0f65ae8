// What the HTTP listeners record into: a tracer and the two duration histograms.
import type { Histogram, MeterProvider, Tracer, TracerProvider } from '@opentelemetry/api';
import { INSTRUMENTATION_NAME } from '../state.js';
import { AttributeSetCache } from './duration-attributes.js';
import { DURATION_BUCKETS, METRIC_HTTP_CLIENT_REQUEST_DURATION, METRIC_HTTP_SERVER_REQUEST_DURATION } from './http-semconv.js';

export interface HttpTelemetry {
  readonly tracer: Tracer;
  readonly serverDuration: Histogram;
  readonly clientDuration: Histogram;
  readonly serverSets: AttributeSetCache;
  readonly clientSets: AttributeSetCache;
}

export function httpTelemetry(tracerProvider: TracerProvider, meterProvider: MeterProvider): HttpTelemetry {
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
