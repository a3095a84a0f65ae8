// Options, their defaults in one place, environment overrides and validation (once, at construction).
import type { HealthCheck, HttpRoute, MetricsSource, Sensor } from '@sightline/core';
import { HealthConfigError } from './errors.js';

export const ENV_HEALTH_PORT = 'SIGHTLINE_HEALTH_PORT';
export const ENV_HEALTH_HOST = 'SIGHTLINE_HEALTH_HOST';
export const ENV_ENABLE_METRICS = 'SIGHTLINE_ENABLE_METRICS';
export const ENV_METRICS_TOKEN = 'SIGHTLINE_METRICS_TOKEN';

/** At most `max` requests to /metrics per `windowMs` (a fixed window shared by all clients). */
export interface RateLimitOptions {
  readonly max: number;
  readonly windowMs: number;
}

export type ShutdownSignal = NodeJS.Signals;

export interface HealthHandlerOptions {
  /** Readiness checks, run concurrently on /health/ready. More can be added with `addCheck()`. */
  readonly checks?: readonly HealthCheck[];
  /** Checks that must all pass once before the service counts as started (/health/startup). */
  readonly startupChecks?: readonly HealthCheck[];
  /** Start already marked ready, so only `startupChecks` gate startup. Default false: call `markReady()`. */
  readonly ready?: boolean;
  /** What /metrics serves. Without it, /metrics serves the JSON fallback. */
  readonly metrics?: MetricsSource;
  /** Serve /metrics at all. Default true; `SIGHTLINE_ENABLE_METRICS` overrides. */
  readonly enableMetrics?: boolean;
  /** Figures for the JSON fallback, by name (a Plugin context's `snapshot()`). */
  readonly snapshot?: () => Readonly<Record<string, unknown>>;
  /** Sensors whose `asDict()` joins the JSON fallback, by name. */
  readonly sensors?: Readonly<Record<string, Sensor>>;
  /** How long check results are reused, in ms, so frequent probes do not hammer dependencies. Default 1000. */
  readonly cacheMs?: number;
  /** Timeout of a check that sets none itself, in ms. Default 1000. */
  readonly checkTimeoutMs?: number;
  /** Bearer token required on /metrics. `SIGHTLINE_METRICS_TOKEN` overrides. Default: none. */
  readonly metricsToken?: string;
  /** Rate limit on /metrics (429 past it); `false` turns it off. Default 10 per 1000 ms. */
  readonly metricsRateLimit?: RateLimitOptions | false;
  /** Longest time to receive a request or render /metrics, in ms. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** Where environment overrides are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** More pages served under their own path prefix (a plugin's `routes`, e.g. the status page at /status). */
  readonly routes?: readonly HttpRoute[];
}

export interface HealthServerOptions extends HealthHandlerOptions {
  /** Default 8080; `SIGHTLINE_HEALTH_PORT` overrides. 0 picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1` (loopback only); `SIGHTLINE_HEALTH_HOST` overrides. Use `0.0.0.0` in a pod. */
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

export interface ResolvedHandlerConfig {
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

function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new HealthConfigError(`${name} must be a non-negative integer number of milliseconds, got ${describe(value)}`);
  }
  return value;
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new HealthConfigError(`${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function validateCheck(check: unknown, where: string): HealthCheck {
  const c = check as Partial<HealthCheck> | null;
  if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || c.name.length === 0 || typeof c.check !== 'function') {
    throw new HealthConfigError(`${where} must be a HealthCheck { name: non-empty string, check(): Promise<HealthResult> }, got ${describe(check)}`);
  }
  if (c.timeoutMs !== undefined) nonNegativeInt(`${where}.timeoutMs (check "${c.name}")`, c.timeoutMs, 0);
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

/** Parses a boolean environment variable: true/false, 1/0, yes/no, on/off (any case). */
export function parseBooleanEnv(name: string, raw: string): boolean {
  const text = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new HealthConfigError(`${name} must be one of true, false, 1, 0, yes, no, on, off, got ${JSON.stringify(raw)}`);
}

export function parsePort(name: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new HealthConfigError(`${name} must be an integer port from 0 to 65535, got ${describe(value)}`);
  }
  return n;
}

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

const RESERVED_PREFIXES = ['/health', '/metrics'];

function routeList(value: unknown): readonly HttpRoute[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HealthConfigError(`routes must be an array of routes ({ path, auth, handle }), got ${describe(value)}`);
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

export function resolveHandlerConfig(options: HealthHandlerOptions = {}): ResolvedHandlerConfig {
  if (typeof options !== 'object' || options === null) {
    throw new HealthConfigError(`health options must be an object, got ${describe(options)}`);
  }
  const env = options.env ?? process.env;

  let enableMetrics = options.enableMetrics ?? true;
  if (typeof enableMetrics !== 'boolean') throw new HealthConfigError(`enableMetrics must be a boolean, got ${describe(enableMetrics)}`);
  const enableEnv = envValue(env, ENV_ENABLE_METRICS);
  if (enableEnv !== undefined) enableMetrics = parseBooleanEnv(ENV_ENABLE_METRICS, enableEnv);

  const metrics = options.metrics;
  if (metrics !== undefined && (typeof metrics !== 'object' || metrics === null || typeof metrics.render !== 'function')) {
    throw new HealthConfigError(`metrics must be a MetricsSource { contentType, render() }, got ${describe(metrics)}`);
  }

  const metricsToken: unknown = envValue(env, ENV_METRICS_TOKEN) ?? options.metricsToken;
  if (metricsToken !== undefined && (typeof metricsToken !== 'string' || metricsToken.length === 0 || /\s/.test(metricsToken))) {
    // Never echo the token itself.
    throw new HealthConfigError('metricsToken must be a non-empty string without whitespace');
  }

  let metricsRateLimit: RateLimitOptions | false = DEFAULTS.metricsRateLimit;
  if (options.metricsRateLimit === false) metricsRateLimit = false;
  else if (options.metricsRateLimit !== undefined) {
    const r = options.metricsRateLimit as Partial<RateLimitOptions> | null;
    if (typeof r !== 'object' || r === null) {
      throw new HealthConfigError(`metricsRateLimit must be { max, windowMs } or false, got ${describe(r)}`);
    }
    metricsRateLimit = Object.freeze({
      max: positiveInt('metricsRateLimit.max', r.max),
      windowMs: positiveInt('metricsRateLimit.windowMs', r.windowMs),
    });
  }

  if (options.snapshot !== undefined && typeof options.snapshot !== 'function') {
    throw new HealthConfigError(`snapshot must be a function returning an object, got ${describe(options.snapshot)}`);
  }
  const sensors = options.sensors ?? {};
  if (typeof sensors !== 'object' || sensors === null) {
    throw new HealthConfigError(`sensors must be an object of Sensors by name, got ${describe(sensors)}`);
  }
  if (options.ready !== undefined && typeof options.ready !== 'boolean') {
    throw new HealthConfigError(`ready must be a boolean, got ${describe(options.ready)}`);
  }

  const requestTimeoutMs = nonNegativeInt('requestTimeoutMs', options.requestTimeoutMs, DEFAULTS.requestTimeoutMs);
  if (requestTimeoutMs === 0) throw new HealthConfigError('requestTimeoutMs must be at least 1 ms, got 0');

  return Object.freeze({
    checks: checkList('checks', options.checks),
    startupChecks: checkList('startupChecks', options.startupChecks),
    ready: options.ready ?? false,
    metrics,
    enableMetrics,
    snapshot: options.snapshot,
    sensors,
    cacheMs: nonNegativeInt('cacheMs', options.cacheMs, DEFAULTS.cacheMs),
    checkTimeoutMs: nonNegativeInt('checkTimeoutMs', options.checkTimeoutMs, DEFAULTS.checkTimeoutMs),
    metricsToken: metricsToken as string | undefined,
    metricsRateLimit,
    requestTimeoutMs,
    routes: routeList(options.routes),
  });
}

export function resolveServerConfig(options: HealthServerOptions = {}): ResolvedServerConfig {
  const base = resolveHandlerConfig(options);
  const env = options.env ?? process.env;

  const portEnv = envValue(env, ENV_HEALTH_PORT);
  const port = portEnv !== undefined ? parsePort(ENV_HEALTH_PORT, portEnv) : parsePort('port', options.port ?? DEFAULTS.port);

  const hostEnv = envValue(env, ENV_HEALTH_HOST);
  const host = hostEnv !== undefined ? hostEnv.trim() : (options.host ?? DEFAULTS.host);
  if (typeof host !== 'string' || host.length === 0 || /\s/.test(host)) {
    throw new HealthConfigError(`${hostEnv !== undefined ? ENV_HEALTH_HOST : 'host'} must be a host name or IP address, got ${describe(host)}`);
  }

  const inKubernetes = typeof env.KUBERNETES_SERVICE_HOST === 'string' && env.KUBERNETES_SERVICE_HOST.length > 0;
  const shutdownDelayMs = nonNegativeInt('shutdownDelayMs', options.shutdownDelayMs, inKubernetes ? DEFAULTS.kubernetesShutdownDelayMs : 0);
  const shutdownTimeoutMs = nonNegativeInt('shutdownTimeoutMs', options.shutdownTimeoutMs, DEFAULTS.shutdownTimeoutMs);

  const signals = options.signals ?? DEFAULTS.signals;
  if (!Array.isArray(signals) || signals.some((s) => typeof s !== 'string' || !/^SIG[A-Z0-9]+$/.test(s))) {
    throw new HealthConfigError(`signals must be an array of signal names such as ["SIGTERM", "SIGINT"], got ${describe(signals)}`);
  }
  if (options.exitProcess !== undefined && typeof options.exitProcess !== 'boolean') {
    throw new HealthConfigError(`exitProcess must be a boolean, got ${describe(options.exitProcess)}`);
  }

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
