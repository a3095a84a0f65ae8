// OpenTelemetry's stable HTTP semantic conventions, as every package that records HTTP traffic
// names it: the instruments, their Prometheus names (as the OpenTelemetry Prometheus exporter
// writes them, so dashboards built for OpenTelemetry work), the label names, and the duration buckets.

/** Instrument names (OpenTelemetry semantic conventions for HTTP metrics). */
export const HTTP_INSTRUMENTS = Object.freeze({
  serverDuration: 'http.server.request.duration',
  serverActiveRequests: 'http.server.active_requests',
  serverRequestBodySize: 'http.server.request.body.size',
  serverResponseBodySize: 'http.server.response.body.size',
  clientDuration: 'http.client.request.duration',
} as const);

/** The same instruments by the names the OpenTelemetry Prometheus exporter gives them. */
export const HTTP_PROMETHEUS_NAMES = Object.freeze({
  serverDuration: 'http_server_request_duration_seconds',
  serverActiveRequests: 'http_server_active_requests',
  serverRequestBodySize: 'http_server_request_body_size_bytes',
  serverResponseBodySize: 'http_server_response_body_size_bytes',
  clientDuration: 'http_client_request_duration_seconds',
} as const);

/** Attribute names, and the label each becomes in Prometheus (dots to underscores). */
export const HTTP_ATTRIBUTES = Object.freeze({
  method: 'http.request.method',
  route: 'http.route',
  statusCode: 'http.response.status_code',
  scheme: 'url.scheme',
  protocolVersion: 'network.protocol.version',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const);

/** `http.server.request.duration` buckets in seconds, from the semantic conventions' advice. */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** Body-size buckets in bytes (the OpenTelemetry SDK's default histogram boundaries). */
export const HTTP_BODY_SIZE_BUCKETS: readonly number[] = Object.freeze([
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
]);

/** The route label of a request no route template or normalisation could bound (past the cap). */
export const OTHER_ROUTE = '_OTHER';

/** `2xx` for 200..299, and so on; `undefined` for a value that is not a status code. */
export function statusClassOf(code: number): string | undefined {
  return code >= 100 && code < 600 ? `${Math.floor(code / 100)}xx` : undefined;
}

/** The request methods the conventions know; any other is recorded as `_OTHER`. */
export const HTTP_KNOWN_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** `http.request.method`: a known method in upper case, anything else `_OTHER` (bounded, per the conventions). */
export function httpMethodOf(method: string | undefined): string {
  if (method === undefined) return 'GET';
  if (HTTP_KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return HTTP_KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

function sizeOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * `http.server.request.body.size`: the request's declared `Content-Length`, read without touching
 * the body (which is the app's). A request without one (most GETs: no body; or a chunked body of
 * unknown length) is not recorded, so the histogram counts the requests that declared a body.
 */
export function requestBodySizeOf(headers: { readonly [name: string]: unknown }): number | undefined {
  return sizeOf(headers['content-length']);
}

/**
 * `http.server.response.body.size`: 0 for an answer that has no body (HEAD, 1xx, 204, 304), else
 * its `Content-Length`, set by the app or by Node itself (`res.end(body)` with no length set keeps
 * it in `_contentLength`, and headers given to `writeHead()` are not kept for `getHeader()`). A
 * chunked response of unknown length: `undefined`, not recorded.
 */
export function responseBodySizeOf(response: { getHeader(name: string): unknown }, method: string, status: number): number | undefined {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return 0;
  return sizeOf(response.getHeader('content-length') ?? (response as { _contentLength?: unknown })._contentLength);
}
