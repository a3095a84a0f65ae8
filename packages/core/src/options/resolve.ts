// From what a user gave to the options a package runs with, by the one rule: options in code win
// over SIGHTLINE_<PACKAGE>_* variables, which win over the defaults the shape declares. Every layer
// is validated by the same fields, so a bad variable is named as clearly as a bad option.
import { readEnvOptions, mergeOptions, type Env } from './env-options.js';
import type { Field, OptionsOf, ResolvedOf, Shape } from './field.js';
import type { OptionsErrorFactory } from './options-error.js';
import { isPlainObject, validateOptions } from './schema.js';

/** Where options come from, for `resolveOptions()`. */
export interface ResolveContext {
  /** Where the options came from, for messages: `health()`, `new StatsClient()`. */
  readonly source: string;
  /** Builds the thrown error; default `OptionsError`. */
  readonly error?: OptionsErrorFactory;
  /**
   * The package's name in its variables (`statsServer` reads SIGHTLINE_STATS_SERVER_*). Without it
   * no variable is read.
   */
  readonly package?: string;
  /** The environment to read; default `process.env`. */
  readonly env?: Env;
  /** Keys of other packages whose variables start like this one's (`HEALTH_MONITOR` beside `HEALTH`): skipped. */
  readonly otherPackages?: readonly string[];
}

function fillDefaults(shape: Shape, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) out[key] = resolveField(field, given[key]);
  // Keys of an open object (a plugin's own fields) are kept as given.
  for (const key of Object.keys(given)) if (!(key in out)) out[key] = given[key];
  return Object.freeze(out);
}

function resolveField(field: Field, value: unknown): unknown {
  const chosen = value === undefined ? field.default : value;
  if (chosen === undefined) return undefined;
  if (field.kind === 'object' && isPlainObject(chosen)) return fillDefaults(field.shape, chosen);
  if (field.kind === 'oneOf' && isPlainObject(chosen)) {
    const branch = field.of.find((f) => f.kind === 'object');
    if (branch?.kind === 'object') return fillDefaults(branch.shape, chosen);
  }
  return chosen;
}

/**
 * The options a package runs with: `options` (validated), over the package's variables when
 * `ctx.package` is given, over the shape's defaults. The result is frozen; a field with a default
 * (or a required one) always holds a value, and an object field with a default has its own fields'
 * defaults applied.
 */
export function resolveOptions<const S extends Shape>(shape: S, options: OptionsOf<S> | undefined, ctx: ResolveContext): ResolvedOf<S> {
  const error = ctx.error ? { error: ctx.error } : {};
  // A required option may come from the environment: checked once the layers are merged.
  validateOptions(shape, options, { source: ctx.source, ...error, allowMissing: ctx.package !== undefined });
  const code = (options ?? {}) as Readonly<Record<string, unknown>>;
  const merged =
    ctx.package === undefined
      ? code
      : mergeOptions(
          code,
          readEnvOptions(shape, {
            package: ctx.package,
            ...(ctx.env ? { env: ctx.env } : {}),
            ...(ctx.otherPackages ? { packageKeys: ctx.otherPackages } : {}),
            ...error,
          }).options,
        );
  if (merged !== code) validateOptions(shape, merged, { source: ctx.source, ...error });
  return fillDefaults(shape, merged) as ResolvedOf<S>;
}

/** A shape's defaults, as `resolveOptions(shape, {})` would give them without reading the environment. */
export function defaultsOf<const S extends Shape>(shape: S): ResolvedOf<S> {
  return fillDefaults(shape, {}) as ResolvedOf<S>;
}

/** A package's resolver: `resolveOptions` throwing the package's own error class, named by `source`. */
export type OptionsResolver = <const S extends Shape>(shape: S, options: OptionsOf<S> | undefined, source: string) => ResolvedOf<S>;

/** `resolveOptions` bound to a package's error class, for packages that read no variables themselves. */
export function optionsResolver(error: OptionsErrorFactory): OptionsResolver {
  return (shape, options, source) => resolveOptions(shape, options, { source, error });
}
