// The HTTP metric set the shipped dashboards query, recorded by node:http, Express-style middleware,
// fastify or koa.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveOptions } from '@sightline/core/internal';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsCollector } from '../metrics-collector.js';
import { activeTraceExemplar, type ExemplarLabels } from '../exemplars/active-trace.js';
import { HTTP_METRICS_SHAPE, type HttpMetricsOptions } from '../options.js';

/** Options of one tracked handler or request. */
export interface TrackOptions {
  /** The route template of this handler, e.g. `/orders/:id`: used as the endpoint label. */
  readonly route?: string;
}

type Listener<Req extends IncomingMessage, Res extends ServerResponse> = (req: Req, res: Res) => unknown;
type Next = (error?: unknown) => void;

/**
 * HTTP server metrics (`http_requests_total`, `http_request_duration_seconds`, `http_requests_active`),
 * recorded by wrapping a handler, as middleware, or request by request.
 */
export interface HttpMetrics {
  /** `http_requests_total`, by method, endpoint and status. */
  readonly requests: Counter<'method' | 'endpoint' | 'status'>;
  /** `http_request_duration_seconds`, by method and endpoint. */
  readonly duration: Histogram<'method' | 'endpoint'>;
  /** `http_requests_active`, by method and endpoint. */
  readonly active: Gauge<'method' | 'endpoint'>;
  /** Wraps a node:http request listener so each request it serves is recorded. */
  handler<Req extends IncomingMessage, Res extends ServerResponse>(
    listener: Listener<Req, Res>,
    options?: TrackOptions,
  ): (req: Req, res: Res) => unknown;
  /** Express-style `(req, res, next)` middleware; mount it before the routes. */
  middleware(options?: TrackOptions): (req: IncomingMessage, res: ServerResponse, next: Next) => void;
  /** A fastify plugin: `app.register(http.fastify())`; the endpoint is the route's URL template. */
  fastify(): FastifyPlugin;
  /** A koa middleware: `app.use(http.koa())` before the router; the endpoint is `@koa/router`'s matched route. */
  koa(): KoaMiddleware;
  /** Starts recording one request; it ends by itself when the response closes. */
  track(req: IncomingMessage, res: ServerResponse, options?: TrackOptions): void;
  /** Records a finished request directly, for servers this set cannot wrap. */
  observe(method: string, endpoint: string, status: number | string, seconds: number): void;
}

/** What `http.fastify()` returns: register it on the root instance. */
export type FastifyPlugin = ((instance: FastifyLike, options: unknown, done: (error?: Error) => void) => void) & {
  readonly [key: symbol]: unknown;
};

/** What `http.koa()` returns. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

/** The part of a fastify instance the plugin uses (fastify stays an optional peer). */
export interface FastifyLike {
  /** Registers the `onRequest` hook that tracks each request. */
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: { readonly raw: ServerResponse }, done: (error?: Error) => void) => void,
  ): unknown;
}

/** The part of a fastify request the plugin reads. */
export interface FastifyRequestLike {
  /** The node:http request. */
  readonly raw: IncomingMessage;
  /** fastify 4.10 and later: the matched route's options, `url` its template (`/orders/:id`). */
  readonly routeOptions?: { readonly url?: string | undefined };
  /** fastify before 4.10: the matched route's template. */
  readonly routerPath?: string | undefined;
}

/** The part of a koa context the middleware uses. */
export interface KoaContextLike {
  /** The node:http request. */
  readonly req: IncomingMessage;
  /** The node:http response. */
  readonly res: ServerResponse;
  /** Set by `@koa/router` to the matched route's template, its prefix included. */
  readonly _matchedRoute?: unknown;
}

/** A request aborted by the client before the response finished (nginx's convention). */
export const CLIENT_CLOSED_STATUS = '499';
/** The endpoint label of requests past `maxEndpoints`. */
export const OTHER_ENDPOINT = 'other';

interface ExpressLike {
  readonly route?: { readonly path?: unknown };
  readonly baseUrl?: unknown;
  readonly originalUrl?: unknown;
}

function urlOf(req: IncomingMessage): string {
  const original = (req as ExpressLike).originalUrl;
  return typeof original === 'string' ? original : (req.url ?? '/');
}

/**
 * The endpoint label of a request, from the first that knows it: the route given, the `endpoint`
 * option, Express's matched route (known once routed), the normalized path. At most `max` distinct
 * labels; new ones past it are `other`.
 */
class EndpointLabels {
  readonly #seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly resolve: ((req: IncomingMessage) => string | undefined) | undefined,
    private readonly normalize: (url: string) => string,
  ) {}

  bounded(endpoint: string): string {
    if (this.#seen.has(endpoint)) return endpoint;
    if (this.#seen.size >= this.max) return OTHER_ENDPOINT;
    this.#seen.add(endpoint);
    return endpoint;
  }

  atStart(req: IncomingMessage, route: string | undefined): string {
    return this.bounded(route ?? this.resolve?.(req) ?? this.normalize(urlOf(req)));
  }

  /** After routing, Express knows the matched template (`/orders/:id`) under its mount path. */
  final(req: IncomingMessage, route: string | undefined, atStart: string): string {
    if (route !== undefined) return atStart;
    const fromOption = this.resolve?.(req);
    if (fromOption !== undefined) return this.bounded(fromOption);
    const template = (req as ExpressLike).route?.path;
    if (typeof template === 'string') {
      const base = (req as ExpressLike).baseUrl;
      return this.bounded(typeof base === 'string' ? base + template : template);
    }
    return atStart;
  }
}

/** Starts recording a request; `routedLater` reads a template a framework only knows once its router ran (koa). */
type Begin = (req: IncomingMessage, res: ServerResponse, route: string | undefined, routedLater?: () => unknown) => void;

function fastifyPlugin(begin: Begin): FastifyPlugin {
  const plugin = (instance: FastifyLike, _options: unknown, done: (error?: Error) => void): void => {
    // fastify routes before onRequest: the template is known when the request starts.
    instance.addHook('onRequest', (request, reply, next) => {
      const template = request.routeOptions?.url ?? request.routerPath;
      begin(request.raw, reply.raw, typeof template === 'string' && template.length > 0 ? template : undefined);
      next();
    });
    done();
  };
  // What fastify-plugin sets: the hook then applies to every route, not only an encapsulated child.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'sightline-http-metrics' });
}

function koaMiddleware(begin: Begin): KoaMiddleware {
  return async (ctx, next) => {
    begin(ctx.req, ctx.res, undefined, () => ctx._matchedRoute);
    await next();
  };
}

/**
 * Defines `http_requests_total{method,endpoint,status}`, `http_request_duration_seconds{method,endpoint}`
 * and `http_requests_active{method,endpoint}`, and returns ways to record them. The endpoint label
 * is the route template when one is known (given, from `options.endpoint`, or Express's matched
 * route), else the URL path with ids collapsed, so ids cannot explode cardinality.
 */
export function httpMetrics(collector: MetricsCollector, options: HttpMetricsOptions = {}): HttpMetrics {
  const resolved = resolveOptions(HTTP_METRICS_SHAPE, options, { source: 'httpMetrics()' });
  const { buckets, exemplars } = resolved;
  const endpoints = new EndpointLabels(resolved.maxEndpoints, resolved.endpoint, resolved.normalizePath);

  const requests = collector.counter('http_requests_total', 'Total HTTP requests', {
    labels: ['method', 'endpoint', 'status'] as const,
  });
  const duration = collector.histogram('http_request_duration_seconds', 'HTTP request duration in seconds', {
    labels: ['method', 'endpoint'] as const,
    buckets,
    exemplars,
  });
  const active = collector.gauge('http_requests_active', 'HTTP requests in progress', {
    labels: ['method', 'endpoint'] as const,
  });

  const record = (method: string, endpoint: string, status: number | string, seconds: number, trace: ExemplarLabels | undefined): void => {
    requests.inc({ method, endpoint, status: String(status) });
    if (trace !== undefined) collector.observeWithExemplar(duration, { method, endpoint }, seconds, trace);
    else duration.observe({ method, endpoint }, seconds);
  };
  const observe = (method: string, endpoint: string, status: number | string, seconds: number): void =>
    record(method, endpoint, status, seconds, exemplars ? activeTraceExemplar() : undefined);

  const begin: Begin = (req, res, route, routedLater) => {
    const method = req.method ?? 'GET';
    const atStart = endpoints.atStart(req, route);
    const start = performance.now();
    // Read now: the close event runs outside the request's trace context.
    const trace = exemplars ? activeTraceExemplar() : undefined;
    active.inc({ method, endpoint: atStart });
    res.once('close', () => {
      active.dec({ method, endpoint: atStart });
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_STATUS;
      const late = routedLater?.();
      const endpoint = typeof late === 'string' && route === undefined ? endpoints.bounded(late) : endpoints.final(req, route, atStart);
      record(method, endpoint, status, (performance.now() - start) / 1000, trace);
    });
  };

  const track = (req: IncomingMessage, res: ServerResponse, trackOptions?: TrackOptions): void => begin(req, res, trackOptions?.route);

  return {
    requests,
    duration,
    active,
    track,
    observe,
    fastify: () => fastifyPlugin(begin),
    koa: () => koaMiddleware(begin),
    handler(listener, handlerOptions) {
      return (req, res) => {
        track(req, res, handlerOptions);
        return listener(req, res);
      };
    },
    middleware(middlewareOptions) {
      return (req, res, next) => {
        track(req, res, middlewareOptions);
        next();
      };
    },
  };
}
