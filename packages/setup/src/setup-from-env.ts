// setupFromEnv(): setup() configured by environment variables, so a container can turn backends on
// and off and set their options without a code change. The user passes the factories installed.
import { errorText, type Logger, type Plugin } from '@sightline/core';
import { describeValue } from './describe-value.js';
import { ENV_PREFIX, ENV_VARS, envKey, readEnvConfig, type Env, type EnvPluginOptions } from './env-config.js';
import { SetupConfigError } from './errors.js';
import { setup, type Observability } from './setup.js';

/**
 * A package's plugin factory, e.g. `prometheus` or `health`: called with its options (those given
 * in code with the environment's laid over them) and returning a plugin. Factories validate their
 * own options.
 */
export type PluginFactory = (options: never) => Plugin;

/** The options a factory takes, without `undefined`. */
export type FactoryOptions<F> = F extends (options: infer O) => Plugin ? Exclude<O, undefined> : never;

export interface SetupFromEnvOptions<F extends Readonly<Record<string, PluginFactory>>> {
  /** Default `process.env`. */
  readonly env?: Env;
  /** The factories of the packages installed, by the name their variables use: `{ prometheus, health }`. */
  readonly factories: F;
  /** Options per factory, given in code; variables from the environment are laid over them. */
  readonly options?: { readonly [K in keyof F]?: FactoryOptions<F[K]> };
  /** Plugins built in code, always on, started after the factories' plugins. */
  readonly plugins?: readonly Plugin[];
  /** Used when no variable names the service. */
  readonly service?: string;
  readonly version?: string;
  readonly environment?: string;
  readonly stopTimeoutMs?: number;
  readonly logger?: Logger;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** The code's options with the environment's laid over them, plain objects merged field by field. */
function overlay(base: unknown, top: EnvPluginOptions): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(top)) {
    out[key] = typeof value === 'object' ? overlay(out[key], value) : value;
  }
  return out;
}

export function setupFromEnv<F extends Readonly<Record<string, PluginFactory>>>(options: SetupFromEnvOptions<F>): Observability {
  if (options === null || typeof options !== 'object') {
    throw new SetupConfigError(`setupFromEnv(): options must be an object ({ factories, env? }), got ${describeValue(options)}`);
  }
  const { env = process.env, factories } = options;
  if (factories === null || typeof factories !== 'object' || Array.isArray(factories)) {
    throw new SetupConfigError(
      `setupFromEnv(): factories must be an object of plugin factories, e.g. { prometheus, health }; got ${describeValue(factories)}`,
    );
  }
  for (const [name, factory] of Object.entries(factories)) {
    if (typeof factory !== 'function') {
      throw new SetupConfigError(`setupFromEnv(): factories.${name} must be a plugin factory function, got ${describeValue(factory)}`);
    }
  }
  const codeOptions: Readonly<Record<string, unknown>> = options.options ?? {};
  const config = readEnvConfig(env, Object.keys(factories));

  const service = config.service ?? options.service;
  if (service === undefined) {
    throw new SetupConfigError(
      `setupFromEnv(): no service name: set ${ENV_VARS.service} (or OTEL_SERVICE_NAME) or pass { service: "orders" }`,
    );
  }

  const plugins: Plugin[] = [];
  for (const { name, options: fromEnv } of config.plugins) {
    const merged = overlay(codeOptions[name], fromEnv);
    const factory = factories[name] as unknown as (options: Record<string, unknown>) => Plugin;
    try {
      plugins.push(factory(merged));
    } catch (cause) {
      // Option names only: values may be secrets.
      const keys = Object.keys(merged);
      throw new SetupConfigError(
        `setupFromEnv(): factory "${name}" refused its options (${keys.length ? keys.join(', ') : 'none'}; from code and ${ENV_PREFIX}${envKey(name)}_*): ${errorText(cause)}`,
        { cause },
      );
    }
  }
  plugins.push(...(options.plugins ?? []));

  const version = config.version ?? options.version;
  const environment = config.environment ?? options.environment;
  const stopTimeoutMs = config.stopTimeoutMs ?? options.stopTimeoutMs;
  const obs = setup({
    service,
    plugins,
    ...(version !== undefined && { version }),
    ...(environment !== undefined && { environment }),
    ...(stopTimeoutMs !== undefined && { stopTimeoutMs }),
    ...(options.logger !== undefined && { logger: options.logger }),
  });
  obs.logger.debug('configured from the environment', { plugins: obs.plugins.join(',') });
  return obs;
}
