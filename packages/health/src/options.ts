// The health server's options, each declared once (type, default, SIGHTLINE_HEALTH_* variable and
// doc line), and the one function that resolves them: options in code > environment > defaults.
import { constants } from 'node:os';
import type { HealthCheck, HttpRoute, MetricsSource, Sensor } from '@sightline/core';
import {
  defineShape,
  opt,
  resolveOptions,
  validateOptions,
  type OptionsErrorFactory,
  type OptionsOf,
  type ResolvedOf,
} from '@sightline/core/internal';
import { checkList } from './check-list.js';
import { HealthConfigError } from './errors.js';
import type { CacheFigures, QueueFigures } from './responses.js';
import { routeList } from './route-list.js';

const healthError: OptionsErrorFactory = (message, details) => new HealthConfigError(message, details);

const probePath = (fallback: string, what: string) =>
  opt.string({
    default: fallback,
    check: (v: string) => (/^\/[^\s?#]*$/.test(v) ? undefined : 'expected a path starting with "/", without spaces, "?" or "#"'),
    doc: `Where ${what} is served.`,
  });

/** Where each endpoint is served; unnamed ones keep their defaults. */
export const HEALTH_PATHS_SHAPE = defineShape({
  health: probePath('/health', '`/health` (the process answers)'),
  live: probePath('/health/live', 'liveness'),
  ready: probePath('/health/ready', 'readiness'),
  startup: probePath('/health/startup', 'the startup probe'),
  metrics: probePath('/metrics', '`/metrics`'),
});

/** The endpoints the handler serves. */
export type ProbeKind = keyof typeof HEALTH_PATHS_SHAPE;

/** The rate limit on /metrics: a fixed window shared by all clients (see the `metricsRateLimit` option). */
export const RATE_LIMIT_SHAPE = defineShape({
  max: opt.integer({ min: 1, default: 10, doc: 'Requests allowed per window.' }),
  windowMs: opt.integer({ min: 1, default: 1000, doc: "The window's length, in milliseconds." }),
});

/** At most `max` requests to /metrics per `windowMs` (a fixed window shared by all clients). */
export type RateLimitOptions = OptionsOf<typeof RATE_LIMIT_SHAPE>;

/** A signal that starts a graceful shutdown, e.g. `SIGTERM`. */
export type ShutdownSignal = NodeJS.Signals;

const SIGNAL_NAMES = Object.freeze(Object.keys(constants.signals) as ShutdownSignal[]);

const isMetricsSource = (v: { render?: unknown } | null): string | undefined =>
  typeof v === 'object' && v !== null && typeof v.render === 'function' ? undefined : 'expected a MetricsSource { contentType, render() }';

const isObject = (v: unknown): string | undefined => (typeof v === 'object' && v !== null ? undefined : 'expected an object');

const noWhitespace = (problem: string) => (v: string) => (v.length === 0 || /\s/.test(v) ? problem : undefined);

/** `createHealthHandler()`'s options (the server's take these and more). */
export const HEALTH_HANDLER_SHAPE = defineShape({
  checks: opt.array(opt.any<HealthCheck>(), {
    default: [],
    expected: 'an array of HealthChecks',
    doc: 'Readiness checks, run concurrently on /health/ready; add more with `addCheck()`, remove with `removeCheck(name)`.',
  }),
  startupChecks: opt.array(opt.any<HealthCheck>(), {
    default: [],
    expected: 'an array of HealthChecks',
    doc: 'Checks that must all pass once before the service counts as started (/health/startup).',
  }),
  ready: opt.boolean({ default: false, doc: 'Start already marked ready, so only `startupChecks` gate startup.' }),
  metrics: opt.any<MetricsSource>({
    check: isMetricsSource,
    expected: 'a MetricsSource',
    doc: 'What /metrics serves; without it, the JSON fallback.',
  }),
  enableMetrics: opt.boolean({ default: true, doc: 'Serve /metrics at all.' }),
  snapshot: opt.function<() => Readonly<Record<string, unknown>>>({
    doc: "Figures for the JSON fallback, by name (a plugin context's `snapshot()`).",
  }),
  cache: opt.function<() => CacheFigures>({
    doc: "The JSON fallback's `cache` section, as pyWATS's (`enabled`, `size`, `max_size`, `hit_rate`, `total_requests`, `hits`, `misses`, `evictions`): a function returning `{ hits, misses, evictions?, size?, maxSize?, enabled? }`, e.g. a prometheus `CacheRecorder`'s `stats`.",
  }),
  queue: opt.function<() => QueueFigures>({
    doc: "The JSON fallback's `queue` section, as pyWATS's (`size`, `active_workers`, `total_processed`): a function returning `{ depth, activeWorkers, processed }`, e.g. a prometheus `QueueRecorder`'s `stats`.",
  }),
  sensors: opt.record(opt.any<Sensor>(), {
    env: false,
    default: {},
    expected: 'an object of Sensors by name',
    doc: 'Sensors whose `asDict()` joins the JSON fallback, by name.',
  }),
  cacheMs: opt.integer({
    min: 0,
    default: 1000,
    doc: 'How long check results are reused, so frequent probes do not hammer dependencies; 0 runs them on every probe.',
  }),
  checkTimeoutMs: opt.integer({ min: 0, default: 1000, doc: 'Timeout of a check that sets no `timeoutMs` of its own.' }),
  // Never echoed: it is a secret.
  metricsToken: opt.string({
    secret: true,
    check: noWhitespace('must be a non-empty string without whitespace'),
    doc: 'Bearer token required on /metrics (compared timing-safe; never logged).',
  }),
  metricsRateLimit: opt.oneOf([opt.enum([false]), opt.object(RATE_LIMIT_SHAPE)], {
    default: { max: 10, windowMs: 1000 },
    doc:
      'A fixed window on /metrics (429 with `Retry-After` past it); `false` turns it off. With `metricsToken`, only requests ' +
      'carrying the token share it (checked first: requests without it never limit the scraper, even from its address), and failed token attempts get `max` per window per client address.',
  }),
  requestTimeoutMs: opt.integer({ min: 1, default: 10_000, doc: 'Longest time to receive a request (408) or render /metrics (503).' }),
  paths: opt.object(HEALTH_PATHS_SHAPE, {
    default: {},
    doc: "Where each endpoint is served, e.g. `{ live: '/livez', ready: '/readyz' }`.",
  }),
  env: opt.any<Readonly<Record<string, string | undefined>>>({
    check: isObject,
    expected: 'an object of variables',
    defaultText: '`process.env`',
    doc: 'Where `SIGHTLINE_HEALTH_*` variables (and `KUBERNETES_SERVICE_HOST`) are read.',
  }),
  routes: opt.array(opt.any<HttpRoute>(), {
    env: false,
    default: [],
    expected: 'an array of HttpRoutes',
    doc: 'More pages (core `HttpRoute`s) served under their path prefix, e.g. the status page at /status.',
  }),
});

/** `createHealthServer()`'s options, and the `health()` plugin's. */
export const HEALTH_SERVER_SHAPE = defineShape({
  ...HEALTH_HANDLER_SHAPE,
  port: opt.integer({ min: 0, max: 65535, default: 8080, doc: 'Port to listen on; 0 picks a free one (see `.port`, `.url`).' }),
  host: opt.string({
    default: '127.0.0.1',
    check: noWhitespace('expected a host name or IP address'),
    doc: 'Interface to bind: loopback only by default; `0.0.0.0` in a pod.',
  }),
  maxConnections: opt.integer({
    min: 1,
    default: 1000,
    doc: 'Connections open at once; more are closed as they arrive, counted (`connectionsRefused`) and logged once, so idle or half-open sockets cannot use up file descriptors.',
  }),
  shutdownDelayMs: opt.integer({
    min: 0,
    defaultText: '5000 under Kubernetes (`KUBERNETES_SERVICE_HOST` set), else 0',
    doc: 'How long readiness answers 503 before anything closes, so load balancers stop sending traffic.',
  }),
  shutdownTimeoutMs: opt.integer({
    min: 0,
    default: 10_000,
    doc: 'Limit on the shutdown handlers plus closing, after the delay; past it connections are cut (exit status 1).',
  }),
  signals: opt.array(opt.enum(SIGNAL_NAMES, { expected: 'a signal name such as "SIGTERM"' }), {
    default: ['SIGTERM', 'SIGINT'],
    expected: 'an array of signal names such as ["SIGTERM"]',
    doc: 'Signals that start the graceful shutdown; `[]` handles none.',
  }),
  exitProcess: opt.boolean({
    default: true,
    doc: 'Exit after a signal-started shutdown: 0, or 1 past `shutdownTimeoutMs`. A third signal exits at once with 128 + its number.',
  }),
});

/**
 * Options of `createHealthHandler()`; checked once by core's options rule (unknown keys are errors,
 * `SIGHTLINE_HEALTH_<SETTING>` variables apply).
 */
export type HealthHandlerOptions = OptionsOf<typeof HEALTH_HANDLER_SHAPE>;

/**
 * Options of `createHealthServer()` and the `health()` plugin: the handler's options plus where to listen and
 * how to shut down.
 */
export type HealthServerOptions = OptionsOf<typeof HEALTH_SERVER_SHAPE>;

/** The options a handler and a server run with: defaults applied, checks and routes checked. */
export type HealthConfig = Omit<ResolvedOf<typeof HEALTH_SERVER_SHAPE>, 'shutdownDelayMs' | 'signals'> & {
  readonly shutdownDelayMs: number;
  readonly signals: readonly ShutdownSignal[];
};

/** The variables `SIGHTLINE_HEALTH_MONITOR_*` belong to the healthMonitor plugin, not to health. */
const OTHER_PACKAGES = ['HEALTH_MONITOR'];

/** Inside Kubernetes the endpoints controller and kube-proxy need a few seconds to drop the pod. */
const KUBERNETES_SHUTDOWN_DELAY_MS = 5000;

function inKubernetes(env: Readonly<Record<string, string | undefined>>): boolean {
  const host = env['KUBERNETES_SERVICE_HOST'];
  return typeof host === 'string' && host.length > 0;
}

function uniquePaths(paths: HealthConfig['paths']): void {
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
}

/**
 * The options a server (`shape` the server's) or a handler (the handler's: its options in code
 * are checked against its own keys) runs with: code over SIGHTLINE_HEALTH_* over defaults. The
 * environment is always read by the server's shape, so a handler ignores SIGHTLINE_HEALTH_PORT
 * rather than refusing it.
 */
export function resolveHealthConfig(
  options: HealthServerOptions | undefined,
  source: string,
  shape: typeof HEALTH_HANDLER_SHAPE | typeof HEALTH_SERVER_SHAPE = HEALTH_SERVER_SHAPE,
): HealthConfig {
  if (shape === HEALTH_HANDLER_SHAPE) validateOptions(shape, options, { source, error: healthError });
  const env = options?.env ?? process.env;
  const resolved = resolveOptions(HEALTH_SERVER_SHAPE, options, {
    source,
    error: healthError,
    package: 'health',
    env,
    otherPackages: OTHER_PACKAGES,
  });
  uniquePaths(resolved.paths);
  return Object.freeze({
    ...resolved,
    checks: checkList('checks', resolved.checks),
    startupChecks: checkList('startupChecks', resolved.startupChecks),
    routes: routeList(resolved.routes),
    shutdownDelayMs: resolved.shutdownDelayMs ?? (inKubernetes(env) ? KUBERNETES_SHUTDOWN_DELAY_MS : 0),
    signals: Object.freeze([...new Set(resolved.signals)]),
  });
}

/** `createHealthHandler()`'s options resolved. */
export function resolveHandlerConfig(options: HealthHandlerOptions = {}, source = 'createHealthHandler()'): HealthConfig {
  return resolveHealthConfig(options, source, HEALTH_HANDLER_SHAPE);
}

/** `createHealthServer()`'s (and `health()`'s) options resolved. */
export function resolveServerConfig(options: HealthServerOptions = {}, source = 'createHealthServer()'): HealthConfig {
  return resolveHealthConfig(options, source, HEALTH_SERVER_SHAPE);
}
