// The request handler: routes /health, /health/live, /health/ready, /health/startup and /metrics,
// holds the startup / ready / shutting-down state, and serves what responses.ts serialises.
// Mount it in any node:http server; createHealthServer is one such server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeExposition, errorText, getLogger, type HealthCheck, type MetricsExposition, renderMetrics } from '@sightline/core';
import { bearerTokenVerifier, type TokenVerifier } from './bearer-token.js';
import { CheckAggregator, type CheckReport } from './check-aggregator.js';
import { resolveHandlerConfig, type HealthHandlerOptions, type ResolvedHandlerConfig } from './config.js';
import { FixedWindowRateLimiter } from './rate-limiter.js';
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
export type HealthPath = (typeof HEALTH_PATHS)[number];

const JSON_TYPE = 'application/json; charset=utf-8';
const ALLOW = 'GET, HEAD';

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
  addCheck(check: HealthCheck): void;
  removeCheck(name: string): boolean;
  /** Readiness 503 from now on (`reason: "shutting_down"`); liveness stays 200. */
  beginShutdown(): void;
  /** `markReady()` was called and every startup check has passed once. */
  readonly started: boolean;
  readonly shuttingDown: boolean;
  /** Names of the registered readiness checks. */
  readonly checkNames: readonly string[];
  /** Runs (or reuses) the readiness checks, as /health/ready would. */
  checkReadiness(): Promise<CheckReport>;
}

type Writable = ServerResponse;

function send(res: Writable, status: number, body: string | Buffer, head: boolean, contentType: string = JSON_TYPE, extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  };
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers);
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
  readyFlag: boolean;
  started = false;
  shuttingDown = false;

  constructor(config: ResolvedHandlerConfig) {
    this.config = config;
    const aggregatorOptions = { cacheMs: config.cacheMs, checkTimeoutMs: config.checkTimeoutMs };
    this.checks = new CheckAggregator({ ...aggregatorOptions, checks: config.checks });
    this.startupChecks = new CheckAggregator({ ...aggregatorOptions, checks: config.startupChecks });
    this.limiter = config.metricsRateLimit ? new FixedWindowRateLimiter(config.metricsRateLimit.max, config.metricsRateLimit.windowMs) : undefined;
    this.verifier = config.metricsToken !== undefined ? bearerTokenVerifier(config.metricsToken) : undefined;
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
    const sections: Record<string, unknown> = {};
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

  async function serveMetrics(req: IncomingMessage, res: Writable, head: boolean): Promise<void> {
    if (!config.enableMetrics) {
      send(res, 404, errorBody('not_found', '/metrics is disabled (enableMetrics: false or SIGHTLINE_HEALTH_ENABLE_METRICS=false)'), head);
      return;
    }
    if (state.limiter && !state.limiter.take()) {
      send(res, 429, errorBody('too_many_requests', `/metrics allows ${config.metricsRateLimit ? config.metricsRateLimit.max : 0} requests per ${config.metricsRateLimit ? config.metricsRateLimit.windowMs : 0} ms`), head, JSON_TYPE, {
        'retry-after': String(state.limiter.retryAfterSeconds()),
      });
      return;
    }
    if (state.verifier && !state.verifier(req.headers.authorization)) {
      send(res, 401, errorBody('unauthorized', '/metrics needs an Authorization: Bearer <token> header with the configured token'), head, JSON_TYPE, {
        'www-authenticate': 'Bearer realm="metrics"',
      });
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

  function fail(res: Writable, error: unknown): void {
    log.error('health handler failed', { error: errorText(error) });
    if (!res.headersSent) send(res, 500, errorBody('internal_error', 'the health endpoint failed; see the sightline.health log'), false);
    else res.destroy();
  }

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    const path = pathOf(req.url);
    switch (path) {
      case '/health':
      case '/health/live':
      case '/health/ready':
      case '/health/startup':
      case '/metrics':
        break;
      default:
        if (next) next();
        else send(res, 404, errorBody('not_found', `no endpoint at ${path}; try ${HEALTH_PATHS.join(', ')}`), req.method === 'HEAD');
        return;
    }
    const method = req.method;
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      send(res, 405, errorBody('method_not_allowed', `${String(method)} is not allowed on ${path}; use GET or HEAD`), false, JSON_TYPE, { allow: ALLOW });
      return;
    }
    try {
      switch (path) {
        case '/health':
          send(res, 200, healthBody(isoTimestamp()), head);
          return;
        case '/health/live':
          send(res, 200, liveBody(Math.floor(process.uptime()), isoTimestamp()), head);
          return;
        case '/health/ready':
          // Fast path: started, ready, checks fresh in the cache (or none): answer without a promise.
          if (state.started && state.readyFlag && !state.shuttingDown) {
            const report = state.checks.cached();
            if (report) {
              if (report.healthy) send(res, 200, readyBody(report, isoTimestamp()), head);
              else send(res, 503, notReadyBody('checks_failed', isoTimestamp(), report), head);
              return;
            }
          }
          serveReady(res, head).catch((error: unknown) => fail(res, error));
          return;
        case '/health/startup':
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
  });
  return handler;
}
