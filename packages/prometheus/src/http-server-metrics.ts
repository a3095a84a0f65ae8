// The HTTP server metrics of OpenTelemetry's semantic conventions, under the names the OpenTelemetry
// Prometheus exporter gives them, recorded from Node's diagnostics channels (no wrapping, no
// patching) when no OpenTelemetry bridge records them in this process: a service with only
// @sightline/prometheus installed still gets its request metrics, and never twice.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger } from '@sightline/core';
import {
  BoundedRoutes,
  errorText,
  HTTP_BODY_SIZE_BUCKETS,
  HTTP_DURATION_BUCKETS,
  HTTP_PROMETHEUS_NAMES,
  httpMethodOf,
  httpServerMetricsRecordedElsewhere,
  isToolkitRequest,
  requestBodySizeOf,
  responseBodySizeOf,
  watchFrameworkRoutes,
} from '@sightline/core/internal';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { LazyFamilies } from './lazy-families.js';
import type { MetricsCollector } from './metrics-collector.js';

const log = getLogger('sightline.prometheus');

/** Who records when both are installed: `auto` leaves it to an OpenTelemetry bridge when one is there. */
export type HttpServerMetricsMode = 'auto' | boolean;

const START = 'http.server.request.start';
const FINISH = 'http.server.response.finish';
const RECORDER = 'prometheus';

const DURATION_LABELS = [
  'http_request_method',
  'http_route',
  'http_response_status_code',
  'url_scheme',
  'network_protocol_version',
  'error_type',
] as const;
type DurationLabel = (typeof DURATION_LABELS)[number];
const ACTIVE_LABELS = ['http_request_method', 'url_scheme'] as const;

/** Requests in flight for one method and scheme: a plain count, set on the gauge at each scrape. */
interface ActiveCount {
  readonly labels: Readonly<Record<(typeof ACTIVE_LABELS)[number], string>>;
  n: number;
}

interface Families {
  duration: Histogram<DurationLabel>;
  requestSize: Histogram<DurationLabel>;
  responseSize: Histogram<DurationLabel>;
  active: Gauge<(typeof ACTIVE_LABELS)[number]>;
  overflow: Counter;
}

/** What one request carries from its start to its end. */
interface RequestState {
  readonly startMs: number;
  readonly method: string;
  readonly scheme: string;
  readonly version: string;
  readonly recorder: HttpServerRecorder;
  readonly active: ActiveCount;
  ended: boolean;
}

const kState = Symbol('sightline.prometheus.httpServer');
type Tracked = ServerResponse & { [kState]?: RequestState };

// `this` is the response: one closed before it finished was aborted (the client went away).
function onClose(this: Tracked): void {
  const state = this[kState];
  if (state !== undefined && !state.ended) state.recorder.end(this.req, this, !this.writableFinished);
}

interface ExpressUrl {
  readonly originalUrl?: unknown;
}

export interface HttpServerRecorderOptions {
  readonly mode: HttpServerMetricsMode;
  /** Distinct `http_route` values kept; past it, `_OTHER` and the overflow counter. */
  readonly maxRoutes: number;
  /** The namespace of the overflow counter (`<namespace>_http_route_overflow_total`). */
  readonly namespace: string;
  readonly eager: boolean;
}

/** Records the HTTP server metrics into a collector while enabled. */
export class HttpServerRecorder {
  readonly #collector: MetricsCollector;
  readonly #mode: HttpServerMetricsMode;
  readonly #routes: BoundedRoutes;
  readonly #lazy: LazyFamilies<'http'>;
  readonly #overflowName: string;
  #families: Families | undefined;
  readonly #active = new Map<string, ActiveCount>();
  #enabled = false;

  constructor(collector: MetricsCollector, options: HttpServerRecorderOptions) {
    this.#collector = collector;
    this.#mode = options.mode;
    this.#routes = new BoundedRoutes(options.maxRoutes);
    this.#overflowName = `${options.namespace}_http_route_overflow_total`;
    const names = [
      HTTP_PROMETHEUS_NAMES.serverDuration,
      HTTP_PROMETHEUS_NAMES.serverRequestBodySize,
      HTTP_PROMETHEUS_NAMES.serverResponseBodySize,
      HTTP_PROMETHEUS_NAMES.serverActiveRequests,
      this.#overflowName,
    ];
    this.#lazy = new LazyFamilies(collector, { http: { names, define: () => this.#define() } }, options.eager, 'prometheus()');
  }

  #define(): void {
    const c = this.#collector;
    this.#families = {
      duration: c.histogram(HTTP_PROMETHEUS_NAMES.serverDuration, 'Duration of HTTP server requests.', {
        labels: DURATION_LABELS,
        buckets: [...HTTP_DURATION_BUCKETS],
      }),
      requestSize: c.histogram(HTTP_PROMETHEUS_NAMES.serverRequestBodySize, 'Size of HTTP server request bodies.', {
        labels: DURATION_LABELS,
        buckets: [...HTTP_BODY_SIZE_BUCKETS],
      }),
      responseSize: c.histogram(HTTP_PROMETHEUS_NAMES.serverResponseBodySize, 'Size of HTTP server response bodies.', {
        labels: DURATION_LABELS,
        buckets: [...HTTP_BODY_SIZE_BUCKETS],
      }),
      // Counted in plain fields per request and set here, so a request costs no prom-client call for it.
      active: c.gauge(HTTP_PROMETHEUS_NAMES.serverActiveRequests, 'Number of active HTTP server requests.', {
        labels: ACTIVE_LABELS,
        collect: (g) => {
          for (const a of this.#active.values()) g.set(a.labels, a.n);
        },
      }),
      overflow: c.counter(this.#overflowName, 'HTTP requests whose route was recorded as _OTHER: the distinct routes reached their cap'),
    };
  }

  /** Subscribes to the diagnostics channels (a no-op with `mode: false`). */
  enable(): void {
    if (this.#enabled || this.#mode === false) return;
    this.#enabled = true;
    watchFrameworkRoutes();
    subscribe(START, this.#onStart);
    subscribe(FINISH, this.#onFinish);
  }

  disable(): void {
    if (!this.#enabled) return;
    this.#enabled = false;
    unsubscribe(START, this.#onStart);
    unsubscribe(FINISH, this.#onFinish);
  }

  // A listener never throws into Node's http code: a failure is logged once.
  #failed = false;
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (this.#failed) return;
      this.#failed = true;
      log.warn('HTTP server metrics failed on a request; the request goes on without them', { error: errorText(error) });
    }
  }

  readonly #onStart = (message: unknown): void =>
    this.#guard(() => {
      const { request, response } = message as { request: IncomingMessage; response: Tracked };
      if (isToolkitRequest(request)) return;
      if (this.#mode === 'auto' && httpServerMetricsRecordedElsewhere(RECORDER)) return;
      this.#lazy.expose('http');
      const method = httpMethodOf(request.method);
      const scheme = (request.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
      const key = `${method} ${scheme}`;
      let active = this.#active.get(key);
      if (active === undefined) this.#active.set(key, (active = { labels: { http_request_method: method, url_scheme: scheme }, n: 0 }));
      active.n++;
      response[kState] = {
        startMs: performance.now(),
        method,
        scheme,
        version: request.httpVersion,
        recorder: this,
        active,
        ended: false,
      };
      // 'close' comes once per response: `on` spares the wrapper `once` allocates.
      response.on('close', onClose);
    });

  readonly #onFinish = (message: unknown): void =>
    this.#guard(() => {
      const { request, response } = message as { request: IncomingMessage; response: Tracked };
      this.#record(request, response, false);
    });

  /** Records a request that finished, or closed before it did (`aborted`); each request once. */
  end(request: IncomingMessage, response: Tracked, aborted: boolean): void {
    this.#guard(() => this.#record(request, response, aborted));
  }

  #record(request: IncomingMessage, response: Tracked, aborted: boolean): void {
    const state = response[kState];
    const f = this.#families;
    if (state === undefined || state.ended || f === undefined) return;
    state.ended = true;
    state.active.n--;
    // A toolkit route mounted in the app's server marks its request once routed.
    if (isToolkitRequest(request)) return;
    const status = response.statusCode;
    const overflowed = this.#routes.overflowed;
    const original = (request as ExpressUrl).originalUrl;
    const route = this.#routes.of(request, typeof original === 'string' ? original : (request.url ?? '/'));
    if (this.#routes.overflowed !== overflowed) f.overflow.inc();
    const labels: Partial<Record<DurationLabel, string>> = {
      http_request_method: state.method,
      http_route: route,
      http_response_status_code: String(status),
      url_scheme: state.scheme,
      network_protocol_version: state.version,
    };
    if (aborted) labels.error_type = 'aborted';
    else if (status >= 500) labels.error_type = String(status);
    f.duration.observe(labels, (performance.now() - state.startMs) / 1000);
    if (aborted) return; // a request cut short transferred neither body in full
    const requestSize = requestBodySizeOf(request.headers);
    if (requestSize !== undefined) f.requestSize.observe(labels, requestSize);
    const responseSize = responseBodySizeOf(response, state.method, status);
    if (responseSize !== undefined) f.responseSize.observe(labels, responseSize);
  }
}
