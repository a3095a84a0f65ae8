// StatsClientSettings: every setting read, highest first, from command-line arguments
// (`--stats-dest-host`), environment variables (`STATS_CLIENT_SETTINGS__DEST_HOST`), a JSON config
// file and defaults; then `createClient()`. Each value is parsed by the kind its field declares in
// STATS_CLIENT_SETTINGS_SHAPE and checked by that field, and keeps where it came from.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { closestName, resolveOptions, validateField } from '@sightline/core/internal';
import { DEFAULT_ORIGIN, finishConfig, type SettingOrigins } from './client-config.js';
import { StatsConfigError, type SettingSource } from './errors.js';
import {
  describeConfig,
  SETTING_NAMES,
  STATS_CLIENT_SETTINGS_SHAPE,
  statsOptionsError,
  type ResolvedConfig,
  type SettingName,
  type SettingOrigin,
  type StatsClientConfig,
  type StatsClientOptions,
} from './options.js';
import { StatsClient } from './stats-client.js';

/** `STATS_CLIENT_SETTINGS__DEST_HOST` and so on. */
export const SETTINGS_ENV_PREFIX = 'STATS_CLIENT_SETTINGS__';
/** `--stats-dest-host value` or `--stats-dest-host=value` and so on. */
export const SETTINGS_ARGV_PREFIX = '--stats-';
const CONFIG_FILE_ENV = `${SETTINGS_ENV_PREFIX}CONFIG_FILE`;
const CONFIG_FILE_ARGV = `${SETTINGS_ARGV_PREFIX}config-file`;
const LOAD = 'StatsClientSettings.load()';

/** One value and where it came from, before validation. `raw` values are strings from argv / env. */
interface SettingInput {
  readonly value: unknown;
  /** The layer the value came from: argv, env, a config file, options or the built-in default. */
  readonly source: SettingSource;
  /** The exact place: a flag, a variable, `file: key`, or `defaults.key`. */
  readonly origin: string;
  /** True when `value` is text to be parsed (argv, env); false when it is already typed. */
  readonly raw: boolean;
}

type SettingInputs = Partial<Record<SettingName, SettingInput>>;

/** Options of `StatsClientSettings.load()`: where to read settings from. */
export interface LoadSettingsOptions {
  /** Defaults to `process.argv.slice(2)`. Arguments not starting with `--stats-` are ignored. */
  readonly argv?: readonly string[];
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A JSON file of settings; otherwise `--stats-config-file` or `STATS_CLIENT_SETTINGS__CONFIG_FILE`. */
  readonly configFile?: string;
  /** Your own defaults, below the file and above the built-in defaults. */
  readonly defaults?: StatsClientConfig;
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camelFromSnake = (key: string): string => key.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The environment variable of a setting: `destHost` -> `STATS_CLIENT_SETTINGS__DEST_HOST`. */
export function settingEnvName(name: SettingName): string {
  return `${SETTINGS_ENV_PREFIX}${snake(name)}`;
}

/** The command-line flag of a setting: `destHost` -> `--stats-dest-host`. */
export function settingArgvName(name: SettingName): string {
  return `${SETTINGS_ARGV_PREFIX}${kebab(name)}`;
}

const BY_ENV = new Map(SETTING_NAMES.map((n) => [settingEnvName(n), n]));
const BY_ARGV = new Map(SETTING_NAMES.map((n) => [settingArgvName(n), n]));

/** `did you mean \`destPort\`?`, or the list of valid names when none is close. */
function unknownHint(name: string, valid: readonly string[]): { hint: string; suggestion?: string } {
  const suggestion = closestName(name, valid);
  return suggestion === undefined
    ? { hint: `expected one of ${valid.join(', ')}` }
    : { hint: `did you mean \`${suggestion}\`?`, suggestion };
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function parseTagsText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as unknown;
  const out: Record<string, string> = {};
  for (const part of trimmed.split(',')) {
    if (!part) continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw new Error(`tag ${JSON.stringify(part)} is not key:value`);
    out[part.slice(0, colon)] = part.slice(colon + 1);
  }
  return out;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Text from argv or env to a value of the field's kind; text that does not parse is left as text for the check to refuse. */
function parseRaw(name: SettingName, text: string, fail: (problem: string) => never): unknown {
  const t = text.trim();
  switch (STATS_CLIENT_SETTINGS_SHAPE[name].kind) {
    case 'boolean':
      return TRUE.has(t.toLowerCase()) ? true : FALSE.has(t.toLowerCase()) ? false : text;
    case 'integer':
      return /^[-+]?\d+$/.test(t) ? Number(t) : text;
    case 'number':
      return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
    case 'record':
      try {
        return parseTagsText(text);
      } catch (error) {
        return fail(`expected k:v,k2:v2 or a JSON object, got ${show(text)} (${(error as Error).message})`);
      }
    default:
      return text;
  }
}

/** Parses and checks one value by its field; throws StatsConfigError naming the setting and its origin. */
function coerceSetting(name: SettingName, input: SettingInput): unknown {
  const fail = (problem: string): never => {
    throw new StatsConfigError(name, input.source, input.origin, problem);
  };
  const value = input.raw && typeof input.value === 'string' ? parseRaw(name, input.value, fail) : input.value;
  validateField(STATS_CLIENT_SETTINGS_SHAPE[name], value, name, {
    source: input.origin,
    error: (_message, details) => new StatsConfigError(name, input.source, input.origin, details.problem ?? 'invalid'),
  });
  return value;
}

/** The first layer that has each setting (highest first), checked, then the config: defaults from the shape, rules between settings. */
function resolveLayers(layers: readonly SettingInputs[]): { config: ResolvedConfig; origins: SettingOrigins } {
  const values: Record<string, unknown> = {};
  const origins = {} as Record<SettingName, SettingOrigin>;
  for (const name of SETTING_NAMES) {
    const input = layers.map((l) => l[name]).find((i) => i !== undefined && i.value !== undefined);
    if (input) values[name] = coerceSetting(name, input);
    origins[name] = input ? { source: input.source, origin: input.origin } : DEFAULT_ORIGIN;
  }
  const resolved = resolveOptions(STATS_CLIENT_SETTINGS_SHAPE, values as StatsClientConfig, {
    source: LOAD,
    error: statsOptionsError(LOAD),
  });
  return finishConfig(resolved, origins, LOAD);
}

/** An unknown variable, flag or file key: named, with the closest valid one of the same kind. */
function unknown(kind: SettingSource, origin: string, what: string, valid: readonly string[]): never {
  const { hint, suggestion } = unknownHint(kind === 'file' ? what : origin, valid);
  throw new StatsConfigError(what, kind, origin, hint, { kind: 'unknown', ...(suggestion ? { suggestion } : {}) });
}

function argvLayer(argv: readonly string[]): { layer: SettingInputs; configFile?: string } {
  const layer: SettingInputs = {};
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith(SETTINGS_ARGV_PREFIX)) continue;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = flag === CONFIG_FILE_ARGV ? 'configFile' : BY_ARGV.get(flag);
    if (name === undefined) unknown('argv', flag, flag.slice(SETTINGS_ARGV_PREFIX.length), [...BY_ARGV.keys(), CONFIG_FILE_ARGV]);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (name === 'tls' && (next === undefined || next.startsWith('--'))) value = 'true';
      else if (next === undefined || next.startsWith('--')) {
        throw new StatsConfigError(name, 'argv', flag, `a value is required: ${flag} <value> or ${flag}=<value>`);
      } else {
        value = next;
        i++;
      }
    }
    if (name === 'configFile') configFile = value;
    else layer[name] = { value, source: 'argv', origin: flag, raw: true };
  }
  return configFile === undefined ? { layer } : { layer, configFile };
}

function envLayer(env: Readonly<Record<string, string | undefined>>): { layer: SettingInputs; configFile?: string } {
  const layer: SettingInputs = {};
  let configFile: string | undefined;
  for (const key of Object.keys(env)) {
    if (!key.startsWith(SETTINGS_ENV_PREFIX)) continue;
    const value = env[key];
    // An empty variable (`FOO=` in a compose file) means unset.
    if (value === undefined || value === '') continue;
    if (key === CONFIG_FILE_ENV) {
      configFile = value;
      continue;
    }
    const name = BY_ENV.get(key);
    if (name === undefined) unknown('env', key, key.slice(SETTINGS_ENV_PREFIX.length), [...BY_ENV.keys(), CONFIG_FILE_ENV]);
    layer[name] = { value, source: 'env', origin: key, raw: true };
  }
  return configFile === undefined ? { layer } : { layer, configFile };
}

function fileLayer(path: string, pathOrigin: SettingOrigin): SettingInputs {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new StatsConfigError(
      'configFile',
      pathOrigin.source,
      pathOrigin.origin,
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StatsConfigError('configFile', 'file', path, `not valid JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new StatsConfigError('configFile', 'file', path, 'expected a JSON object of settings');
  }
  const layer: SettingInputs = {};
  for (const key of Object.keys(data)) {
    const name = (SETTING_NAMES as readonly string[]).includes(key) ? key : camelFromSnake(key);
    if (!(SETTING_NAMES as readonly string[]).includes(name)) unknown('file', `${path}: ${key}`, key, SETTING_NAMES);
    layer[name as SettingName] = { value: (data as Record<string, unknown>)[key], source: 'file', origin: `${path}: ${key}`, raw: false };
  }
  return layer;
}

function defaultsLayer(defaults: StatsClientConfig): SettingInputs {
  const layer: SettingInputs = {};
  for (const key of Object.keys(defaults)) {
    if (!(SETTING_NAMES as readonly string[]).includes(key)) unknown('options', `defaults.${key}`, key, SETTING_NAMES);
    layer[key as SettingName] = {
      value: (defaults as Record<string, unknown>)[key],
      source: 'options',
      origin: `defaults.${key}`,
      raw: false,
    };
  }
  return layer;
}

/** Extras that only code can give (functions, objects), passed to `createClient`. */
export type CreateClientOptions = Pick<StatsClientOptions, 'onError' | 'transport' | 'tlsOptions'>;

/**
 * A stats client's settings read from argv, the environment (`STATS_CLIENT_SETTINGS__*`), a JSON config file
 * and defaults, each value checked and its origin kept; `createClient()` builds the client from them.
 */
export class StatsClientSettings {
  readonly #config: ResolvedConfig;
  readonly #origins: SettingOrigins;

  private constructor(config: ResolvedConfig, origins: SettingOrigins) {
    this.#config = config;
    this.#origins = origins;
  }

  /**
   * Reads the settings: argv over env over the JSON config file over `defaults` over built-in
   * defaults. Throws `StatsConfigError` naming the setting and where its value came from.
   */
  static load(options: LoadSettingsOptions = {}): StatsClientSettings {
    const argv = argvLayer(options.argv ?? process.argv.slice(2));
    const env = envLayer(options.env ?? process.env);
    const layers: SettingInputs[] = [argv.layer, env.layer];
    let path: string | undefined;
    let pathOrigin: SettingOrigin | undefined;
    if (options.configFile !== undefined) [path, pathOrigin] = [options.configFile, { source: 'options', origin: 'options.configFile' }];
    else if (argv.configFile !== undefined) [path, pathOrigin] = [argv.configFile, { source: 'argv', origin: CONFIG_FILE_ARGV }];
    else if (env.configFile !== undefined) [path, pathOrigin] = [env.configFile, { source: 'env', origin: CONFIG_FILE_ENV }];
    if (path !== undefined && pathOrigin !== undefined) layers.push(fileLayer(path, pathOrigin));
    if (options.defaults) layers.push(defaultsLayer(options.defaults));
    const { config, origins } = resolveLayers(layers);
    return new StatsClientSettings(config, origins);
  }

  /** The transport to use (setting `protocol`). */
  get protocol(): ResolvedConfig['protocol'] {
    return this.#config.protocol;
  }
  /** The server's host (setting `destHost`). */
  get destHost(): string {
    return this.#config.destHost;
  }
  /** The server's port (setting `destPort`). */
  get destPort(): number {
    return this.#config.destPort;
  }
  /** The metric name prefix (setting `prefix`); empty for none. */
  get prefix(): string {
    return this.#config.prefix;
  }
  /** Whether a secret is set; the secret itself is never exposed. */
  get hasSecret(): boolean {
    return this.#config.secret !== undefined;
  }

  /** Every setting (the secret as `<redacted>`). */
  values(): Record<string, unknown> {
    return describeConfig(this.#config);
  }

  /** Where a setting's value came from: `{ source: 'env', origin: 'STATS_CLIENT_SETTINGS__DEST_PORT' }`. */
  sourceOf(name: SettingName): SettingOrigin {
    return this.#origins[name];
  }

  /** Builds the client. Settings come from `load()`; `extra` gives only what code alone can (functions, a transport, TLS objects). */
  createClient(extra: CreateClientOptions = {}): StatsClient {
    for (const key of Object.keys(extra)) {
      if (!['onError', 'transport', 'tlsOptions'].includes(key)) {
        throw new StatsConfigError(
          key,
          'options',
          'createClient()',
          'settings come from load() (pass them as its defaults); createClient takes onError, transport and tlsOptions',
          { kind: 'unknown' },
        );
      }
    }
    const options: Record<string, unknown> = { ...extra };
    for (const name of SETTING_NAMES) {
      const value = this.#config[name];
      if (value !== undefined) options[name] = value;
    }
    return new StatsClient(options);
  }

  /** A one-line summary, the secret redacted. */
  toString(): string {
    const c = this.#config;
    return `StatsClientSettings(${c.protocol}://${c.protocol === 'uds' ? c.socketPath : `${c.destHost}:${c.destPort}`}${c.prefix ? `, prefix ${c.prefix}` : ''}${c.secret === undefined ? '' : ', secret <redacted>'})`;
  }

  /** Every setting, the secret redacted: what `JSON.stringify` prints. */
  toJSON(): Record<string, unknown> {
    return this.values();
  }

  /** What `console.log` and `util.inspect` print: every setting, the secret redacted. */
  [inspect.custom](): string {
    return `StatsClientSettings ${inspect(this.values())}`;
  }
}
