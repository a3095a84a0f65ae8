// HTTP spans and metrics with no monkeypatching: listeners on the diagnostics channels Node's
// http module and its bundled undici (fetch) publish on, subscribed by configure() and
// unsubscribed by shutdown(). A channel this Node does not publish on simply stays silent.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { getLogger } from '@sightline/core';
import { claimHttpServerMetrics, errorText, watchFrameworkRoutes } from '@sightline/core/internal';
import { clientListeners } from './http-client.js';
import { serverListeners } from './http-server.js';
import { httpTelemetry } from './http-telemetry.js';
import type { ServerHistograms } from './server-histograms.js';
import { undiciListeners } from './undici-client.js';

const log = getLogger('sightline.otel.http');

export interface HttpInstrumentationOptions {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** Where the server histograms are accumulated: a producer attached to the provider's readers. */
  readonly serverHistograms: ServerHistograms;
  /** Query parameters recorded as `REDACTED` (default `DEFAULT_REDACTED_QUERY_PARAMS`). */
  readonly redactQueryParams?: readonly string[];
  /** Distinct routes before new ones are `_OTHER` (default `MAX_ROUTES`, 1000). */
  readonly maxRoutes?: number;
}

export interface HttpInstrumentation {
  disable(): void;
}

/** A listener that never throws into Node's http code: a failure is logged once per channel. */
function guarded(channel: string, listener: (message: unknown) => void): (message: unknown) => void {
  let reported = false;
  return (message) => {
    try {
      listener(message);
    } catch (error) {
      if (!reported) {
        reported = true;
        log.warn(`HTTP instrumentation failed on ${channel}; the request goes on without it`, { error: errorText(error) });
      }
    }
  };
}

export function instrumentHttp(options: HttpInstrumentationOptions): HttpInstrumentation {
  // fastify tells its matched route on a diagnostics channel: read it for span names and `http.route`.
  watchFrameworkRoutes();
  const t = httpTelemetry(
    options.tracerProvider,
    options.meterProvider,
    options.serverHistograms,
    options.redactQueryParams,
    options.maxRoutes,
  );
  const server = serverListeners(t);
  const client = clientListeners(t);
  const undici = undiciListeners(t);
  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['http.server.request.start', server.onRequestStart],
    ['http.server.response.finish', server.onResponseFinish],
    ['http.client.request.created', client.onRequestCreated],
    ['http.client.request.start', client.onRequestStart],
    ['http.client.response.finish', client.onResponseFinish],
    ['http.client.request.error', client.onRequestError],
    ['undici:request:create', undici.onCreate],
    ['undici:request:headers', undici.onHeaders],
    ['undici:request:trailers', undici.onTrailers],
    ['undici:request:error', undici.onError],
  ].map(([name, fn]) => [name as string, guarded(name as string, fn as (message: unknown) => void)]);
  for (const [name, fn] of subscriptions) subscribe(name, fn);
  // The HTTP server metrics are recorded here: the Prometheus plugin leaves them to us ("auto").
  const release = claimHttpServerMetrics('otel');
  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      release();
      for (const [name, fn] of subscriptions) unsubscribe(name, fn);
      t.close();
    },
  };
}
