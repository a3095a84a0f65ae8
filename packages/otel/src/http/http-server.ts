// Server spans and the HTTP server metrics (duration, active requests, body sizes) from
// `http.server.request.start` and `http.server.response.finish`: the caller's context extracted
// from the request headers, the server span made active for the request listener that Node runs
// right after the start event, and named `METHOD route` when the response ends. The toolkit's own
// requests (a marked server's, or one a toolkit route marks) are left out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { isToolkitRequest, requestBodySizeOf, responseBodySizeOf, routeTemplateOf, setRequestRoute } from '@sightline/core/internal';
import { enterContext } from '../context/enter-context.js';
import type { ActiveCount, HttpTelemetry } from './http-telemetry.js';
import { secondsSince } from './http-telemetry.js';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  normaliseMethod,
  splitHost,
  splitTarget,
} from './http-semconv.js';

const kServerSpan = Symbol('sightline.otel.http.server');

interface ServerState {
  readonly span: Span;
  readonly startMs: number;
  readonly method: string;
  readonly scheme: string;
  readonly version: string;
  /** `url.path`, normalised into the route when no framework names a template. */
  readonly path: string;
  readonly requestBodySize: number | undefined;
  /** The `http.server.active_requests` entry this request is counted in. */
  readonly active: ActiveCount;
  ended: boolean;
}

type WithState = ServerResponse & { [kServerSpan]?: ServerState };

const headerGetter: TextMapGetter<IncomingMessage['headers']> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/**
 * Names the route template of a request (`/orders/:id`) for `http.route` and the span name, for
 * servers without a router we can read. Express's `req.route` and fastify's route are read by
 * themselves. The same as core's `setRequestRoute`, which the Prometheus HTTP metrics read too.
 */
export function setHttpRoute(request: IncomingMessage, route: string): void {
  setRequestRoute(request, route);
}

/** A toolkit request runs with no span active, whatever ran on its connection before. */
function enterNoSpan(): void {
  if (trace.getSpan(context.active()) !== undefined) enterContext(ROOT_CONTEXT);
}

export function serverListeners(
  t: HttpTelemetry,
  propagatorFields: readonly string[] = propagation.fields(),
): {
  onRequestStart(this: void, message: unknown): void;
  onResponseFinish(this: void, message: unknown): void;
} {
  function end(response: WithState, request: IncomingMessage, aborted: boolean): void {
    const state = response[kServerSpan];
    if (state === undefined || state.ended) return;
    state.ended = true;
    state.active.count--;
    // Marked by a toolkit route (/metrics, /status) mounted in the app's server: dropped, the span
    // never ended (so never exported), nothing recorded.
    if (isToolkitRequest(request)) return;
    const { span } = state;
    const status = response.statusCode;
    const template = routeTemplateOf(request);
    const route = t.routeLabel(template, state.path);
    const failed = aborted || status >= 500;
    const errorType = aborted ? 'aborted' : status >= 500 ? String(status) : undefined;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    // The span's `http.route` is a template only, per the conventions; its name and the metrics'
    // label fall back to the normalised path.
    if (template !== undefined) span.setAttribute(ATTR_HTTP_ROUTE, template);
    span.updateName(`${state.method} ${route}`);
    if (failed) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType!);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    const key = `${state.method}|${status}|${route}|${state.scheme}|${state.version}|${errorType ?? ''}`;
    const point = t.server.point(key, () => {
      const a: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: state.method,
        [ATTR_URL_SCHEME]: state.scheme,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
        [ATTR_NETWORK_PROTOCOL_VERSION]: state.version,
        [ATTR_HTTP_ROUTE]: route,
      };
      if (errorType !== undefined) a[ATTR_ERROR_TYPE] = errorType;
      return a;
    });
    point.duration.record(secondsSince(state.startMs));
    // A request cut short transferred neither body in full: no sizes.
    if (aborted) return;
    if (state.requestBodySize !== undefined) point.requestSize.record(state.requestBodySize);
    const responseSize = responseBodySizeOf(response, state.method, status);
    if (responseSize !== undefined) point.responseSize.record(responseSize);
  }

  // A response closed before it finished (the client went away) still ends its span.
  function onClose(this: WithState): void {
    const state = this[kServerSpan];
    if (state !== undefined && !state.ended) end(this, this.req, !this.writableFinished);
  }

  return {
    onRequestStart(message) {
      const { request, response } = message as { request: IncomingMessage; response: WithState };
      // The toolkit's own server (health, status, stats-server) or a request already marked: no
      // span, no metrics, no context.
      if (isToolkitRequest(request)) {
        enterNoSpan();
        return;
      }
      const startMs = performance.now();
      const { method, original } = normaliseMethod(request.method);
      const { path, query } = splitTarget(request.url);
      const headers = request.headers;
      const { address, port } = splitHost(headers.host);
      const scheme = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_PATH]: path,
        [ATTR_URL_SCHEME]: scheme,
        [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
      };
      if (original !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = original;
      if (query !== undefined) attributes[ATTR_URL_QUERY] = t.redact.query(query);
      if (address !== undefined) attributes[ATTR_SERVER_ADDRESS] = address;
      if (port !== undefined) attributes[ATTR_SERVER_PORT] = port;
      const userAgent = headers['user-agent'];
      if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
      const { remoteAddress, remotePort } = request.socket;
      if (remoteAddress !== undefined) {
        attributes[ATTR_CLIENT_ADDRESS] = remoteAddress;
        attributes[ATTR_NETWORK_PEER_ADDRESS] = remoteAddress;
      }
      if (remotePort !== undefined) attributes[ATTR_NETWORK_PEER_PORT] = remotePort;

      // Most requests carry no trace context: extract only when a propagator's header is there.
      let carries = false;
      for (let i = 0; i < propagatorFields.length; i++) {
        if (headers[propagatorFields[i]!] !== undefined) {
          carries = true;
          break;
        }
      }
      const parent = carries ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
      const span = t.tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
      const active = t.active.enter(method, scheme);
      response[kServerSpan] = {
        span,
        startMs,
        method,
        scheme,
        version: request.httpVersion,
        path,
        requestBodySize: requestBodySizeOf(headers),
        active,
        ended: false,
      };
      response.on('close', onClose);
      enterContext(trace.setSpan(parent, span));
    },
    onResponseFinish(message) {
      const { request, response } = message as { request: IncomingMessage; response: WithState };
      end(response, request, false);
    },
  };
}
