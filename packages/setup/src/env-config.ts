// Reads setup's environment variables: the service, which plugins are on, and each plugin's options.
// Pure: an env object and the factory names in, a plain description out; nothing is started here.
// Variable names follow core's scheme (ENV_PREFIX, a factory's key in SCREAMING_SNAKE, options in
// camelCase); a factory's variables are typed by its options shape in setupFromEnv().
import { camelFromScreaming, describeValue, ENV_PREFIX, screamingSnake, type Env } from '@sightline/core/internal';
import { SetupConfigError } from './errors.js';

export type { Env };

/** A plugin option read from the environment: `true`/`false`, a plain decimal number, or text. */
export type EnvOptionValue = string | number | boolean;
/**
 * A plugin's options as read from `SIGHTLINE_<PLUGIN>_<OPTION>` variables; nested options come from longer
 * names.
 */
export interface EnvPluginOptions {
  /** An option's value, or a group of nested options. */
  readonly [option: string]: EnvOptionValue | EnvPluginOptions;
}

/** What `readEnvConfig()` read from the environment; `undefined` where no variable was set. */
export interface EnvConfig {
  /** From `SIGHTLINE_SERVICE_NAME`. */
  readonly service: string | undefined;
  /** From `SIGHTLINE_SERVICE_VERSION`. */
  readonly version: string | undefined;
  /** From `SIGHTLINE_ENVIRONMENT`. */
  readonly environment: string | undefined;
  /** From `SIGHTLINE_STOP_TIMEOUT_MS`, in milliseconds. */
  readonly stopTimeoutMs: number | undefined;
  /** From `SIGHTLINE_SHUTDOWN_DELAY_MS`, in milliseconds. */
  readonly shutdownDelayMs: number | undefined;
  /** The enabled plugins, in the order of the factories given, with the options read for each. */
  readonly plugins: ReadonlyArray<{ readonly name: string; readonly options: EnvPluginOptions }>;
}

/**
 * The names of the variables `setupFromEnv()` reads for setup's own options (plugin options are
 * `SIGHTLINE_<PLUGIN>_<OPTION>`).
 */
export const ENV_VARS = Object.freeze({
  service: 'SIGHTLINE_SERVICE_NAME',
  version: 'SIGHTLINE_SERVICE_VERSION',
  environment: 'SIGHTLINE_ENVIRONMENT',
  plugins: 'SIGHTLINE_PLUGINS',
  stopTimeoutMs: 'SIGHTLINE_STOP_TIMEOUT_MS',
  shutdownDelayMs: 'SIGHTLINE_SHUTDOWN_DELAY_MS',
});
// Read by @sightline/core's logger, not by setup, and never a plugin's option.
const NOT_OPTIONS = new Set<string>([...Object.values(ENV_VARS), 'SIGHTLINE_LOG']);

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

function optionValue(text: string): EnvOptionValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  // Leading zeros stay text: `0123` is more likely an id than a number.
  return NUMBER.test(text) ? Number(text) : text;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function parseSwitch(name: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new SetupConfigError(`${name} must be true or false (also 1/0, yes/no, on/off), got ${describeValue(text)}`);
}

/** An unset or blank variable counts as unset: compose files often write `NAME=`. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** `OTEL_RESOURCE_ATTRIBUTES=service.name=orders,service.version=1.2.0` (values percent-encoded). */
function resourceAttributes(env: Env): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (read(env, 'OTEL_RESOURCE_ATTRIBUTES') ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
    } catch {
      // A malformed value is the OpenTelemetry SDK's to report; setup only falls back on these.
    }
  }
  return out;
}

function setNested(target: Record<string, unknown>, path: readonly string[], value: EnvOptionValue, variable: string): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (next === undefined) node = node[key] = {};
    else if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else
      throw new SetupConfigError(
        `${variable} sets a field of option "${path.slice(0, i + 1).join('.')}", which another variable sets to a value`,
      );
  }
  const last = path[path.length - 1]!;
  if (typeof node[last] === 'object') {
    throw new SetupConfigError(`${variable} sets option "${path.join('.')}", which other variables set fields of`);
  }
  node[last] = value;
}

/** A duration variable in milliseconds, or `undefined` when unset. */
function milliseconds(env: Env, variable: string, kind: string, valid: (ms: number) => boolean): number | undefined {
  const text = read(env, variable);
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!NUMBER.test(text) || !valid(ms)) {
    throw new SetupConfigError(`${variable} must be a ${kind} number of milliseconds, got ${describeValue(text)}`);
  }
  return ms;
}

/**
 * Resolves the environment for the given factory names. Throws `SetupConfigError` for a name in
 * `SIGHTLINE_PLUGINS` that no factory has, a switch that is not a boolean, or a bad timeout.
 */
export function readEnvConfig(env: Env, factoryNames: readonly string[]): EnvConfig {
  const keys = new Map<string, string>(); // env key -> factory name
  for (const name of factoryNames) {
    const key = screamingSnake(name);
    if (!key) throw new SetupConfigError(`factory name ${describeValue(name)} has no letters or digits to name its variables by`);
    const clash = keys.get(key);
    if (clash !== undefined) {
      throw new SetupConfigError(`factories "${clash}" and "${name}" would both read ${ENV_PREFIX}${key}_*; rename one`);
    }
    keys.set(key, name);
  }
  // Longest key first, so SIGHTLINE_HEALTH_MONITOR_PORT belongs to healthMonitor, not to health.
  const byLength = [...keys.keys()].sort((a, b) => b.length - a.length);

  const enabled = new Set<string>(factoryNames);
  const list = read(env, ENV_VARS.plugins);
  if (list !== undefined) {
    enabled.clear();
    const names = list.split(/[\s,]+/).filter(Boolean);
    if (!(names.length === 1 && names[0]!.toLowerCase() === 'none')) {
      for (const listed of names) {
        const name = keys.get(screamingSnake(listed));
        if (name === undefined) {
          throw new SetupConfigError(
            `${ENV_VARS.plugins} names ${describeValue(listed)}, which is not among the factories given (${factoryNames.join(', ') || 'none'}); install its package and pass its factory, or remove it`,
          );
        }
        enabled.add(name);
      }
    }
  }

  const options = new Map<string, Record<string, unknown>>(factoryNames.map((n) => [n, {}]));
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || NOT_OPTIONS.has(variable) || raw === undefined) continue;
    const rest = variable.slice(ENV_PREFIX.length);
    const key = byLength.find((k) => rest.startsWith(`${k}_`));
    if (key === undefined) continue; // another program's variable, or a plugin not installed
    const name = keys.get(key)!;
    const suffix = rest.slice(key.length + 1);
    if (suffix === 'ENABLED') {
      if (raw.trim() === '') continue;
      if (parseSwitch(variable, raw)) enabled.add(name);
      else enabled.delete(name);
      continue;
    }
    if (raw.trim() === '') continue;
    const path = suffix.split('__').map(camelFromScreaming);
    if (path.some((p) => p === '')) continue;
    setNested(options.get(name)!, path, optionValue(raw.trim()), variable);
  }

  const attributes = resourceAttributes(env);
  const stopTimeoutMs = milliseconds(env, ENV_VARS.stopTimeoutMs, 'positive', (ms) => ms > 0);
  // Under a process owner that sets no code (the register entry), the delay must come from here.
  const shutdownDelayMs = milliseconds(env, ENV_VARS.shutdownDelayMs, 'non-negative', (ms) => ms >= 0);

  return {
    service: read(env, ENV_VARS.service) ?? read(env, 'OTEL_SERVICE_NAME') ?? attributes.get('service.name'),
    version: read(env, ENV_VARS.version) ?? attributes.get('service.version'),
    environment:
      read(env, ENV_VARS.environment) ?? attributes.get('deployment.environment.name') ?? attributes.get('deployment.environment'),
    stopTimeoutMs,
    shutdownDelayMs,
    plugins: factoryNames.filter((name) => enabled.has(name)).map((name) => ({ name, options: options.get(name)! as EnvPluginOptions })),
  };
}
