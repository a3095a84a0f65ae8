// Command line of sightline-stats-server to the server's settings. Each flag is an option of
// STATS_SERVER_SHAPE (its help line is the option's doc and default); every option can also come
// from a SIGHTLINE_STATS_SERVER_* variable (core's scheme), and flags win over the environment.
import { parseArgs } from 'node:util';
import { envVarName, type Env, type Field, type Shape } from '@sightline/core/internal';
import { StatsServerConfigError } from '../errors.js';
import { ENV_PACKAGE, resolveServerOptions, STATS_SERVER_SHAPE, type StatsServerOptions, type StatsServerSettings } from '../options.js';

/** The variable the CLI reads secrets from when no `--secret` is given. */
export const SECRETS_ENV_VAR = envVarName(ENV_PACKAGE, ['secrets']);

/** How option errors name the command line. */
export const CLI_SOURCE = 'sightline-stats-server';

type FlagValue = 'n' | 'addr' | 'text' | 'list' | 'bool';

interface Flag {
  /** The option it sets, nested ones as a path: `['statsd', 'udpPort']`. */
  readonly path: readonly string[];
  readonly value: FlagValue;
}

// Flags whose names are not the option's path in kebab-case.
const FLAG_NAMES: Readonly<Record<string, string>> = {
  secrets: 'secret',
  'buckets.timer': 'timer-buckets',
  'buckets.histogram': 'histogram-buckets',
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function valueOf(field: Field, key: string): FlagValue {
  if (field.kind === 'integer' || field.kind === 'number') return 'n';
  if (field.kind === 'boolean') return 'bool';
  if (field.kind === 'array') return 'list';
  return key === 'host' ? 'addr' : 'text';
}

/** One flag per option the command line can give: scalars, nested listeners, bucket lists, secrets. */
function flagsOf(shape: Shape, path: readonly string[] = []): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  for (const [key, field] of Object.entries(shape)) {
    const here = [...path, key];
    const objectBranch = field.kind === 'oneOf' ? field.of.find((f) => f.kind === 'object') : undefined;
    if (field.kind === 'object') for (const [name, flag] of flagsOf(field.shape, here)) flags.set(name, flag);
    else if (key === 'secrets') flags.set('secret', { path: here, value: 'text' });
    else if (objectBranch?.kind === 'object') for (const [name, flag] of flagsOf(objectBranch.shape, here)) flags.set(name, flag);
    else flags.set(FLAG_NAMES[here.join('.')] ?? here.map(kebab).join('-'), { path: here, value: valueOf(field, key) });
  }
  return flags;
}

const FLAGS = flagsOf(STATS_SERVER_SHAPE);

function fieldAt(path: readonly string[]): Field {
  let shape: Shape = STATS_SERVER_SHAPE;
  let field: Field | undefined;
  for (const key of path) {
    field = shape[key]!;
    const nested = field.kind === 'oneOf' ? field.of.find((f) => f.kind === 'object') : field;
    if (nested?.kind === 'object') shape = nested.shape;
  }
  return field!;
}

function helpLine(name: string, flag: Flag): string {
  const field = fieldAt(flag.path);
  const head = `  --${name} <${flag.value === 'bool' ? 'true|false' : flag.value === 'list' ? '0.1,1,10' : flag.value}>`;
  const def =
    field.defaultText ?? (field.default === undefined || typeof field.default === 'object' ? undefined : JSON.stringify(field.default));
  const text = `${field.doc ?? ''}${def === undefined ? '' : ` Default ${def}.`}`;
  return wrap(head.padEnd(34), text);
}

/** `head` then `text` wrapped at 100 columns, continuation lines under the text. */
function wrap(head: string, text: string): string {
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 100 && line.trim() !== head.trim()) {
      lines.push(line.trimEnd());
      line = ' '.repeat(head.length);
    }
    line += line.endsWith(' ') ? word : ` ${word}`;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

export const USAGE = `Usage: sightline-stats-server [options]

Receives signed stats batches over HTTP (POST /v1/batch) and WebSocket (/v1/ws), and StatsD lines
over UDP and TCP; serves what it received at GET /metrics (Prometheus) and GET /v1/snapshot (JSON).

Every option can also be set by its SIGHTLINE_STATS_SERVER_<OPTION> variable (${SECRETS_ENV_VAR},
SIGHTLINE_STATS_SERVER_STATSD__UDP_PORT, ...); flags win. Prefer ${SECRETS_ENV_VAR}
(comma-separated) to --secret: command lines are visible to other users of the machine.

Options:
${[...FLAGS].map(([name, flag]) => helpLine(name, flag)).join('\n')}
  --log-level <level>               Level of the sightline.stats-server logs. Default "info".
  -h, --help                        Print this help.
`;

/** What the command line asks for: help, or a server with these settings. */
export interface CliConfig {
  readonly help: boolean;
  readonly logLevel: string;
  /** The options given as flags (undefined only with `help`). */
  readonly options: Partial<StatsServerOptions> | undefined;
  /** The flags over SIGHTLINE_STATS_SERVER_* over the defaults (undefined only with `help`). */
  readonly settings: StatsServerSettings | undefined;
}

function parseFlag(name: string, flag: Flag, text: string): unknown {
  switch (flag.value) {
    case 'n':
      if (!/^[0-9]+$/.test(text))
        throw new StatsServerConfigError(`--${name}: expected a non-negative integer, got ${JSON.stringify(text)}`);
      return Number(text);
    case 'list': {
      const numbers = text.split(',').map((s) => Number(s.trim()));
      if (numbers.some((n) => !Number.isFinite(n)) || text.trim() === '') {
        throw new StatsServerConfigError(`--${name}: expected comma-separated numbers such as 0.01,0.1,1, got ${JSON.stringify(text)}`);
      }
      return numbers;
    }
    case 'bool':
      if (text !== 'true' && text !== 'false')
        throw new StatsServerConfigError(`--${name}: expected true or false, got ${JSON.stringify(text)}`);
      return text === 'true';
    default:
      return text;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

function readFlags(argv: readonly string[]): Record<string, string | boolean | (string | boolean)[] | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of FLAGS.keys()) options[name] = name === 'secret' ? { type: 'string', multiple: true } : { type: 'string' };
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new StatsServerConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

/**
 * Reads the flags, then resolves them over SIGHTLINE_STATS_SERVER_* and the defaults. Throws
 * `StatsServerConfigError` naming the flag, variable or option at fault.
 */
export function parseCliArgs(argv: readonly string[], env: Env): CliConfig {
  const values = readFlags(argv);
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  if (values.help) return { help: true, logLevel, options: undefined, settings: undefined };

  const options: Record<string, unknown> = {};
  for (const [name, flag] of FLAGS) {
    const given = values[name];
    if (given === undefined) continue;
    if (name === 'secret') setPath(options, flag.path, given);
    else setPath(options, flag.path, parseFlag(name, flag, given as string));
  }
  if (options.secrets === undefined && (env[SECRETS_ENV_VAR] ?? '').trim() === '') {
    throw new StatsServerConfigError(`no secret: pass --secret <s> or set ${SECRETS_ENV_VAR} (comma-separated secrets)`);
  }
  return { help: false, logLevel, options, settings: resolveServerOptions(options, { source: CLI_SOURCE, env }) };
}
