// Options, their defaults in one place, SIGHTLINE_HEALTH_* variables and validation (once, at
// construction), by core's one rule: options in code > environment > defaults.
import type { HealthCheck, HttpRoute, MetricsSource, Sensor } from '@sightline/core';
import {
  mergeOptions,
  opt,
  readEnvOptions,
  validateField,
  validateOptions,
  type OptionsErrorFactory,
  type Shape,
} from '@sightline/core/internal';
import { HealthConfigError } from './errors.js';

export const ENV_HEALTH_PORT = 'SIGHTLINE_HEALTH_PORT';
export const ENV_HEALTH_HOST = 'SIGHTLINE_HEALTH_HOST';
export const ENV_ENABLE_METRICS = 'SIGHTLINE_HEALTH_ENABLE_METRICS';
export const ENV_METRICS_TOKEN = 'SIGHTLINE_HEALTH_METRICS_TOKEN';

/** At most `max` requests to /metrics per `windowMs` (a fixed window shared by all clients). */
export interface RateLimitOptions {
  /** Requests allowed per window. Default 10. */
  readonly max: number;
  /** The window's length, in milliseconds. Default 1000. */
  readonly windowMs: number;
}

/** A signal that starts a graceful shutdown, e.g. `SIGTERM`. */
export type ShutdownSignal = NodeJS.Signals;

/**
 * Options of `createHealthHandler()`; checked once by core's options rule (unknown keys are errors,
 * `SIGHTLINE_HEALTH_<SETTING>` variables apply).
 */
export interface HealthHandlerOptions {
  /** Readiness checks, run concurrently on /health/ready. More can be added with `addCheck()`. */
  readonly checks?: readonly HealthCheck[];
  /** Checks that must all pass once before the service counts as started (/health/startup). */
  readonly startupChecks?: readonly HealthCheck[];
  /** Start already marked ready, so only `startupChecks` gate startup. Default false: call `markReady()`. */
  readonly ready?: boolean;
  /** What /metrics serves. Without it, /metrics serves the JSON fallback. */
  readonly metrics?: MetricsSource;
  /** Serve /metrics at all. Default true; `SIGHTLINE_HEALTH_ENABLE_METRICS` when not given. */
  readonly enableMetrics?: boolean;
  /** Figures for the JSON fallback, by name (a Plugin context's `snapshot()`). */
  readonly snapshot?: () => Readonly<Record<string, unknown>>;
  /** Sensors whose `asDict()` joins the JSON fallback, by name. */
  readonly sensors?: Readonly<Record<string, Sensor>>;
  /** How long check results are reused, in ms, so frequent probes do not hammer dependencies. Default 1000. */
  readonly cacheMs?: number;
  /** Timeout of a check that sets none itself, in ms. Default 1000. */
  readonly checkTimeoutMs?: number;
  /** Bearer token required on /metrics. `SIGHTLINE_HEALTH_METRICS_TOKEN` when not given. Default: none. */
  readonly metricsToken?: string;
  /** Rate limit on /metrics (429 past it); `false` turns it off. Default 10 per 1000 ms. */
  readonly metricsRateLimit?: RateLimitOptions | false;
  /** Longest time to receive a request or render /metrics, in ms. Default 10000. */
  readonly requestTimeoutMs?: number;
  /**
   * Where each endpoint is served, for probes configured elsewhere (terminus-style custom paths):
   * `{ live: '/livez', ready: '/readyz' }`. Unnamed ones keep their defaults (`HEALTH_PATHS`).
   */
  readonly paths?: Readonly<Partial<Record<ProbeKind, string>>>;
  /** Where SIGHTLINE_HEALTH_* variables are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** More pages served under their own path prefix (a plugin's `routes`, e.g. the status page at /status). */
  readonly routes?: readonly HttpRoute[];
}

/**
 * Options of `createHealthServer()` and the `health()` plugin: the handler's options plus where to listen and
 * how to shut down.
 */
export interface HealthServerOptions extends HealthHandlerOptions {
  /** Default 8080; `SIGHTLINE_HEALTH_PORT` when not given. 0 picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1` (loopback only); `SIGHTLINE_HEALTH_HOST` when not given. Use `0.0.0.0` in a pod. */
  readonly host?: string;
  /** Wait after a signal, with readiness 503, before closing, so load balancers notice. Default 5000 in Kubernetes, else 0. */
  readonly shutdownDelayMs?: number;
  /** Limit on shutdown handlers plus closing the server, after the delay. Default 10000. */
  readonly shutdownTimeoutMs?: number;
  /** Signals that start a graceful shutdown. Default `['SIGTERM', 'SIGINT']`; `[]` handles none. */
  readonly signals?: readonly ShutdownSignal[];
  /** Exit the process after a signal-started shutdown (0, or 1 past the timeout). Default true. */
  readonly exitProcess?: boolean;
}

/** The endpoints the handler serves. */
export type ProbeKind = 'health' | 'live' | 'ready' | 'startup' | 'metrics';

export const DEFAULT_PATHS: Readonly<Record<ProbeKind, string>> = Object.freeze({
  health: '/health',
  live: '/health/live',
  ready: '/health/ready',
  startup: '/health/startup',
  metrics: '/metrics',
});

export interface ResolvedHandlerConfig {
  readonly paths: Readonly<Record<ProbeKind, string>>;
  readonly checks: readonly HealthCheck[];
  readonly startupChecks: readonly HealthCheck[];
  readonly ready: boolean;
  readonly metrics: MetricsSource | undefined;
  readonly enableMetrics: boolean;
  readonly snapshot: (() => Readonly<Record<string, unknown>>) | undefined;
  readonly sensors: Readonly<Record<string, Sensor>>;
  readonly cacheMs: number;
  readonly checkTimeoutMs: number;
  readonly metricsToken: string | undefined;
  readonly metricsRateLimit: RateLimitOptions | false;
  readonly requestTimeoutMs: number;
  readonly routes: readonly HttpRoute[];
}

export interface ResolvedServerConfig extends ResolvedHandlerConfig {
  readonly port: number;
  readonly host: string;
  readonly shutdownDelayMs: number;
  readonly shutdownTimeoutMs: number;
  readonly signals: readonly ShutdownSignal[];
  readonly exitProcess: boolean;
}

export const DEFAULTS = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  cacheMs: 1000,
  checkTimeoutMs: 1000,
  requestTimeoutMs: 10_000,
  metricsRateLimit: Object.freeze({ max: 10, windowMs: 1000 }),
  kubernetesShutdownDelayMs: 5000,
  shutdownTimeoutMs: 10_000,
  signals: Object.freeze(['SIGTERM', 'SIGINT'] as const),
});

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const healthError: OptionsErrorFactory = (message, details) => new HealthConfigError(message, details);

const isMetricsSource = (v: { render?: unknown } | null): string | undefined =>
  typeof v === 'object' && v !== null && typeof v.render === 'function' ? undefined : 'expected a MetricsSource { contentType, render() }';

/** createHealthHandler()'s options; the variables the package reads come from HEALTH_SERVER_SHAPE. */
export const HEALTH_HANDLER_SHAPE: Shape = Object.freeze({
  checks: opt.array(opt.any()),
  startupChecks: opt.array(opt.any()),
  ready: opt.boolean(),
  metrics: opt.any({ check: isMetricsSource }),
  enableMetrics: opt.boolean(),
  snapshot: opt.function(),
  sensors: opt.record(opt.any(), { env: false }),
  cacheMs: opt.integer({ min: 0 }),
  checkTimeoutMs: opt.integer({ min: 0 }),
  // Never echoed: it is a secret.
  metricsToken: opt.string({
    secret: true,
    check: (v: string) => (v.length === 0 || /\s/.test(v) ? 'must be a non-empty string without whitespace' : undefined),
  }),
  metricsRateLimit: opt.oneOf([
    opt.enum([false]),
    opt.object({ max: opt.integer({ min: 1, required: true }), windowMs: opt.integer({ min: 1, required: true }) }),
  ]),
  requestTimeoutMs: opt.integer({ min: 1 }),
  paths: opt.object(
    Object.fromEntries(
      Object.keys(DEFAULT_PATHS).map((kind) => [
        kind,
        opt.string({
          check: (v: string) => (/^\/[^\s?#]*$/.test(v) ? undefined : 'expected a path starting with "/", without spaces, "?" or "#"'),
        }),
      ]),
    ),
    { env: false },
  ),
  env: opt.any({ env: false }),
  routes: opt.array(opt.any(), { env: false }),
});

export const HEALTH_SERVER_SHAPE: Shape = Object.freeze({
  ...HEALTH_HANDLER_SHAPE,
  port: opt.integer({ min: 0, max: 65535 }),
  host: opt.string({ check: (v: string) => (v.length === 0 || /\s/.test(v) ? 'expected a host name or IP address' : undefined) }),
  shutdownDelayMs: opt.integer({ min: 0 }),
  shutdownTimeoutMs: opt.integer({ min: 0 }),
  signals: opt.array(
    opt.string({ check: (v: string) => (/^SIG[A-Z0-9]+$/.test(v) ? undefined : 'expected a signal name such as "SIGTERM"') }),
  ),
  exitProcess: opt.boolean(),
});

const HANDLER_KEYS = new Set(Object.keys(HEALTH_HANDLER_SHAPE));

/**
 * Options in code over SIGHTLINE_HEALTH_* over defaults: validated by core's one rule, the
 * environment read with the server's shape (the package's variables are the same for both).
 */
function withEnv(shape: Shape, options: HealthServerOptions | undefined, source: string): HealthServerOptions {
  validateOptions(shape, options, { source, error: healthError });
  const given = options ?? {};
  const env = given.env ?? process.env;
  // SIGHTLINE_HEALTH_MONITOR_* belongs to the healthMonitor plugin (@sightline/sensors), not to health.
  const fromEnv = readEnvOptions(HEALTH_SERVER_SHAPE, {
    package: 'health',
    env,
    packageKeys: ['HEALTH_MONITOR'],
    error: healthError,
  }).options;
  if (shape === HEALTH_HANDLER_SHAPE) for (const key of Object.keys(fromEnv)) if (!HANDLER_KEYS.has(key)) delete fromEnv[key];
  return mergeOptions(given as Record<string, unknown>, fromEnv) as HealthServerOptions;
}

export function validateCheck(check: unknown, where: string): HealthCheck {
  const c = check as Partial<HealthCheck> | null;
  if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || c.name.length === 0 || typeof c.check !== 'function') {
    throw new HealthConfigError(
      `${where} must be a HealthCheck { name: non-empty string, check(): Promise<HealthResult> }, got ${describe(check)}`,
    );
  }
  validateField(opt.integer({ min: 0 }), c.timeoutMs, `${where}.timeoutMs`, { source: `check "${c.name}"`, error: healthError });
  if (c.critical !== undefined && typeof c.critical !== 'boolean') {
    throw new HealthConfigError(`${where}.critical (check "${c.name}") must be a boolean, got ${describe(c.critical)}`);
  }
  return c as HealthCheck;
}

function checkList(name: string, value: unknown): readonly HealthCheck[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HealthConfigError(`${name} must be an array of HealthChecks, got ${describe(value)}`);
  const seen = new Set<string>();
  return Object.freeze(
    value.map((c, i) => {
      const check = validateCheck(c, `${name}[${i}]`);
      if (seen.has(check.name)) throw new HealthConfigError(`${name} has two checks named "${check.name}": names must be unique`);
      seen.add(check.name);
      return check;
    }),
  );
}

/** Parses a port given as a number or decimal text, naming `name` in the error. */
export function parsePort(name: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  validateField(opt.integer({ min: 0, max: 65535 }), n, name, { source: 'health', error: healthError });
  return n as number;
}

/** createHealthHandler()'s options resolved: code over SIGHTLINE_HEALTH_* over defaults. */
export function resolveHandlerConfig(given: HealthHandlerOptions = {}, source = 'createHealthHandler()'): ResolvedHandlerConfig {
  return handlerConfig(withEnv(HEALTH_HANDLER_SHAPE, given, source));
}

const RESERVED_PREFIXES = ['/health', '/metrics'];

function routeList(value: unknown): readonly HttpRoute[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new HealthConfigError(`routes must be an array of routes ({ path, auth, handle }), got ${describe(value)}`);
  const seen = new Set<string>();
  return Object.freeze(
    value.map((r: unknown, i) => {
      const route = r as Partial<HttpRoute> | null;
      if (typeof route !== 'object' || route === null || typeof route.handle !== 'function') {
        throw new HealthConfigError(`routes[${i}] must be a route { path, auth, handle(req, res) }, got ${describe(r)}`);
      }
      const path = route.path;
      if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(path)) {
        throw new HealthConfigError(`routes[${i}].path must be a path prefix such as "/status", got ${describe(path)}`);
      }
      if (RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) {
        throw new HealthConfigError(`routes[${i}].path ${describe(path)} is served by the health server itself; pick another prefix`);
      }
      if (route.auth !== 'metrics' && route.auth !== 'none') {
        throw new HealthConfigError(`routes[${i}].auth must be "metrics" or "none", got ${describe(route.auth)}`);
      }
      if (seen.has(path)) throw new HealthConfigError(`routes has two routes at "${path}": paths must be unique`);
      seen.add(path);
      return route as HttpRoute;
    }),
  );
}

function handlerConfig(options: HealthHandlerOptions): ResolvedHandlerConfig {
  const metricsRateLimit: RateLimitOptions | false =
    options.metricsRateLimit === undefined
      ? DEFAULTS.metricsRateLimit
      : options.metricsRateLimit === false
        ? false
        : Object.freeze({ ...options.metricsRateLimit });
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const enableMetrics = options.enableMetrics ?? true;
  const metrics = options.metrics;
  const sensors = options.sensors ?? {};
  const metricsToken = options.metricsToken;

  const paths = Object.freeze({ ...DEFAULT_PATHS, ...options.paths });
  const seen = new Map<string, string>();
  for (const [kind, path] of Object.entries(paths)) {
    const other = seen.get(path);
    if (other !== undefined) {
      throw new HealthConfigError(`invalid option \`paths.${kind}\`: "${path}" is already the ${other} path; each endpoint needs its own`, {
        kind: 'invalid',
        option: `paths.${kind}`,
        source: 'health',
        value: path,
      });
    }
    seen.set(path, kind);
  }

  return Object.freeze({
    paths,
    checks: checkList('checks', options.checks),
    startupChecks: checkList('startupChecks', options.startupChecks),
    ready: options.ready ?? false,
    metrics,
    enableMetrics,
    snapshot: options.snapshot,
    sensors,
    cacheMs: options.cacheMs ?? DEFAULTS.cacheMs,
    checkTimeoutMs: options.checkTimeoutMs ?? DEFAULTS.checkTimeoutMs,
    metricsToken: metricsToken as string | undefined,
    metricsRateLimit,
    requestTimeoutMs,
    routes: routeList(options.routes),
  });
}

/** createHealthServer()'s (and health()'s) options resolved: code over SIGHTLINE_HEALTH_* over defaults. */
export function resolveServerConfig(given: HealthServerOptions = {}, source = 'createHealthServer()'): ResolvedServerConfig {
  const options = withEnv(HEALTH_SERVER_SHAPE, given, source);
  const base = handlerConfig(options);
  const env = options.env ?? process.env;
  const port = options.port ?? DEFAULTS.port;
  const host = (options.host ?? DEFAULTS.host).trim();

  const inKubernetes = typeof env.KUBERNETES_SERVICE_HOST === 'string' && env.KUBERNETES_SERVICE_HOST.length > 0;
  const shutdownDelayMs = options.shutdownDelayMs ?? (inKubernetes ? DEFAULTS.kubernetesShutdownDelayMs : 0);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs;

  const signals = options.signals ?? DEFAULTS.signals;

  return Object.freeze({
    ...base,
    port,
    host,
    shutdownDelayMs,
    shutdownTimeoutMs,
    signals: Object.freeze([...new Set(signals)]),
    exitProcess: options.exitProcess ?? true,
  });
}
