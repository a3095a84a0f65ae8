// The request handler: routes /health, /health/live, /health/ready, /health/startup and /metrics,
// holds the startup / ready / shutting-down state, and serves what responses.ts serialises.
// Mount it in any node:http server; createHealthServer is one such server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type HealthCheck, type HttpRoute, type MetricsExposition } from '@sightline/core';
import { encodeExposition, errorText, renderMetrics } from '@sightline/core/internal';
import { bearerTokenVerifier, type TokenVerifier } from './bearer-token.js';
import { routeAuthorization, TOKEN_COOKIE } from './route-auth.js';
import { CheckAggregator, type CheckReport } from './check-aggregator.js';
import { resolveHandlerConfig, type HealthHandlerOptions, type ProbeKind, type ResolvedHandlerConfig } from './config.js';
import { FixedWindowRateLimiter, KeyedRateLimiter } from './rate-limiter.js';
import {
  errorBody,
  healthBody,
  jsonFallbackBody,
  liveBody,
  notReadyBody,
  readyBody,
  startupBody,
  type NotReadyReason,
} from './responses.js';
import { isoTimestamp } from './timestamp.js';

const log = getLogger('sightline.health');

/** The paths the handler answers. */
export const HEALTH_PATHS = Object.freeze(['/health', '/health/live', '/health/ready', '/health/startup', '/metrics'] as const);
/** One of {@link HEALTH_PATHS}. */
export type HealthPath = (typeof HEALTH_PATHS)[number];

const JSON_TYPE = 'application/json; charset=utf-8';
const ALLOW = 'GET, HEAD';

/**
 * A request handler for the health and metrics paths, mountable in any node:http server or Express/Connect
 * app; made by `createHealthHandler()`.
 */
export interface HealthHandler {
  /**
   * Serves a request. With `next`, a path that is not a health path is passed on (Express/Connect
   * style); without it, such a path gets 404.
   */
  (req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  /** The app has started: readiness may turn 200 once the startup checks pass. */
  markReady(): void;
  /** Readiness 503 (`reason: "not_ready"`) until `markReady()` again; liveness unaffected. */
  markNotReady(): void;
  /** Adds a readiness check; throws `HealthConfigError` when one with the same name is registered. */
  addCheck(check: HealthCheck): void;
  /** Removes a readiness check by name; false when there was none. */
  removeCheck(name: string): boolean;
  /** Readiness 503 from now on (`reason: "shutting_down"`); liveness stays 200. */
  beginShutdown(): void;
  /** `markReady()` was called and every startup check has passed once. */
  readonly started: boolean;
  /** `beginShutdown()` was called: readiness answers 503. */
  readonly shuttingDown: boolean;
  /** Names of the registered readiness checks. */
  readonly checkNames: readonly string[];
  /** Runs (or reuses) the readiness checks, as /health/ready would. */
  checkReadiness(): Promise<CheckReport>;
  /** Detaches the routes (their streams end, their timers stop); the server calls it when closing. */
  detachRoutes(): void;
}

type Writable = ServerResponse;

/** Response headers as a flat list (node:http writes it without walking an object). */
function headersFor(contentType: string, body: string | Buffer, extra?: Record<string, string>): string[] {
  const headers = ['content-type', contentType, 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body))];
  if (extra) for (const [name, value] of Object.entries(extra)) headers.push(name, value);
  return headers;
}

function send(
  res: Writable,
  status: number,
  body: string | Buffer,
  head: boolean,
  contentType: string = JSON_TYPE,
  extra?: Record<string, string>,
): void {
  res.writeHead(status, headersFor(contentType, body, extra));
  if (head) res.end();
  else res.end(body);
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  let path = url;
  if (path.charCodeAt(0) !== 47 /* / */) {
    // absolute-form (through a proxy): http://host:port/health
    try {
      path = new URL(path).pathname;
    } catch {
      return url;
    }
  }
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, ms, TIMED_OUT);
    }),
  ]).finally(() => clearTimeout(timer));
}
const TIMED_OUT = Symbol('timed out');
const NO_CHECKS: CheckReport = Object.freeze({ healthy: true, failed: Object.freeze([]), results: Object.freeze([]) });

class HandlerState {
  readonly config: ResolvedHandlerConfig;
  readonly checks: CheckAggregator;
  readonly startupChecks: CheckAggregator;
  readonly limiter: FixedWindowRateLimiter | undefined;
  readonly verifier: TokenVerifier | undefined;
  /** Failed token attempts per client address, under the same limit as /metrics. */
  readonly failures: KeyedRateLimiter | undefined;
  readyFlag: boolean;
  started = false;
  shuttingDown = false;

  constructor(config: ResolvedHandlerConfig) {
    this.config = config;
    const aggregatorOptions = { cacheMs: config.cacheMs, checkTimeoutMs: config.checkTimeoutMs };
    this.checks = new CheckAggregator({ ...aggregatorOptions, checks: config.checks });
    this.startupChecks = new CheckAggregator({ ...aggregatorOptions, checks: config.startupChecks });
    this.limiter = config.metricsRateLimit
      ? new FixedWindowRateLimiter(config.metricsRateLimit.max, config.metricsRateLimit.windowMs)
      : undefined;
    this.verifier = config.metricsToken !== undefined ? bearerTokenVerifier(config.metricsToken) : undefined;
    this.failures =
      this.verifier && config.metricsRateLimit
        ? new KeyedRateLimiter(config.metricsRateLimit.max, config.metricsRateLimit.windowMs)
        : undefined;
    this.readyFlag = config.ready;
    this.latchIfStarted();
  }

  /** With no startup checks, startup is just `markReady()`. */
  latchIfStarted(): void {
    if (!this.started && this.readyFlag && this.startupChecks.size === 0) this.markStarted();
  }

  markStarted(): void {
    this.started = true;
    log.info('service started: readiness follows its checks from now on');
  }

  /** Runs the startup checks (cached) and latches `started` once they pass with `markReady()` called. */
  async evaluateStartup(): Promise<CheckReport> {
    const report = await this.startupChecks.run();
    if (!this.started && this.readyFlag && report.healthy) this.markStarted();
    return report;
  }

  waitingFor(report: CheckReport): string[] {
    const waiting = this.readyFlag ? [] : ['markReady'];
    waiting.push(...report.failed);
    return waiting;
  }

  snapshotSections(): Record<string, unknown> {
    // Null prototype: a section named `__proto__` is kept like any other.
    const sections = Object.create(null) as Record<string, unknown>;
    const { snapshot, sensors } = this.config;
    if (snapshot) {
      try {
        Object.assign(sections, snapshot());
      } catch (error) {
        log.warn('snapshot() threw; /metrics serves the rest', { error: errorText(error) });
      }
    }
    for (const name of Object.keys(sensors)) {
      const sensor = sensors[name];
      if (typeof sensor?.asDict !== 'function') continue;
      try {
        sections[name] = sensor.asDict();
      } catch (error) {
        log.warn('a sensor asDict() threw; /metrics serves the rest', { sensor: name, error: errorText(error) });
      }
    }
    if ('checks' in sections) log.debug('a snapshot section named "checks" is replaced by the health checks in /metrics');
    return sections;
  }
}

function findRoute(routes: readonly HttpRoute[], path: string): HttpRoute | undefined {
  for (const route of routes) {
    if (path === route.path || (path.startsWith(route.path) && path.charCodeAt(route.path.length) === 47) /* / */) return route;
  }
  return undefined;
}

/** Builds the handler. Options are validated once, here; bad ones throw `HealthConfigError`. */
export function createHealthHandler(options: HealthHandlerOptions = {}): HealthHandler {
  return handlerFromConfig(resolveHandlerConfig(options));
}

/** The handler over options already resolved (createHealthServer resolves its own, once). */
export function handlerFromConfig(resolved: ResolvedHandlerConfig): HealthHandler {
  const state = new HandlerState(resolved);
  const { config } = state;

  async function serveReady(res: Writable, head: boolean): Promise<void> {
    let reason: NotReadyReason | undefined;
    if (state.shuttingDown) reason = 'shutting_down';
    else if (!state.started) {
      if (state.startupChecks.size > 0) await state.evaluateStartup();
      if (!state.started) reason = 'starting';
    }
    if (reason === undefined && !state.readyFlag) reason = 'not_ready';
    if (reason !== undefined) {
      send(res, 503, notReadyBody(reason, isoTimestamp()), head);
      return;
    }
    const report = state.checks.cached() ?? (await state.checks.run());
    // Shutdown may have begun while the checks ran: it wins.
    if (state.shuttingDown) send(res, 503, notReadyBody('shutting_down', isoTimestamp()), head);
    else if (report.healthy) send(res, 200, readyBody(report, isoTimestamp()), head);
    else send(res, 503, notReadyBody('checks_failed', isoTimestamp(), report), head);
  }

  async function serveStartup(res: Writable, head: boolean): Promise<void> {
    // Once started, stays started: the startup checks are not run again.
    const report = state.started ? NO_CHECKS : await state.evaluateStartup();
    const started = state.started;
    send(res, started ? 200 : 503, startupBody(started, state.waitingFor(report), report, isoTimestamp()), head);
  }

  function tooManyRequests(res: Writable, head: boolean, retryAfterSeconds: number, what: string): void {
    const limit = config.metricsRateLimit;
    const rule = limit ? `${limit.max} ${what} per ${limit.windowMs} ms` : what;
    send(res, 429, errorBody('too_many_requests', `/metrics allows ${rule}`), head, JSON_TYPE, {
      'retry-after': String(retryAfterSeconds),
    });
  }

  async function serveMetrics(req: IncomingMessage, res: Writable, head: boolean): Promise<void> {
    if (!config.enableMetrics) {
      send(res, 404, errorBody('not_found', '/metrics is disabled (enableMetrics: false or SIGHTLINE_HEALTH_ENABLE_METRICS=false)'), head);
      return;
    }
    // With a token, the scraper that has it shares its window with no one: requests without it are
    // refused before they count, and their failures are limited per client address.
    if (state.verifier) {
      const address = req.socket.remoteAddress ?? '';
      if (state.failures?.exhausted(address)) {
        tooManyRequests(res, head, state.failures.retryAfterSeconds(address), 'failed token attempts from this address');
        return;
      }
      if (!state.verifier(req.headers.authorization)) {
        state.failures?.hit(address);
        send(
          res,
          401,
          errorBody('unauthorized', '/metrics needs an Authorization: Bearer <token> header with the configured token'),
          head,
          JSON_TYPE,
          {
            'www-authenticate': 'Bearer realm="metrics"',
          },
        );
        return;
      }
    }
    if (state.limiter && !state.limiter.take()) {
      tooManyRequests(res, head, state.limiter.retryAfterSeconds(), 'requests');
      return;
    }
    let exposition: MetricsExposition | typeof TIMED_OUT;
    if (config.metrics) {
      exposition = await withTimeout(renderMetrics(config.metrics, req.headers.accept), config.requestTimeoutMs);
    } else {
      exposition = await withTimeout(
        state.checks.run().then((report) => ({ contentType: JSON_TYPE, body: jsonFallbackBody(state.snapshotSections(), report) })),
        config.requestTimeoutMs,
      );
    }
    if (exposition === TIMED_OUT) {
      log.warn('rendering /metrics timed out', { timeoutMs: config.requestTimeoutMs });
      send(res, 503, errorBody('metrics_timeout', `rendering /metrics took longer than ${config.requestTimeoutMs} ms`), head);
      return;
    }
    const encoded = await encodeExposition(exposition.body, req.headers['accept-encoding']);
    send(res, 200, encoded.body, head, exposition.contentType, encoded.headers);
  }

  // A route behind the metrics token also takes it from a cookie (a browser's EventSource cannot
  // send headers); `?token=` on a page sets that cookie and redirects to the URL without it.
  function serveRoute(route: HttpRoute, req: IncomingMessage, res: Writable, head: boolean): void {
    if (route.auth === 'metrics' && state.verifier) {
      const auth = routeAuthorization(req, state.verifier);
      if (auth.kind === 'denied') {
        send(
          res,
          401,
          errorBody(
            'unauthorized',
            `${route.path} needs the /metrics token: an Authorization: Bearer <token> header, or open ${route.path}?token=<token> once`,
          ),
          head,
          JSON_TYPE,
          {
            'www-authenticate': 'Bearer realm="metrics"',
          },
        );
        return;
      }
      if (auth.kind === 'redirect') {
        res.writeHead(303, {
          location: auth.location,
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(auth.token)}; Path=${route.path}; HttpOnly; SameSite=Strict`,
          'cache-control': 'no-store',
          'content-length': 0,
        });
        res.end();
        return;
      }
    }
    route.handle(req, res);
  }

  for (const route of config.routes) route.attach?.({ readiness: (maxAgeMs) => state.checks.run(maxAgeMs) });

  function fail(res: Writable, error: unknown): void {
    log.error('health handler failed', { error: errorText(error) });
    if (!res.headersSent) send(res, 500, errorBody('internal_error', 'the health endpoint failed; see the sightline.health log'), false);
    else res.destroy();
  }

  // Paths to endpoints; a request for a path as written (no query string) is found without parsing.
  const routes = new Map<string, ProbeKind>(Object.entries(config.paths).map(([kind, path]) => [path, kind as ProbeKind]));
  const pathList = [...routes.keys()].join(', ');

  // /health/live changes once a second (uptime and timestamp): its body and headers are built then.
  let liveSecond = -1;
  let liveHeaders: string[] = [];
  let liveText = '';
  function serveLive(res: Writable, head: boolean): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== liveSecond) {
      liveSecond = second;
      liveText = liveBody(Math.floor(process.uptime()), isoTimestamp(now));
      liveHeaders = headersFor(JSON_TYPE, liveText);
    }
    res.writeHead(200, liveHeaders);
    if (head) res.end();
    else res.end(liveText);
  }

  // Likewise the 200 readiness answer, for as long as the cached report and the second last.
  let readySecond = -1;
  let readyReport: CheckReport | undefined;
  let readyHeaders: string[] = [];
  let readyText = '';
  function serveReadyReport(res: Writable, head: boolean, report: CheckReport): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== readySecond || report !== readyReport) {
      readySecond = second;
      readyReport = report;
      readyText = readyBody(report, isoTimestamp(now));
      readyHeaders = headersFor(JSON_TYPE, readyText);
    }
    res.writeHead(200, readyHeaders);
    if (head) res.end();
    else res.end(readyText);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    const url = req.url ?? '/';
    const kind = routes.get(url) ?? routes.get(pathOf(url));
    if (kind === undefined) {
      // Not a probe: a route a plugin mounted (the status page), else the next handler or a 404.
      const path = pathOf(url);
      const route = config.routes.length > 0 ? findRoute(config.routes, path) : undefined;
      if (route) {
        const method = req.method;
        if (method !== 'GET' && method !== 'HEAD') {
          send(
            res,
            405,
            errorBody('method_not_allowed', `${String(method)} is not allowed on ${path}; use GET or HEAD`),
            false,
            JSON_TYPE,
            { allow: ALLOW },
          );
          return;
        }
        try {
          serveRoute(route, req, res, method === 'HEAD');
        } catch (error) {
          fail(res, error);
        }
        return;
      }
      if (next) next();
      else
        send(
          res,
          404,
          errorBody('not_found', `no endpoint at ${path}; try ${[pathList, ...config.routes.map((r) => r.path)].join(', ')}`),
          req.method === 'HEAD',
        );
      return;
    }
    const method = req.method;
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      send(
        res,
        405,
        errorBody('method_not_allowed', `${String(method)} is not allowed on ${pathOf(url)}; use GET or HEAD`),
        false,
        JSON_TYPE,
        { allow: ALLOW },
      );
      return;
    }
    try {
      switch (kind) {
        case 'live':
          serveLive(res, head);
          return;
        case 'health':
          send(res, 200, healthBody(isoTimestamp()), head);
          return;
        case 'ready':
          // Fast path: started, ready, checks fresh in the cache (or none): answer without a promise.
          if (state.started && state.readyFlag && !state.shuttingDown) {
            const report = state.checks.cached();
            if (report) {
              if (report.healthy) serveReadyReport(res, head, report);
              else send(res, 503, notReadyBody('checks_failed', isoTimestamp(), report), head);
              return;
            }
          }
          serveReady(res, head).catch((error: unknown) => fail(res, error));
          return;
        case 'startup':
          serveStartup(res, head).catch((error: unknown) => fail(res, error));
          return;
        default:
          serveMetrics(req, res, head).catch((error: unknown) => fail(res, error));
      }
    } catch (error) {
      fail(res, error);
    }
  }) as HealthHandler;

  Object.defineProperties(handler, {
    markReady: {
      value: () => {
        if (state.shuttingDown) {
          log.warn('markReady() ignored: the server is shutting down');
          return;
        }
        state.readyFlag = true;
        state.latchIfStarted();
      },
    },
    markNotReady: {
      value: () => {
        state.readyFlag = false;
      },
    },
    addCheck: { value: (check: HealthCheck) => state.checks.add(check) },
    removeCheck: { value: (name: string) => state.checks.remove(name) },
    beginShutdown: {
      value: () => {
        if (!state.shuttingDown) log.info('shutting down: readiness answers 503 from now on');
        state.shuttingDown = true;
      },
    },
    started: { get: () => state.started, enumerable: true },
    shuttingDown: { get: () => state.shuttingDown, enumerable: true },
    checkNames: { get: () => state.checks.names, enumerable: true },
    checkReadiness: { value: () => state.checks.run() },
    detachRoutes: {
      value: () => {
        for (const route of config.routes) {
          try {
            route.detach?.();
          } catch (error) {
            log.warn('a route failed to detach', { route: route.path, error: error instanceof Error ? error.message : String(error) });
          }
        }
      },
    },
  });
  return handler;
}
