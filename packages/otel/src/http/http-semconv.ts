// The stable HTTP semantic conventions this package records: attribute names and the known methods.
// Instrument names, buckets and the attributes the metrics share live in core's http-conventions.
import { HTTP_ATTRIBUTES, HTTP_KNOWN_METHODS } from '@sightline/core/internal';

export const ATTR_HTTP_REQUEST_METHOD = HTTP_ATTRIBUTES.method;
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = HTTP_ATTRIBUTES.statusCode;
export const ATTR_HTTP_ROUTE = HTTP_ATTRIBUTES.route;
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_URL_SCHEME = HTTP_ATTRIBUTES.scheme;
export const ATTR_URL_FULL = 'url.full';
export const ATTR_SERVER_ADDRESS = HTTP_ATTRIBUTES.serverAddress;
export const ATTR_SERVER_PORT = HTTP_ATTRIBUTES.serverPort;
export const ATTR_CLIENT_ADDRESS = 'client.address';
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address';
export const ATTR_NETWORK_PEER_PORT = 'network.peer.port';
export const ATTR_NETWORK_PROTOCOL_VERSION = HTTP_ATTRIBUTES.protocolVersion;
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
export const ATTR_ERROR_TYPE = HTTP_ATTRIBUTES.errorType;

// The common case (a known method as sent) answers with a shared object: nothing allocated per request.
const KNOWN: ReadonlyMap<string, { readonly method: string }> = new Map(
  [...HTTP_KNOWN_METHODS].map((m) => [m, Object.freeze({ method: m })]),
);

/** `http.request.method`: a known method in upper case, anything else `_OTHER` (the original kept apart). */
export function normaliseMethod(method: string | undefined): { readonly method: string; readonly original?: string } {
  const raw = method ?? 'GET';
  const known = KNOWN.get(raw);
  if (known !== undefined) return known;
  const upper = raw.toUpperCase();
  return HTTP_KNOWN_METHODS.has(upper) ? { method: upper, original: raw } : { method: '_OTHER', original: raw };
}

/**
 * Splits a request target into `url.path` and `url.query` (without the `?`). An absolute-form
 * target (`GET http://host/x`, as sent to proxies) gives its path only: the authority is the
 * client's claim, not this server's path.
 */
export function splitTarget(target: string | undefined): { readonly path: string; readonly query: string | undefined } {
  let t = target ?? '/';
  if (t.charCodeAt(0) !== 47 /* / */ && ABSOLUTE_FORM.test(t)) {
    const pathStart = t.indexOf('/', t.indexOf('//') + 2);
    const queryStart = t.indexOf('?');
    t =
      pathStart === -1 || (queryStart !== -1 && queryStart < pathStart)
        ? `/${queryStart === -1 ? '' : t.slice(queryStart)}`
        : t.slice(pathStart);
  }
  const q = t.indexOf('?');
  return q === -1 ? { path: t, query: undefined } : { path: t.slice(0, q), query: t.slice(q + 1) };
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `host:port` (or `[v6]:port`) from a Host header, split. */
export function splitHost(host: string | undefined): { readonly address: string | undefined; readonly port: number | undefined } {
  if (!host) return { address: undefined, port: undefined };
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > close && colon !== -1) {
    const port = Number(host.slice(colon + 1));
    return { address: host.slice(0, colon), port: Number.isInteger(port) ? port : undefined };
  }
  return { address: host, port: undefined };
}
