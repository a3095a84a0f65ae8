// What the HTTP listeners record into: a tracer, the HTTP instruments of the semantic conventions
// (names and buckets from core's http-conventions), and the bounded set of route labels.
import {
  SpanStatusCode,
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
  type ObservableResult,
} from '@opentelemetry/api';
import { getLogger } from '@sightline/core';
import { BoundedRoutes, HTTP_DURATION_BUCKETS, HTTP_INSTRUMENTS, normalizePath, OTHER_ROUTE } from '@sightline/core/internal';
import { recordException } from '../context/scope.js';
import { INSTRUMENTATION_NAME } from '../state.js';
import { AttributeSetCache } from './duration-attributes.js';
import type { ServerHistograms } from './server-histograms.js';
import { UrlRedactor } from './url-redaction.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from './http-semconv.js';

const log = getLogger('sightline.otel.http');

/** Distinct `http.route` values (and server span names) before new ones become `_OTHER`. */
export const MAX_ROUTES = 1000;

/** Raw paths whose normalised route is remembered (a route per id would otherwise grow it). */
const MAX_CACHED_PATHS = 2000;

/** Requests whose route became `_OTHER` because {@link MAX_ROUTES} was reached. */
export const METRIC_ROUTE_OVERFLOW = 'sightline.http.route.overflow';

export interface HttpTelemetry {
  readonly tracer: Tracer;
  /** `http.server.request.duration` and the body sizes, accumulated here and produced at collection. */
  readonly server: ServerHistograms;
  /** Requests in flight, read by `http.server.active_requests` at each collection. */
  readonly active: ActiveRequests;
  readonly clientDuration: Histogram;
  readonly clientSets: AttributeSetCache;
  /** Keeps credentials and the listed query values out of `url.query` and `url.full`. */
  readonly redact: UrlRedactor;
  /** The route of a request (its template, else its normalised path), `_OTHER` past the cap. */
  routeLabel(template: string | undefined, path: string): string;
  /** Stops reporting to the meter (the instrumentation is disabled). */
  close(): void;
}

/** One `{method, scheme}` set of `http.server.active_requests` and its requests in flight. */
export interface ActiveCount {
  readonly attributes: Attributes;
  count: number;
}

/**
 * Requests in flight, counted here and observed at collection: an up-down counter's add() twice per
 * request would cost more than the request's own span work. Keys are bounded: known methods (or
 * `_OTHER`) times two schemes.
 */
export class ActiveRequests {
  readonly #byKey = new Map<string, ActiveCount>();

  /** Counts one request in; decrement the returned entry's `count` when it ends. */
  enter(method: string, scheme: string): ActiveCount {
    const key = `${method}|${scheme}`;
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      entry = { attributes: Object.freeze({ [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_SCHEME]: scheme }), count: 0 };
      this.#byKey.set(key, entry);
    }
    entry.count++;
    return entry;
  }

  observe(result: ObservableResult): void {
    for (const entry of this.#byKey.values()) result.observe(entry.count, entry.attributes);
  }
}

export function httpTelemetry(
  tracerProvider: TracerProvider,
  meterProvider: MeterProvider,
  server: ServerHistograms,
  redactQueryParams?: readonly string[],
  maxRoutes = MAX_ROUTES,
): HttpTelemetry {
  const meter = meterProvider.getMeter(INSTRUMENTATION_NAME);
  const advice = { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] };
  const routes = new BoundedRoutes(maxRoutes);
  const overflow: Counter = meter.createCounter(METRIC_ROUTE_OVERFLOW, {
    unit: '{request}',
    description: `HTTP server requests labelled _OTHER because ${maxRoutes} distinct routes were already seen.`,
  });
  let warned = false;
  const normalised = new Map<string, string>();
  const active = new ActiveRequests();
  const activeRequests = meter.createObservableUpDownCounter(HTTP_INSTRUMENTS.serverActiveRequests, {
    unit: '{request}',
    description: 'Number of active HTTP server requests.',
  });
  const observeActive = (result: ObservableResult): void => active.observe(result);
  activeRequests.addCallback(observeActive);
  return {
    close() {
      activeRequests.removeCallback(observeActive);
    },
    tracer: tracerProvider.getTracer(INSTRUMENTATION_NAME),
    server,
    active,
    clientDuration: meter.createHistogram(HTTP_INSTRUMENTS.clientDuration, {
      unit: 's',
      description: 'Duration of HTTP client requests.',
      advice,
    }),
    clientSets: new AttributeSetCache(),
    redact: new UrlRedactor(redactQueryParams),
    routeLabel(template, path) {
      // A path seen before skips normalising; only labels under the cap are kept (bounded too).
      if (template === undefined) {
        const known = normalised.get(path);
        if (known !== undefined) return known;
      }
      const before = routes.overflowed;
      const label = routes.bounded(template ?? normalizePath(path));
      if (template === undefined && label !== OTHER_ROUTE && normalised.size < MAX_CACHED_PATHS) normalised.set(path, label);
      if (routes.overflowed !== before) {
        overflow.add(1);
        if (!warned) {
          warned = true;
          log.warn(`more than ${maxRoutes} distinct HTTP routes: new ones are recorded as _OTHER`, {
            metric: METRIC_ROUTE_OVERFLOW,
          });
        }
      }
      return label;
    },
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
