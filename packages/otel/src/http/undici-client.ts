// Client spans and `http.client.request.duration` for `fetch` (undici, bundled in Node), from
// undici's diagnostics channels: `undici:request:create` (span started, context injected with
// request.addHeader), `undici:request:headers` (status), `undici:request:trailers` (the body is
// done: span ended, duration recorded) and `undici:request:error`.
import { context, isSpanContextValid, propagation, SpanKind, trace, type Attributes, type TextMapSetter } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { isToolkitTraffic } from '@sightline/core/internal';
import { finishClientSpan, type ClientState, type HttpTelemetry } from './http-telemetry.js';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  normaliseMethod,
} from './http-semconv.js';

const kClientSpan = Symbol('sightline.otel.undici');

/** The part of undici's request object the channels hand out that is read here. */
interface UndiciRequest {
  readonly origin: string | URL;
  readonly method: string;
  readonly path: string;
  addHeader?(name: string, value: string): unknown;
  [kClientSpan]?: ClientState;
}

const setter: TextMapSetter<UndiciRequest> = {
  set(request, key, value) {
    request.addHeader?.(key, value);
  },
};

export function undiciListeners(t: HttpTelemetry): {
  onCreate(this: void, message: unknown): void;
  onHeaders(this: void, message: unknown): void;
  onTrailers(this: void, message: unknown): void;
  onError(this: void, message: unknown): void;
} {
  function end(request: UndiciRequest, error: unknown): void {
    const state = request[kClientSpan];
    if (state !== undefined) finishClientSpan(t, state, error);
  }

  return {
    onCreate(message) {
      const { request } = message as { request: UndiciRequest };
      const active = context.active();
      // Suppressed (the OTLP exporters') or the toolkit's own (runAsToolkit): no span, no metric, no header.
      if (request[kClientSpan] !== undefined || isTracingSuppressed(active) || isToolkitTraffic()) return;
      const startMs = performance.now();
      let url: URL;
      try {
        url = new URL(request.path, request.origin);
      } catch {
        return;
      }
      const { method, original } = normaliseMethod(request.method);
      const address = url.hostname;
      const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_SERVER_ADDRESS]: address,
        [ATTR_SERVER_PORT]: port,
        [ATTR_URL_FULL]: t.redact.full(url.href),
      };
      if (original !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = original;
      const span = t.tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes }, active);
      request[kClientSpan] = { span, startMs, method, address, port, status: undefined, ended: false };
      if (isSpanContextValid(span.spanContext())) propagation.inject(trace.setSpan(active, span), request, setter);
    },
    onHeaders(message) {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
      const state = request[kClientSpan];
      if (state === undefined) return;
      state.status = response.statusCode;
    },
    onTrailers(message) {
      end((message as { request: UndiciRequest }).request, undefined);
    },
    onError(message) {
      const { request, error } = message as { request: UndiciRequest; error: unknown };
      end(request, error);
    },
  };
}
