// setup()'s options, each declared once (type, default, doc line), and the one place they are
// resolved and checked.
import { constants } from 'node:os';
import {
  getLogger,
  type HealthCheck,
  type HttpRoute,
  type Logger,
  type MetricsHooks,
  type MetricsSource,
  type Plugin,
  type PluginContext,
  type Sensor,
  type SpanSink,
} from '@sightline/core';
import { defineShape, opt, resolveOptions, type Field, type OptionsOf, type ResolvedOf, type Typed } from '@sightline/core/internal';
import { SetupConfigError } from './errors.js';

const object = (v: unknown): string | undefined => (typeof v === 'object' && v !== null ? undefined : 'expected an object');

/** The fields of core's Plugin contract as setup checks them; a plugin's own fields are free. */
const PLUGIN_CONTRACT_SHAPE = defineShape({
  name: opt.string({ nonEmpty: true, required: true }),
  hooks: opt.any<MetricsHooks>({ check: object }),
  sensor: opt.any<Sensor>({ check: object }),
  metrics: opt.any<MetricsSource>({
    check: (v: { render?: unknown; contentType?: unknown } | null) =>
      typeof v === 'object' && v !== null && typeof v.render === 'function' && typeof v.contentType === 'string'
        ? undefined
        : 'expected a MetricsSource ({ contentType: string, render() })',
  }),
  healthChecks: opt.array(opt.any<HealthCheck>(), { expected: 'an array of health checks' }),
  spanSink: opt.any<SpanSink>({
    check: (v: { onSpanEnd?: unknown } | null) =>
      typeof v === 'object' && v !== null && typeof v.onSpanEnd === 'function' ? undefined : 'expected a SpanSink ({ onSpanEnd(span) })',
  }),
  routes: opt.array(
    opt.any<HttpRoute>({
      check: (r: { path?: unknown; handle?: unknown } | null) =>
        typeof r === 'object' && r !== null && typeof r.path === 'string' && r.path.startsWith('/') && typeof r.handle === 'function'
          ? undefined
          : "expected a route ({ path: '/x', auth, handle(req, res) })",
    }),
    { expected: 'an array of routes' },
  ),
  start: opt.function<(context: PluginContext) => void | Promise<void>>(),
  close: opt.function<() => void | Promise<void>>(),
});

/**
 * A plugin as setup checks it: an open object (a plugin has fields of its own), typed as core's
 * `Plugin` so the options type names the contract rather than spelling out its fields.
 */
const PLUGIN_FIELD = opt.object(PLUGIN_CONTRACT_SHAPE, {
  open: true,
  expected: 'a plugin object ({ name, hooks?, sensor?, ... })',
}) as Field & Typed<Plugin, Plugin, false, false>;

const SIGNAL_NAMES = Object.freeze(Object.keys(constants.signals) as NodeJS.Signals[]);

/** The lifecycle options, as setup() and setupFromEnv() both take them. */
export const LIFECYCLE_SHAPE = defineShape({
  startTimeoutMs: opt.number({
    above: 0,
    default: 30_000,
    doc: "How long one plugin's `start()` may take; past it `start()` rejects with `PluginStartError` and the plugins already started are closed.",
  }),
  readiness: opt.enum(['start', 'manual'], {
    default: 'start',
    doc: "When the service counts as ready (readiness 200): `'start'` once `start()` resolves, `'manual'` once you call `markReady()`.",
  }),
  signals: opt.oneOf([opt.enum([false]), opt.array(opt.enum(SIGNAL_NAMES, { expected: 'a signal name such as "SIGTERM"' }))], {
    default: ['SIGTERM', 'SIGINT'],
    expected: 'false or an array of signal names such as ["SIGTERM"]',
    doc: 'Signals that run `close()` and then exit the process (0 when every plugin closed cleanly, else 1); `false` handles none.',
  }),
  shutdownDelayMs: opt.number({
    min: 0,
    defaultText: '5000 under Kubernetes (`KUBERNETES_SERVICE_HOST` set), else 0',
    doc: 'On `close()` (or a signal), how long readiness answers 503 before anything closes, so load balancers stop sending traffic.',
  }),
  shutdownTimeoutMs: opt.number({
    above: 0,
    default: 25_000,
    doc: 'Bound on the wait for `beforeShutdown` and the beacons; after a signal, on the whole close (past it the process exits with 1).',
  }),
  beforeShutdown: opt.function<() => void | Promise<void>>({
    doc: 'Runs after the delay, beside the wait for beacons, before any plugin closes: close your own servers here.',
  }),
});

/** `setup()`'s options. */
export const SETUP_SHAPE = defineShape({
  service: opt.string({
    nonEmpty: true,
    required: true,
    expected: 'a non-empty string naming the service, e.g. "orders"',
    doc: "The service's name, given to every plugin (metric labels, span resources).",
  }),
  version: opt.string({ doc: "The service's version, e.g. `1.4.2`, given to every plugin." }),
  environment: opt.string({ doc: 'The deployment environment, e.g. `production`.' }),
  plugins: opt.array(PLUGIN_FIELD, {
    required: true,
    expected: 'an array of plugins, e.g. [prometheus(), health()]',
    doc: 'The plugins to compose, in start order; they close in reverse. Names must be unique.',
  }),
  stopTimeoutMs: opt.number({
    above: 0,
    default: 5000,
    doc: "How long one plugin's `close()` may take before it is abandoned with a warning.",
  }),
  ...LIFECYCLE_SHAPE,
  logger: opt.any<Logger>({
    check: object,
    expected: 'a Logger',
    defaultText: "`getLogger('sightline.setup')`",
    doc: 'Where setup logs; each plugin gets `logger.child(pluginName)`.',
  }),
});

/** Options of `setup()`; checked once by core's options rule (unknown keys are errors). */
export type SetupOptions = OptionsOf<typeof SETUP_SHAPE>;

/** The lifecycle options, as setup() and setupFromEnv() both take them. */
export type LifecycleOptions = OptionsOf<typeof LIFECYCLE_SHAPE>;

/** The options setup runs with: defaults applied, the delay chosen, the signals as a list. */
export type SetupConfig = Omit<ResolvedOf<typeof SETUP_SHAPE>, 'shutdownDelayMs' | 'signals' | 'logger'> & {
  readonly shutdownDelayMs: number;
  readonly signals: readonly NodeJS.Signals[];
  readonly logger: Logger;
};

/** Inside Kubernetes the endpoints controller and kube-proxy need a few seconds to drop the pod. */
const KUBERNETES_SHUTDOWN_DELAY_MS = 5000;

/** `shutdownDelayMs` when not given: 5000 when `KUBERNETES_SERVICE_HOST` is set, else 0. */
export function defaultShutdownDelayMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const host = env['KUBERNETES_SERVICE_HOST'];
  return typeof host === 'string' && host.trim() !== '' ? KUBERNETES_SHUTDOWN_DELAY_MS : 0;
}

function uniqueNames(plugins: readonly Plugin[]): void {
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

/** Checks everything once, so that start() and the hot paths need not, and fills in the defaults. */
export function resolveSetupOptions(options: SetupOptions): SetupConfig {
  const resolved = resolveOptions(SETUP_SHAPE, options, {
    source: 'setup()',
    error: (message, details) => new SetupConfigError(message, details),
  });
  uniqueNames(resolved.plugins);
  return Object.freeze({
    ...resolved,
    plugins: Object.freeze([...resolved.plugins]),
    shutdownDelayMs: resolved.shutdownDelayMs ?? defaultShutdownDelayMs(),
    signals: resolved.signals === false ? [] : resolved.signals,
    logger: resolved.logger ?? getLogger('sightline.setup'),
  });
}
