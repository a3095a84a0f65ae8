// The one environment scheme: SIGHTLINE_<PACKAGE>_<SETTING>, SETTING the option in SCREAMING_SNAKE
// (`metricsToken` -> SIGHTLINE_HEALTH_METRICS_TOKEN), a nested option's fields joined by `__`
// (SIGHTLINE_HEALTH_METRICS_RATE_LIMIT__MAX). Values are parsed by the option's own field kind,
// then validated by the same rule as options given in code. Precedence, everywhere:
// options in code > environment > defaults.
import { describeValue } from './describe-value.js';
import { closestName } from './did-you-mean.js';
import { defaultOptionsError, type OptionsErrorFactory } from './options-error.js';
import type { Field, ScalarValue, Shape } from './field.js';
import { expectedText, isPlainObject, validateField } from './schema.js';

/** An environment to read variables from, shaped like `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The prefix of every Sightline variable: `SIGHTLINE_`. */
export const ENV_PREFIX = 'SIGHTLINE_';

/** Suffixes setup reads for any plugin, never options: SIGHTLINE_<PACKAGE>_ENABLED. */
export const ENV_RESERVED_SUFFIXES: readonly string[] = Object.freeze(['ENABLED']);

/** `healthMonitor`, `health-monitor` and `HEALTH_MONITOR` all give `HEALTH_MONITOR`. */
export function screamingSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
}

/** `METRICS_TOKEN` -\> `metricsToken`. */
export function camelFromScreaming(text: string): string {
  return text.toLowerCase().replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The variable of an option: `envVarName('health', ['metricsRateLimit', 'max'])` -\> SIGHTLINE_HEALTH_METRICS_RATE_LIMIT__MAX. */
export function envVarName(pkg: string, path: readonly string[]): string {
  return `${ENV_PREFIX}${screamingSnake(pkg)}_${path.map(screamingSnake).join('__')}`;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
const INTEGER = /^[-+]?\d+$/;

function scalarParsable(field: Field): boolean {
  return ['string', 'number', 'integer', 'boolean', 'enum'].includes(field.kind);
}

/** Whether a field can be given as one variable. */
export function envReadable(field: Field): boolean {
  if (field.env === false) return false;
  if (scalarParsable(field)) return true;
  if (field.kind === 'array' || field.kind === 'record')
    return !['array', 'record', 'object'].includes(field.of.kind) && envReadable(field.of);
  if (field.kind === 'oneOf') return field.of.some(envReadable);
  return false;
}

const NOT_PARSED = Symbol('not parsed');

function parseScalar(field: Field, text: string): unknown {
  const t = text.trim();
  switch (field.kind) {
    case 'string':
      return text;
    case 'number':
      return t !== '' && Number.isFinite(Number(t)) ? Number(t) : NOT_PARSED;
    case 'integer':
      return INTEGER.test(t) ? Number(t) : NOT_PARSED;
    case 'boolean': {
      const lower = t.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : NOT_PARSED;
    }
    case 'enum':
      return field.values.find((v: ScalarValue) => String(v) === t) ?? NOT_PARSED;
    default:
      return NOT_PARSED;
  }
}

/** Parses a variable's text by the field's kind; NOT_PARSED when it does not fit. */
function parseEnvText(field: Field, text: string): unknown {
  switch (field.kind) {
    case 'array':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((item) => parseEnvText(field.of, item));
    case 'record': {
      const trimmed = text.trim();
      if (trimmed.startsWith('{')) {
        try {
          return JSON.parse(trimmed) as unknown;
        } catch {
          return NOT_PARSED;
        }
      }
      const out: Record<string, unknown> = {};
      for (const pair of trimmed.split(',')) {
        if (!pair.trim()) continue;
        const sep = pair.search(/[=:]/);
        if (sep <= 0) return NOT_PARSED;
        out[pair.slice(0, sep).trim()] = parseEnvText(field.of, pair.slice(sep + 1).trim());
      }
      return out;
    }
    case 'oneOf': {
      // Booleans and numbers before strings, so `false` is the boolean where both are allowed.
      const order = [...field.of].sort((a, b) => Number(a.kind === 'string') - Number(b.kind === 'string'));
      for (const branch of order) {
        if (!envReadable(branch)) continue;
        const value = parseEnvText(branch, text);
        if (value !== NOT_PARSED && !(Array.isArray(value) && value.includes(NOT_PARSED))) return value;
      }
      return NOT_PARSED;
    }
    default:
      return parseScalar(field, text);
  }
}

/** The maps of a shape that take one variable per key: SIGHTLINE_OTEL_ATTRIBUTES__TEAM sets `attributes.team`. */
function envRecords(pkg: string, shape: Shape, path: readonly string[] = []): Map<string, { path: string[]; field: Field }> {
  const out = new Map<string, { path: string[]; field: Field }>();
  for (const [key, field] of Object.entries(shape)) {
    if (field.env === false) continue;
    const here = [...path, key];
    if (field.kind === 'record') out.set(`${envVarName(pkg, here)}__`, { path: here, field: field.of });
    else if (field.kind === 'object') for (const [name, entry] of envRecords(pkg, field.shape, here)) out.set(name, entry);
  }
  return out;
}

/** Every variable a shape reads, by name, with its option path and field. */
export function envVariables(pkg: string, shape: Shape, path: readonly string[] = []): Map<string, { path: string[]; field: Field }> {
  const out = new Map<string, { path: string[]; field: Field }>();
  for (const [key, field] of Object.entries(shape)) {
    const here = [...path, key];
    // SIGHTLINE_<PACKAGE>_ENABLED is setup's switch for the whole plugin, never an option.
    if (path.length === 0 && ENV_RESERVED_SUFFIXES.includes(screamingSnake(key))) continue;
    if (field.kind === 'object' && field.env !== false) {
      for (const [name, entry] of envVariables(pkg, field.shape, here)) out.set(name, entry);
    } else if (field.kind === 'oneOf' && field.env !== false) {
      if (envReadable(field)) out.set(envVarName(pkg, here), { path: here, field });
      for (const branch of field.of) {
        if (branch.kind === 'object') for (const [name, entry] of envVariables(pkg, branch.shape, here)) out.set(name, entry);
      }
    } else if (envReadable(field)) {
      out.set(envVarName(pkg, here), { path: here, field });
    }
  }
  return out;
}

/** Options of `readEnvOptions()`. */
export interface ReadEnvOptions {
  /** The package's name as in its variables: `health`, `statsServer`. */
  readonly package: string;
  /** Default `process.env`. */
  readonly env?: Env;
  /**
   * Keys of other packages whose variables start like this one's (`HEALTH_MONITOR` beside `HEALTH`):
   * their variables are skipped. A variable belongs to the longest key it starts with.
   */
  readonly packageKeys?: readonly string[];
  /** Builds the thrown error; default `OptionsError`. */
  readonly error?: OptionsErrorFactory;
}

/** What `readEnvOptions()` read: the options and the variable behind each. */
export interface EnvOptions {
  /** The options read, nested as the shape is. */
  readonly options: Record<string, unknown>;
  /** Which variable gave each option path (`port` -\> SIGHTLINE_HEALTH_PORT). */
  readonly variables: ReadonlyMap<string, string>;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = isPlainObject(next) ? next : (node[key] = {});
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Reads SIGHTLINE_<PACKAGE>_* for one shape. Blank variables count as unset. A variable with the
 * package's prefix and no matching option is an error naming it and the closest valid variable;
 * a value that does not parse or validate is an error naming the variable and the value.
 */
export function readEnvOptions(shape: Shape, options: ReadEnvOptions): EnvOptions {
  const env = options.env ?? process.env;
  const key = screamingSnake(options.package);
  const prefix = `${ENV_PREFIX}${key}_`;
  const longer = (options.packageKeys ?? [])
    .filter((k) => k.length > key.length && k.startsWith(`${key}_`))
    .map((k) => `${ENV_PREFIX}${k}_`);
  const known = envVariables(options.package, shape);
  const records = envRecords(options.package, shape);
  const make = options.error ?? defaultOptionsError;
  const out: Record<string, unknown> = {};
  const variables = new Map<string, string>();
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith(prefix) || longer.some((p) => variable.startsWith(p))) continue;
    if (ENV_RESERVED_SUFFIXES.includes(variable.slice(prefix.length))) continue;
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    const recordPrefix = [...records.keys()].find((p) => variable.startsWith(p) && variable.length > p.length);
    const record = recordPrefix === undefined ? undefined : records.get(recordPrefix)!;
    const entry =
      known.get(variable) ??
      (record === undefined
        ? undefined
        : // A key of a map: its value is text unless the map's values are of a kind that parses.
          {
            path: [...record.path, camelFromScreaming(variable.slice(recordPrefix!.length))],
            field: envReadable(record.field) ? record.field : { kind: 'string' as const },
          });
    const source = `env ${variable}`;
    if (entry === undefined) {
      const suggestion = closestName(variable, known.keys());
      const hint =
        suggestion !== undefined
          ? `did you mean \`${suggestion}\`?`
          : `${options.package} reads ${[...known.keys()].join(', ') || 'no variables'}`;
      throw make(`unknown variable \`${variable}\` in env: ${hint}`, {
        kind: 'unknown',
        option: variable,
        source: 'env',
        ...(suggestion === undefined ? {} : { suggestion }),
      });
    }
    const path = entry.path.join('.');
    const value = parseEnvText(entry.field, raw);
    if (
      value === NOT_PARSED ||
      (Array.isArray(value) && value.includes(NOT_PARSED)) ||
      (isPlainObject(value) && Object.values(value).includes(NOT_PARSED))
    ) {
      const got = entry.field.secret ? '' : `, got ${describeValue(raw)}`;
      throw make(`invalid option \`${path}\` in ${source}: expected ${expectedText(entry.field)}${got}`, {
        kind: 'invalid',
        option: path,
        source,
        ...(entry.field.secret ? {} : { value: raw }),
      });
    }
    validateField(entry.field, value, path, { source, ...(options.error ? { error: options.error } : {}) });
    setPath(out, entry.path, value);
    variables.set(path, variable);
  }
  return { options: out, variables };
}

/**
 * Lays layers over each other, first wins: `mergeOptions(code, env, defaults)`. Plain objects are
 * merged field by field; `undefined` falls through to the next layer.
 */
export function mergeOptions(...layers: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of [...layers].reverse()) {
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeOptions(value, out[key]) : value;
    }
  }
  return out;
}
