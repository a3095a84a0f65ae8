// setup()'s options, their defaults, and the one place they are checked.
import { type Logger, type Plugin } from '@sightline/core';
import { opt, validateOptions, type Shape } from '@sightline/core/internal';
import { SetupConfigError } from './errors.js';

/** How long, in milliseconds, one plugin's `stop()` may take before setup abandons it: 5000. */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;
/** How long, in milliseconds, one plugin's `start()` may take before setup's `start()` rejects: 30000. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** From the signal to the forced exit: below Kubernetes' default 30 s grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
/** Inside Kubernetes, long enough for the endpoints controller and kube-proxy to drop the pod. */
export const KUBERNETES_SHUTDOWN_DELAY_MS = 5_000;
/** The signals setup listens for when `signals` is not given: SIGTERM and SIGINT. */
export const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGTERM', 'SIGINT']);

/** `shutdownDelayMs` when not given: 5000 when `KUBERNETES_SERVICE_HOST` is set, else 0. */
export function defaultShutdownDelayMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const host = env['KUBERNETES_SERVICE_HOST'];
  return typeof host === 'string' && host.trim() !== '' ? KUBERNETES_SHUTDOWN_DELAY_MS : 0;
}

/** Options of `setup()`; checked once by core's options rule (unknown keys are errors). */
export interface SetupOptions {
  /** The service's name, e.g. `orders`; given to every plugin (metric labels, span resources). */
  readonly service: string;
  /**
   * The service's version, e.g. `1.4.2`; given to every plugin (metric labels, span resources). No default.
   */
  readonly version?: string;
  /** e.g. `production`, `staging`. */
  readonly environment?: string;
  /** The plugins to compose, in start order; they stop in reverse. Names must be unique. */
  readonly plugins: readonly Plugin[];
  /** How long one plugin's `stop()` may take before it is abandoned with a warning. Default 5000. */
  readonly stopTimeoutMs?: number;
  /**
   * How long one plugin's `start()` may take; past it `start()` rejects with `PluginStartError`
   * and the plugins already started are stopped. Default 30000.
   */
  readonly startTimeoutMs?: number;
  /**
   * When the service counts as ready (readiness 200): `'start'` (default) once `start()` resolves;
   * `'manual'` once you call `markReady()`.
   */
  readonly readiness?: 'start' | 'manual';
  /**
   * Signals that start the graceful stop and then exit the process (0 when everything stopped
   * cleanly, else 1). Default `['SIGTERM', 'SIGINT']`; `false` handles none (you call `shutdown()`).
   */
  readonly signals?: readonly NodeJS.Signals[] | false;
  /**
   * After a signal (or `shutdown()`), how long readiness answers 503 before anything closes, so
   * load balancers stop sending traffic. Default 5000 when `KUBERNETES_SERVICE_HOST` is set, else 0.
   */
  readonly shutdownDelayMs?: number;
  /**
   * Bound on the whole stop after a signal: past it the process exits with 1. Also bounds how long
   * `stop()` waits for `beforeShutdown` and beacons. Default 25000.
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Runs when the stop begins in earnest (after the delay, before any plugin stops), beside the
   * wait for beacons: close your own servers here so in-flight requests complete.
   */
  readonly beforeShutdown?: () => void | Promise<void>;
  /** Where setup logs; each plugin gets `logger.child(pluginName)`. Default `getLogger('sightline.setup')`. */
  readonly logger?: Logger;
}

const object = opt.any({ check: (v: unknown) => (typeof v === 'object' && v !== null ? undefined : 'expected an object') });

/** A Plugin as setup checks it: its own fields are free, the contract's are typed. */
const PLUGIN_FIELD = opt.object(
  {
    name: opt.string({ nonEmpty: true, required: true }),
    hooks: object,
    sensor: object,
    metrics: opt.any({
      check: (v: { render?: unknown; contentType?: unknown } | null) =>
        typeof v === 'object' && v !== null && typeof v.render === 'function' && typeof v.contentType === 'string'
          ? undefined
          : 'expected a MetricsSource ({ contentType: string, render() })',
    }),
    healthChecks: opt.array(opt.any(), { expected: 'an array of health checks' }),
    spanSink: opt.any({
      check: (v: { onSpanEnd?: unknown } | null) =>
        typeof v === 'object' && v !== null && typeof v.onSpanEnd === 'function' ? undefined : 'expected a SpanSink ({ onSpanEnd(span) })',
    }),
    routes: opt.array(
      opt.any({
        check: (r: { path?: unknown; handle?: unknown } | null) =>
          typeof r === 'object' && r !== null && typeof r.path === 'string' && r.path.startsWith('/') && typeof r.handle === 'function'
            ? undefined
            : "expected a route ({ path: '/x', auth, handle(req, res) })",
      }),
      { expected: 'an array of routes' },
    ),
    start: opt.function(),
    close: opt.function(),
  },
  { open: true, expected: 'a plugin object ({ name, hooks?, sensor?, ... })' },
);

export const LIFECYCLE_SHAPE: Shape = Object.freeze({
  startTimeoutMs: opt.number({ above: 0 }),
  readiness: opt.enum(['start', 'manual']),
  signals: opt.oneOf([
    opt.enum([false]),
    opt.array(opt.string({ check: (v: string) => (/^SIG[A-Z0-9]+$/.test(v) ? undefined : 'expected a signal name such as "SIGTERM"') })),
  ]),
  shutdownDelayMs: opt.number({ min: 0 }),
  shutdownTimeoutMs: opt.number({ above: 0 }),
  beforeShutdown: opt.function(),
});

export const SETUP_SHAPE: Shape = Object.freeze({
  service: opt.string({ nonEmpty: true, required: true, expected: 'a non-empty string naming the service, e.g. "orders"' }),
  version: opt.string(),
  environment: opt.string(),
  plugins: opt.array(PLUGIN_FIELD, { required: true, expected: 'an array of plugins, e.g. [prometheus(), health()]' }),
  stopTimeoutMs: opt.number({ above: 0 }),
  ...LIFECYCLE_SHAPE,
  logger: object,
});

/** The lifecycle options, as setup() and setupFromEnv() both take them. */
export type LifecycleOptions = Pick<
  SetupOptions,
  'startTimeoutMs' | 'readiness' | 'signals' | 'shutdownDelayMs' | 'shutdownTimeoutMs' | 'beforeShutdown'
>;

export const LIFECYCLE_KEYS = Object.freeze([
  'startTimeoutMs',
  'readiness',
  'signals',
  'shutdownDelayMs',
  'shutdownTimeoutMs',
  'beforeShutdown',
] as const);

/** The lifecycle options given in `options`, and only those. */
export function lifecycleOptionsOf(options: LifecycleOptions): LifecycleOptions {
  const picked: Record<string, unknown> = {};
  for (const key of LIFECYCLE_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked as LifecycleOptions;
}

/** Checks everything once, so that start() and the hot paths need not. */
export function validateSetupOptions(options: SetupOptions): void {
  validateOptions(SETUP_SHAPE, options, { source: 'setup()', error: (message, details) => new SetupConfigError(message, details) });
  const { plugins } = options;
  const seen = new Map<string, number>();
  plugins.forEach((plugin, index) => {
    const first = seen.get(plugin.name);
    if (first !== undefined) {
      throw new SetupConfigError(
        `invalid option \`plugins[${index}].name\` in setup(): duplicate plugin name "${plugin.name}", also at plugins[${first}]; each plugin may be given once`,
        { kind: 'invalid', option: `plugins[${index}].name`, source: 'setup()', value: plugin.name },
      );
    }
    seen.set(plugin.name, index);
  });
}
