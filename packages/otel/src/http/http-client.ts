// Client spans and `http.client.request.duration` for node:http requests, from
// `http.client.request.created` (Node >= 22.12: before the headers are written, so the context is
// injected) or else `http.client.request.start` (Node 20: the headers are already on their way, so
// the span is recorded but the context cannot be injected), `http.client.response.finish` and
// `http.client.request.error`. Requests made while tracing is suppressed (the OTLP exporters') or
// inside `runAsToolkit()` (the toolkit's own) are skipped.
import type { ClientRequest, IncomingMessage } from 'node:http';
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

const kClientSpan = Symbol('sightline.otel.http.client');

type WithState = ClientRequest & { [kClientSpan]?: ClientState };

const setter: TextMapSetter<ClientRequest> = {
  set(request, key, value) {
    if (!request.headersSent) request.setHeader(key, value);
  },
};

function portOf(request: ClientRequest): number {
  const agent = request as unknown as { agent?: { defaultPort?: number }; socket?: { remotePort?: number } };
  const fromHost = /:(\d+)$/.exec(request.getHeader('host')?.toString() ?? '')?.[1];
  if (fromHost !== undefined) return Number(fromHost);
  return agent.agent?.defaultPort ?? (request.protocol === 'https:' ? 443 : 80);
}

export function clientListeners(t: HttpTelemetry): {
  onRequestCreated(this: void, message: unknown): void;
  onRequestStart(this: void, message: unknown): void;
  onResponseFinish(this: void, message: unknown): void;
  onRequestError(this: void, message: unknown): void;
} {
  function start(request: WithState, inject: boolean): void {
    if (request[kClientSpan] !== undefined) return;
    const active = context.active();
    // The toolkit's own requests (stats batches, Pushgateway pushes) and suppressed ones (the OTLP
    // exporters'): no span, no metric, no header.
    if (isTracingSuppressed(active) || isToolkitTraffic()) return;
    const startMs = performance.now();
    const { method, original } = normaliseMethod(request.method);
    const address = request.host;
    const port = portOf(request);
    const defaultPort = request.protocol === 'https:' ? 443 : 80;
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_SERVER_ADDRESS]: address,
      [ATTR_SERVER_PORT]: port,
      [ATTR_URL_FULL]: t.redact.full(`${request.protocol}//${address}${port === defaultPort ? '' : `:${port}`}${request.path}`),
    };
    if (original !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = original;
    const span = t.tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes }, active);
    request[kClientSpan] = { span, startMs, method, address, port, status: undefined, ended: false };
    if (inject && isSpanContextValid(span.spanContext())) propagation.inject(trace.setSpan(active, span), request, setter);
  }

  function end(request: WithState, status: number | undefined, error: unknown): void {
    const state = request[kClientSpan];
    if (state === undefined) return;
    if (status !== undefined) state.status = status;
    finishClientSpan(t, state, error);
  }

  return {
    onRequestCreated(message) {
      start((message as { request: WithState }).request, true);
    },
    onRequestStart(message) {
      start((message as { request: WithState }).request, false);
    },
    onResponseFinish(message) {
      const { request, response } = message as { request: WithState; response: IncomingMessage };
      end(request, response.statusCode, undefined);
    },
    onRequestError(message) {
      const { request, error } = message as { request: WithState; error: unknown };
      end(request, undefined, error);
    },
  };
}
