// setupFromEnv(): setup() configured by environment variables, so a container can turn backends on
// and off and set their options without a code change. The user passes the factories installed.
import { type Logger, type Plugin } from '@sightline/core';
import { errorText, mergeOptions, opt, optionsShapeOf, readEnvOptions, validateOptions, type Shape } from '@sightline/core/internal';
import { ENV_PREFIX, ENV_VARS, envKey, readEnvConfig, type Env, type EnvPluginOptions } from './env-config.js';
import { SetupConfigError } from './errors.js';
import { setup, type Observability } from './setup.js';
import { LIFECYCLE_SHAPE, lifecycleOptionsOf, type LifecycleOptions } from './setup-options.js';

/**
 * A package's plugin factory, e.g. `prometheus` or `health`: called with its options (those given
 * in code with the environment's laid over them) and returning a plugin. Factories validate their
 * own options.
 */
export type PluginFactory = (options: never) => Plugin;

/** The options a factory takes, without `undefined`. */
export type FactoryOptions<F> = F extends (options: infer O) => Plugin ? Exclude<O, undefined> : never;

/**
 * Options of `setupFromEnv()`: the factories it may enable, and the values used when no `SIGHTLINE_*`
 * variable sets them (code \> environment \> defaults). Also takes setup()'s lifecycle options
 * (`readiness`, `signals`, `shutdownDelayMs`, ...), passed as given.
 */
export interface SetupFromEnvOptions<F extends Readonly<Record<string, PluginFactory>>> extends LifecycleOptions {
  /** Default `process.env`. */
  readonly env?: Env;
  /** The factories of the packages installed, by the name their variables use: `{ prometheus, health }`. */
  readonly factories: F;
  /** Options per factory, given in code; they win over the factory's variables (code \> environment \> defaults). */
  readonly options?: { readonly [K in keyof F]?: FactoryOptions<F[K]> };
  /** Plugins built in code, always on, started after the factories' plugins. */
  readonly plugins?: readonly Plugin[];
  /** Used when no variable names the service. */
  readonly service?: string;
  /** The service's version; `SIGHTLINE_SERVICE_VERSION` wins over it. No default. */
  readonly version?: string;
  /** The deployment environment, e.g. `production`; `SIGHTLINE_ENVIRONMENT` wins over it. No default. */
  readonly environment?: string;
  /** Milliseconds one plugin's `stop()` may take; `SIGHTLINE_STOP_TIMEOUT_MS` wins over it. Default 5000. */
  readonly stopTimeoutMs?: number;
  /** Where setup logs. Default core's `sightline.setup` logger. */
  readonly logger?: Logger;
}

/**
 * A factory's options from its variables. A factory carrying its options shape (every Sightline
 * factory) has them typed and checked by core's rule, and a misspelt variable is an error naming
 * it; any other factory gets them as read (`true`/`false`, numbers, text).
 */
function envOptionsFor(
  name: string,
  factory: unknown,
  guessed: EnvPluginOptions,
  env: Env,
  packageKeys: readonly string[],
): Record<string, unknown> {
  const shape = optionsShapeOf(factory);
  if (shape === undefined) return { ...guessed };
  return readEnvOptions(shape, { package: name, env, packageKeys, error: (message, details) => new SetupConfigError(message, details) })
    .options;
}

const SETUP_FROM_ENV_SHAPE: Shape = Object.freeze({
  env: opt.record(opt.any(), { env: false }),
  factories: opt.record(opt.function({ expected: 'a plugin factory function' }), {
    required: true,
    env: false,
    expected: 'an object of plugin factories, e.g. { prometheus, health }',
  }),
  options: opt.record(opt.any(), { env: false }),
  plugins: opt.array(opt.any()),
  service: opt.string({ nonEmpty: true }),
  version: opt.string(),
  environment: opt.string(),
  stopTimeoutMs: opt.number({ above: 0 }),
  ...LIFECYCLE_SHAPE,
  logger: opt.any(),
});

/**
 * Like `setup()`, configured from the environment: `SIGHTLINE_PLUGINS` names the factories to enable (e.g.
 * `prometheus,health`), `SIGHTLINE_<PLUGIN>_<OPTION>` sets their options, `SIGHTLINE_SERVICE_NAME` and
 * friends (see {@link ENV_VARS}) the service. A misspelt variable is a {@link SetupConfigError} naming it.
 */
export function setupFromEnv<F extends Readonly<Record<string, PluginFactory>>>(options: SetupFromEnvOptions<F>): Observability {
  validateOptions(SETUP_FROM_ENV_SHAPE, options, {
    source: 'setupFromEnv()',
    error: (message, details) => new SetupConfigError(message, details),
  });
  const { env = process.env, factories } = options;
  const codeOptions: Readonly<Record<string, unknown>> = options.options ?? {};
  const config = readEnvConfig(env, Object.keys(factories));

  // Code > environment > defaults, as everywhere.
  const service = options.service ?? config.service;
  if (service === undefined) {
    throw new SetupConfigError(
      `setupFromEnv(): no service name: set ${ENV_VARS.service} (or OTEL_SERVICE_NAME) or pass { service: "orders" }`,
    );
  }

  const packageKeys = Object.keys(factories).map(envKey);
  const guessed = new Map(config.plugins.map((p) => [p.name, p.options]));
  // Every factory's variables are read, enabled or not: a misspelt one is an error either way.
  const fromEnv = new Map(
    Object.entries(factories).map(([name, factory]) => [name, envOptionsFor(name, factory, guessed.get(name) ?? {}, env, packageKeys)]),
  );

  const plugins: Plugin[] = [];
  for (const { name } of config.plugins) {
    const code = codeOptions[name];
    const merged = mergeOptions(typeof code === 'object' && code !== null ? (code as Record<string, unknown>) : {}, fromEnv.get(name));
    const factory = factories[name] as unknown as (options: Record<string, unknown>) => Plugin;
    try {
      plugins.push(factory(merged));
    } catch (cause) {
      // Option names only: values may be secrets.
      const keys = Object.keys(merged);
      throw new SetupConfigError(
        `setupFromEnv(): factory "${name}" refused its options (${keys.length ? keys.join(', ') : 'none'}; from code and ${ENV_PREFIX}${envKey(name)}_*): ${errorText(cause)}`,
        {},
        { cause },
      );
    }
  }
  plugins.push(...(options.plugins ?? []));

  const version = options.version ?? config.version;
  const environment = options.environment ?? config.environment;
  const stopTimeoutMs = options.stopTimeoutMs ?? config.stopTimeoutMs;
  const obs = setup({
    service,
    plugins,
    ...(version !== undefined && { version }),
    ...(environment !== undefined && { environment }),
    ...(stopTimeoutMs !== undefined && { stopTimeoutMs }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...lifecycleOptionsOf(options),
  });
  obs.logger.debug('configured from the environment', { plugins: obs.plugins.join(',') });
  return obs;
}
