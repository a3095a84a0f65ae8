// The request handler: routes /health, /health/live, /health/ready, /health/startup and /metrics
// (and the mounted routes) to what answers them. Mount it in any node:http server;
// createHealthServer is one such server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type HealthCheck } from '@sightline/core';
import { errorText, markToolkitRequest } from '@sightline/core/internal';
import { bearerTokenVerifier, routeCookie } from './bearer-token.js';
import type { CheckReport } from './check-aggregator.js';
import { ALLOW, JSON_TYPE, PerSecondReply, pathOf, send } from './http-reply.js';
import { MetricsEndpoint } from './metrics-endpoint.js';
import { MountedRoutes } from './mounted-routes.js';
import { resolveHandlerConfig, type HealthConfig, type HealthHandlerOptions, type ProbeKind } from './options.js';
import { ProbeState } from './probe-state.js';
import { errorBody, healthBody, liveBody, notReadyBody, readyBody, startupBody } from './responses.js';
import { isoTimestamp } from './timestamp.js';

const log = getLogger('sightline.health');

/** The paths the handler answers. */
export const HEALTH_PATHS = Object.freeze(['/health', '/health/live', '/health/ready', '/health/startup', '/metrics'] as const);
/** One of {@link HEALTH_PATHS}. */
export type HealthPath = (typeof HEALTH_PATHS)[number];

// Node 20.0 to 20.3 predate Symbol.asyncDispose; TypeScript's `await using` falls back to this one.
const asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/** What `close()` returns: the handler has nothing to wait for. */
const CLOSED: Promise<void> = Promise.resolve();
/** /health/startup once started: the startup checks are not run again. */
const NO_CHECKS: CheckReport = Object.freeze({ healthy: true, failed: Object.freeze([]), results: Object.freeze([]) });

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
  /** `markReady()` was called and every startup check has passed once. */
  readonly started: boolean;
  /** `close()` was called: readiness answers 503 (`reason: "shutting_down"`). */
  readonly shuttingDown: boolean;
  /** Names of the registered readiness checks. */
  readonly checkNames: readonly string[];
  /** Runs (or reuses) the readiness checks, as /health/ready would. */
  checkReadiness(): Promise<CheckReport>;
  /**
   * Readiness 503 (`reason: "shutting_down"`) from now on, liveness still 200, and the mounted
   * routes detached (their streams end). Close your own server after it. Calling it again returns
   * the same promise.
   */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The handler's state and routing; `createHealthHandler()` wraps it in a function. */
export class HealthRequestHandler {
  readonly config: HealthConfig;
  readonly state: ProbeState;
  readonly #metrics: MetricsEndpoint;
  readonly #routes: MountedRoutes;
  /** Probe paths to endpoints: a request for a path as written (no query string) is found without parsing. */
  readonly #probes: ReadonlyMap<string, ProbeKind>;
  readonly #live = new PerSecondReply<undefined>((_none, now) => liveBody(Math.floor(process.uptime()), isoTimestamp(now)));
  readonly #ready = new PerSecondReply<CheckReport>((report, now) => readyBody(report, isoTimestamp(now)));
  #routesDetached = false;

  constructor(config: HealthConfig) {
    this.config = config;
    this.state = new ProbeState(config);
    const token = config.metricsToken;
    const auth = token !== undefined ? { verify: bearerTokenVerifier(token), cookie: routeCookie(token) } : undefined;
    this.#metrics = new MetricsEndpoint(config, this.state.checks, auth?.verify);
    this.#routes = new MountedRoutes(config.routes, auth);
    this.#probes = new Map(Object.entries(config.paths).map(([kind, path]) => [path, kind as ProbeKind]));
    this.#routes.attach({ readiness: (maxAgeMs) => this.state.checks.run(maxAgeMs) });
  }

  handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void {
    const url = req.url ?? '/';
    const kind = this.#probes.get(url) ?? this.#probes.get(pathOf(url));
    if (kind === undefined) {
      this.#notAProbe(req, res, next);
      return;
    }
    // Served in the app's own server, a probe or /metrics is still the toolkit's, not the app's traffic.
    markToolkitRequest(req);
    const method = req.method;
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      this.#methodNotAllowed(res, method, pathOf(url));
      return;
    }
    try {
      this.#serveProbe(kind, req, res, head);
    } catch (error) {
      this.#fail(res, error);
    }
  }

  /** Readiness 503 from now on; the routes stay attached until `detachRoutes()`. */
  beginShutdown(): void {
    this.state.beginShutdown();
  }

  /** Detaches the mounted routes (their streams end, their timers stop); only the first call does. */
  detachRoutes(): void {
    if (this.#routesDetached) return;
    this.#routesDetached = true;
    this.#routes.detach();
  }

  close(): Promise<void> {
    this.beginShutdown();
    this.detachRoutes();
    return CLOSED;
  }

  #serveProbe(kind: ProbeKind, req: IncomingMessage, res: ServerResponse, head: boolean): void {
    switch (kind) {
      case 'live':
        this.#live.write(res, head, undefined);
        return;
      case 'health':
        send(res, 200, healthBody(isoTimestamp()), head);
        return;
      case 'ready': {
        // Fast path: started, ready, checks fresh in the cache (or none): answer without a promise.
        const report = this.state.serving ? this.state.checks.cached() : undefined;
        if (report) this.#answerReady(res, head, report);
        else this.#serveReady(res, head).catch((error: unknown) => this.#fail(res, error));
        return;
      }
      case 'startup':
        this.#serveStartup(res, head).catch((error: unknown) => this.#fail(res, error));
        return;
      case 'metrics':
        this.#metrics.serve(req, res, head).catch((error: unknown) => this.#fail(res, error));
    }
  }

  async #serveReady(res: ServerResponse, head: boolean): Promise<void> {
    const reason = await this.state.notReadyReason();
    if (reason !== undefined) {
      send(res, 503, notReadyBody(reason, isoTimestamp()), head);
      return;
    }
    const report = this.state.checks.cached() ?? (await this.state.checks.run());
    // Shutdown may have begun while the checks ran: it wins.
    if (this.state.shuttingDown) send(res, 503, notReadyBody('shutting_down', isoTimestamp()), head);
    else this.#answerReady(res, head, report);
  }

  #answerReady(res: ServerResponse, head: boolean, report: CheckReport): void {
    if (report.healthy) this.#ready.write(res, head, report);
    else send(res, 503, notReadyBody('checks_failed', isoTimestamp(), report), head);
  }

  async #serveStartup(res: ServerResponse, head: boolean): Promise<void> {
    // Once started, stays started: the startup checks are not run again.
    const report = this.state.started ? NO_CHECKS : await this.state.evaluateStartup();
    const started = this.state.started;
    send(res, started ? 200 : 503, startupBody(started, this.state.waitingFor(report), report, isoTimestamp()), head);
  }

  /** Not a probe: a route a plugin mounted (the status page), else the next handler or a 404. */
  #notAProbe(req: IncomingMessage, res: ServerResponse, next: (() => void) | undefined): void {
    const path = pathOf(req.url);
    const route = this.#routes.find(path);
    if (route) {
      markToolkitRequest(req);
      const method = req.method;
      if (method !== 'GET' && method !== 'HEAD') {
        this.#methodNotAllowed(res, method, path);
        return;
      }
      try {
        this.#routes.serve(route, req, res, method === 'HEAD');
      } catch (error) {
        this.#fail(res, error);
      }
      return;
    }
    if (next) {
      next();
      return;
    }
    // With no next handler this handler is the whole server: the toolkit's.
    markToolkitRequest(req);
    const known = [[...this.#probes.keys()].join(', '), ...this.#routes.paths].join(', ');
    send(res, 404, errorBody('not_found', `no endpoint at ${path}; try ${known}`), req.method === 'HEAD');
  }

  #methodNotAllowed(res: ServerResponse, method: string | undefined, path: string): void {
    const message = `${String(method)} is not allowed on ${path}; use GET or HEAD`;
    send(res, 405, errorBody('method_not_allowed', message), false, JSON_TYPE, { allow: ALLOW });
  }

  #fail(res: ServerResponse, error: unknown): void {
    log.error('health handler failed', { error: errorText(error) });
    if (!res.headersSent) send(res, 500, errorBody('internal_error', 'the health endpoint failed; see the sightline.health log'), false);
    else res.destroy();
  }
}

/** The public, callable face of a handler: a function that serves, with the handler's methods on it. */
export function callableHandler(core: HealthRequestHandler): HealthHandler {
  const { state } = core;
  const handler = (req: IncomingMessage, res: ServerResponse, next?: () => void): void => core.handle(req, res, next);
  const close = (): Promise<void> => core.close();
  return Object.defineProperties(handler, {
    markReady: { value: () => state.markReady() },
    markNotReady: { value: () => state.markNotReady() },
    addCheck: { value: (check: HealthCheck) => state.addCheck(check) },
    removeCheck: { value: (name: string) => state.checks.remove(name) },
    started: { get: () => state.started, enumerable: true },
    shuttingDown: { get: () => state.shuttingDown, enumerable: true },
    checkNames: { get: () => state.checks.names, enumerable: true },
    checkReadiness: { value: () => state.checks.run() },
    close: { value: close },
    [asyncDispose]: { value: close },
  }) as HealthHandler;
}

/** Builds the handler. Options are validated once, here; bad ones throw `HealthConfigError`. */
export function createHealthHandler(options: HealthHandlerOptions = {}): HealthHandler {
  return callableHandler(new HealthRequestHandler(resolveHandlerConfig(options)));
}
