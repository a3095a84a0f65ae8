// setup()'s options, their defaults, and the one place they are checked.
import { opt, validateOptions, type Logger, type Plugin, type Shape } from '@sightline/core';
import { SetupConfigError } from './errors.js';

export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

export interface SetupOptions {
  /** The service's name, e.g. `orders`; given to every plugin (metric labels, span resources). */
  readonly service: string;
  readonly version?: string;
  /** e.g. `production`, `staging`. */
  readonly environment?: string;
  /** The plugins to compose, in start order; they stop in reverse. Names must be unique. */
  readonly plugins: readonly Plugin[];
  /** How long one plugin's `stop()` may take before it is abandoned with a warning. Default 5000. */
  readonly stopTimeoutMs?: number;
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
    start: opt.function(),
    stop: opt.function(),
  },
  { open: true, expected: 'a plugin object ({ name, hooks?, sensor?, ... })' },
);

export const SETUP_SHAPE: Shape = Object.freeze({
  service: opt.string({ nonEmpty: true, required: true, expected: 'a non-empty string naming the service, e.g. "orders"' }),
  version: opt.string(),
  environment: opt.string(),
  plugins: opt.array(PLUGIN_FIELD, { required: true, expected: 'an array of plugins, e.g. [prometheus(), health()]' }),
  stopTimeoutMs: opt.number({ above: 0 }),
  logger: object,
});

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
