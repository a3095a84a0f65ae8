// The route of an incoming request, for span names and the `http.route` label: the template a
// framework matched (`/orders/:id`) when it tells us, else a bounded normalisation of the path.
// Read by every recorder of HTTP traffic (OpenTelemetry spans and metrics, the Prometheus set).
import { subscribe } from 'node:diagnostics_channel';
import { OTHER_ROUTE } from './http-conventions.js';
import { normalizePath } from './normalize-path.js';

// Shared with earlier releases of @sightline/otel, whose `setHttpRoute` wrote this symbol.
const ROUTE = Symbol.for('sightline.otel.http.route');
const WATCHING = Symbol.for('sightline.core.frameworkRoutes');

type Carrier = { [ROUTE]?: string; route?: { path?: unknown }; baseUrl?: unknown };

/** Names the route template of a request (`/orders/:id`), for servers without a router we can read. */
export function setRequestRoute(request: object, route: string): void {
  (request as Carrier)[ROUTE] = route;
}

/**
 * The template a framework matched, if it told us: one set by `setRequestRoute` (fastify through
 * its diagnostics channel, see {@link watchFrameworkRoutes}), else Express's `req.route` under its
 * mount path (known once routed).
 */
export function routeTemplateOf(request: object): string | undefined {
  const carrier = request as Carrier;
  const set = carrier[ROUTE];
  if (set !== undefined) return set;
  const path = carrier.route?.path;
  if (typeof path !== 'string') return undefined;
  return typeof carrier.baseUrl === 'string' ? carrier.baseUrl + path : path;
}

interface FastifyHandlerMessage {
  readonly request?: { readonly raw?: object; readonly routeOptions?: { readonly url?: unknown } };
}

/**
 * Subscribes, once per process, to the diagnostics channels frameworks publish their matched route
 * on (fastify 5's `tracing:fastify.request.handler`), so `routeTemplateOf` knows it with no plugin.
 */
export function watchFrameworkRoutes(): void {
  const g = globalThis as { [WATCHING]?: true };
  if (g[WATCHING]) return;
  g[WATCHING] = true;
  subscribe('tracing:fastify.request.handler:start', (message) => {
    const request = (message as FastifyHandlerMessage | null)?.request;
    const url = request?.routeOptions?.url;
    if (typeof url === 'string' && typeof request?.raw === 'object' && request.raw !== null) setRequestRoute(request.raw, url);
  });
}

/**
 * Route labels with a cap: the framework's template, else the normalised path; past `max` distinct
 * labels a new one is `_OTHER` and counted in `overflowed`, so a scan of random paths cannot grow
 * the series without bound.
 */
export class BoundedRoutes {
  readonly #seen = new Set<string>();
  #overflowed = 0;

  constructor(
    /** Distinct labels kept before new ones are `_OTHER`. */
    readonly max = 1000,
  ) {}

  /** Requests that got `_OTHER` because the cap was reached. */
  get overflowed(): number {
    return this.#overflowed;
  }

  /** The label for a route or path already chosen. */
  bounded(route: string): string {
    if (this.#seen.has(route)) return route;
    if (this.#seen.size >= this.max) {
      this.#overflowed++;
      return OTHER_ROUTE;
    }
    this.#seen.add(route);
    return route;
  }

  /** The label of a request: its template when known, else its path (`url.path`) normalised. */
  of(request: object, path: string): string {
    return this.bounded(routeTemplateOf(request) ?? normalizePath(path));
  }
}
