// setupFromEnv(): setup() configured by environment variables, so a container can turn backends on
// and off and set their options without a code change. The user passes the factories installed.
import { type Plugin } from '@sightline/core';
import {
  defineShape,
  ENV_PREFIX,
  errorText,
  mergeOptions,
  opt,
  optionsShapeOf,
  readEnvOptions,
  resolveOptions,
  screamingSnake,
  type OptionsOf,
} from '@sightline/core/internal';
import { ENV_VARS, readEnvConfig, type Env, type EnvPluginOptions } from './env-config.js';
import { SetupConfigError } from './errors.js';
import { setup, type Observability } from './setup.js';
import { LIFECYCLE_SHAPE, SETUP_SHAPE } from './setup-options.js';

/**
 * A package's plugin factory, e.g. `prometheus` or `health`: called with its options (those given
 * in code with the environment's laid over them) and returning a plugin. Factories validate their
 * own options.
 */
export type PluginFactory = (options: never) => Plugin;

/** The options a factory takes, without `undefined`. */
export type FactoryOptions<F> = F extends (options: infer O) => Plugin ? Exclude<O, undefined> : never;

/**
 * setupFromEnv()'s options. The fields setup() also takes have no default here: what the code
 * leaves out, the variables (then setup()'s defaults) give.
 */
export const SETUP_FROM_ENV_SHAPE = defineShape({
  env: opt.any<Env>({
    check: (v: unknown) => (typeof v === 'object' && v !== null ? undefined : 'expected an object'),
    expected: 'an object of variables',
    defaultText: '`process.env`',
    doc: 'Where the variables are read.',
  }),
  factories: opt.record(opt.function<PluginFactory>({ expected: 'a plugin factory function' }), {
    required: true,
    env: false,
    expected: 'an object of plugin factories, e.g. { prometheus, health }',
    doc: 'The factories of the packages installed, by the name their variables use (`{ prometheus, health }`); start order.',
  }),
  options: opt.record(opt.any<object>(), {
    env: false,
    expected: 'an object of options by factory name',
    default: {},
    doc: "Options per factory, given in code; they win over the factory's variables, nested objects field by field.",
  }),
  plugins: opt.array(opt.any<Plugin>(), {
    default: [],
    expected: 'an array of plugins',
    doc: "Plugins built in code, always on, started after the factories' plugins.",
  }),
  service: opt.string({
    nonEmpty: true,
    doc: 'The service; else `SIGHTLINE_SERVICE_NAME`, `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`.',
  }),
  version: opt.string({
    doc: "The service's version; else `SIGHTLINE_SERVICE_VERSION`, then `service.version` in `OTEL_RESOURCE_ATTRIBUTES`.",
  }),
  environment: opt.string({ doc: 'The deployment environment; else `SIGHTLINE_ENVIRONMENT`, then `deployment.environment.name`.' }),
  stopTimeoutMs: opt.number({
    above: 0,
    defaultText: '`SIGHTLINE_STOP_TIMEOUT_MS`, else 5000',
    doc: "How long one plugin's `close()` may take before it is abandoned with a warning.",
  }),
  ...LIFECYCLE_SHAPE,
  logger: SETUP_SHAPE.logger,
});

/**
 * Options of `setupFromEnv()`: the factories it may enable, and the values used when no `SIGHTLINE_*`
 * variable sets them (code \> environment \> defaults). Also takes setup()'s lifecycle options
 * (`readiness`, `signals`, `shutdownDelayMs`, ...).
 */
export type SetupFromEnvOptions<F extends Readonly<Record<string, PluginFactory>>> = Omit<
  OptionsOf<typeof SETUP_FROM_ENV_SHAPE>,
  'factories' | 'options'
> & {
  /** The factories of the packages installed, by the name their variables use: `{ prometheus, health }`. */
  readonly factories: F;
  /** Options per factory, given in code; they win over the factory's variables (code \> environment \> defaults). */
  readonly options?: { readonly [K in keyof F]?: FactoryOptions<F[K]> };
};

const setupError = (message: string, details: object) => new SetupConfigError(message, details);

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
  return readEnvOptions(shape, { package: name, env, packageKeys, error: setupError }).options;
}

/** Builds one factory's plugin from its code options over its variables; a refusal names the factory. */
function buildPlugin(name: string, factory: PluginFactory, code: unknown, fromEnv: Readonly<Record<string, unknown>> | undefined): Plugin {
  const merged = mergeOptions(typeof code === 'object' && code !== null ? (code as Record<string, unknown>) : {}, fromEnv);
  try {
    return (factory as unknown as (options: Record<string, unknown>) => Plugin)(merged);
  } catch (cause) {
    // Option names only: values may be secrets.
    const keys = Object.keys(merged);
    throw new SetupConfigError(
      `setupFromEnv(): factory "${name}" refused its options (${keys.length ? keys.join(', ') : 'none'}; from code and ${ENV_PREFIX}${screamingSnake(name)}_*): ${errorText(cause)}`,
      {},
      { cause },
    );
  }
}

/**
 * Like `setup()`, configured from the environment: `SIGHTLINE_PLUGINS` names the factories to enable (e.g.
 * `prometheus,health`), `SIGHTLINE_<PLUGIN>_<OPTION>` sets their options, `SIGHTLINE_SERVICE_NAME` and
 * friends (see {@link ENV_VARS}) the service. A misspelt variable is a {@link SetupConfigError} naming it.
 */
export function setupFromEnv<F extends Readonly<Record<string, PluginFactory>>>(options: SetupFromEnvOptions<F>): Observability {
  // The factories' own option types are the compiler's business; the shape checks they are objects.
  const given = options as OptionsOf<typeof SETUP_FROM_ENV_SHAPE>;
  const resolved = resolveOptions(SETUP_FROM_ENV_SHAPE, given, { source: 'setupFromEnv()', error: setupError });
  const env = resolved.env ?? process.env;
  const { factories } = resolved;
  const config = readEnvConfig(env, Object.keys(factories));

  // Code > environment > defaults, as everywhere.
  const service = resolved.service ?? config.service;
  if (service === undefined) {
    throw new SetupConfigError(
      `setupFromEnv(): no service name: set ${ENV_VARS.service} (or OTEL_SERVICE_NAME) or pass { service: "orders" }`,
    );
  }

  const packageKeys = Object.keys(factories).map(screamingSnake);
  const guessed = new Map(config.plugins.map((p) => [p.name, p.options]));
  // Every factory's variables are read, enabled or not: a misspelt one is an error either way.
  const fromEnv = new Map(
    Object.entries(factories).map(([name, factory]) => [name, envOptionsFor(name, factory, guessed.get(name) ?? {}, env, packageKeys)]),
  );
  const plugins = config.plugins.map(({ name }) => buildPlugin(name, factories[name]!, resolved.options[name], fromEnv.get(name)));

  const version = resolved.version ?? config.version;
  const environment = resolved.environment ?? config.environment;
  const stopTimeoutMs = resolved.stopTimeoutMs ?? config.stopTimeoutMs;
  const lifecycle = Object.fromEntries(Object.keys(LIFECYCLE_SHAPE).map((key) => [key, resolved[key as keyof typeof LIFECYCLE_SHAPE]]));
  lifecycle['shutdownDelayMs'] ??= config.shutdownDelayMs;
  const obs = setup({
    ...lifecycle,
    service,
    plugins: [...plugins, ...resolved.plugins],
    ...(version !== undefined && { version }),
    ...(environment !== undefined && { environment }),
    ...(stopTimeoutMs !== undefined && { stopTimeoutMs }),
    ...(resolved.logger !== undefined && { logger: resolved.logger }),
  });
  obs.logger.debug('configured from the environment', { plugins: obs.plugins.join(',') });
  return obs;
}
