// The logger hierarchy: `sightline.ws.client` inherits its level from the nearest configured
// ancestor (`sightline.ws`, then `sightline`, then the root), as Python's logging does.
import { LEVEL_VALUES, parseLogLevel, type LogLevel } from './levels.js';
import { opt, type Shape } from '../options/field.js';
import { validateOptions } from '../options/schema.js';
import type { LogFields, LogSink } from './log-record.js';
import { errorText } from '../util/error-text.js';
import { sanitizeLogText } from './sanitize.js';
import { stderrSink } from './stderr-sink.js';

/** The variable read for log levels: `SIGHTLINE_LOG`, e.g. `sightline.stats=debug,sightline.ws=warn`. */
export const LOG_ENV_VAR = 'SIGHTLINE_LOG';
const ROOT = '';
const DEFAULT_ROOT_LEVEL: LogLevel = 'warn';

interface LoggingState {
  readonly levels: Map<string, LogLevel>;
  readonly loggers: Map<string, LoggerImpl>;
  /** A renamed logger's former name, by its current one (absent in a state made by an older copy). */
  formerNames?: Map<string, string>;
  sink: LogSink;
  generation: number;
}

// Kept on globalThis so the ESM and CommonJS copies of this package (or two installed versions)
// share one configuration instead of silently diverging.
const STATE_KEY = Symbol.for('sightline.logging.state');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: LoggingState };

function state(): LoggingState {
  const g = globalThis as GlobalWithState;
  let s = g[STATE_KEY];
  if (!s) {
    s = { levels: new Map(), loggers: new Map(), formerNames: new Map(), sink: stderrSink, generation: 0 };
    g[STATE_KEY] = s;
    applyEnvLevels(s, process.env[LOG_ENV_VAR]);
  }
  return s;
}

function applyEnvLevels(s: LoggingState, spec: string | undefined): void {
  if (!spec) return;
  const problems: string[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.lastIndexOf('=');
    const name = eq === -1 ? ROOT : entry.slice(0, eq).trim();
    const levelText = eq === -1 ? entry : entry.slice(eq + 1);
    try {
      s.levels.set(name, parseLogLevel(levelText, `level in ${LOG_ENV_VAR}`));
    } catch (error) {
      problems.push(errorText(error));
    }
  }
  s.generation++;
  // A bad environment variable must not stop the application: say so once and go on.
  for (const problem of problems) {
    s.sink({ time: new Date(), logger: 'sightline.logging', level: 'warn', message: problem, fields: undefined });
  }
}

function resolveLevel(s: LoggingState, name: string): LogLevel {
  let current = name;
  for (;;) {
    const level = s.levels.get(current);
    if (level) return level;
    // A level set on a renamed logger's former name still applies to it, before its ancestors'.
    const former = s.formerNames?.get(current);
    const formerLevel = former === undefined ? undefined : s.levels.get(former);
    if (formerLevel) return formerLevel;
    if (current === ROOT) return DEFAULT_ROOT_LEVEL;
    const dot = current.lastIndexOf('.');
    current = dot === -1 ? ROOT : current.slice(0, dot);
  }
}

/** A named logger; library code logs through `getLogger('sightline.<package>')`. */
export interface Logger {
  /** The logger's dotted name, e.g. `sightline.ws.client`. */
  readonly name: string;
  /** The effective level: this logger's own, or its nearest configured ancestor's. */
  readonly level: LogLevel;
  /** Whether a record at `level` would be written; check it before building costly fields. */
  isEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** Logs at trace level. */
  trace(message: string, fields?: LogFields): void;
  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(message: string, fields?: LogFields): void;
  /** `getLogger('sightline.ws').child('client')` is `sightline.ws.client`. */
  child(suffix: string): Logger;
}

// Strings are bounded and escaped before any sink sees them; other values (an Error for a pino
// serializer, a number) pass through, and the stderr sink bounds their rendering itself.
function sanitizeFields(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return fields;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const safeKey = sanitizeLogText(key, 256);
    const safeValue = typeof value === 'string' ? sanitizeLogText(value) : value;
    if (out === undefined && (safeKey !== key || safeValue !== value)) {
      out = {};
      for (const k of Object.keys(fields)) {
        if (k === key) break;
        out[k] = fields[k];
      }
    }
    if (out !== undefined) out[safeKey] = safeValue;
  }
  return out ?? fields;
}

class LoggerImpl implements Logger {
  private cachedGeneration = -1;
  private threshold = 0;

  constructor(
    readonly name: string,
    private readonly s: LoggingState,
  ) {}

  get level(): LogLevel {
    return resolveLevel(this.s, this.name);
  }

  private currentThreshold(): number {
    if (this.cachedGeneration !== this.s.generation) {
      this.threshold = LEVEL_VALUES[resolveLevel(this.s, this.name)];
      this.cachedGeneration = this.s.generation;
    }
    return this.threshold;
  }

  isEnabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return LEVEL_VALUES[level] >= this.currentThreshold();
  }

  private emit(level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields | undefined): void {
    if (LEVEL_VALUES[level] < this.currentThreshold()) return;
    try {
      this.s.sink({ time: new Date(), logger: this.name, level, message: sanitizeLogText(message), fields: sanitizeFields(fields) });
    } catch {
      // A broken sink must not break the caller; there is nowhere left to report it.
    }
  }

  trace(message: string, fields?: LogFields): void {
    this.emit('trace', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.emit('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit('error', message, fields);
  }

  child(suffix: string): Logger {
    return getLogger(`${this.name}.${suffix}`);
  }
}

/** Returns the logger for a dotted name; the same name always gives the same logger. */
export function getLogger(name: string): Logger {
  const s = state();
  let logger = s.loggers.get(name);
  if (!logger) {
    logger = new LoggerImpl(name, s);
    s.loggers.set(name, logger);
  }
  return logger;
}

/**
 * Keeps a renamed logger's former name working for levels: a level set on `formerName` (in code or
 * `SIGHTLINE_LOG`) applies to `name` when `name` has no level of its own. Records carry `name`.
 */
export function aliasLoggerName(name: string, formerName: string): void {
  const s = state();
  (s.formerNames ??= new Map()).set(name, formerName);
  s.generation++;
}

/**
 * Sets the level of a namespace and, through inheritance, of every logger below it that has no
 * level of its own. `''` is the root. `level` may be `undefined` to clear a namespace's own level.
 */
export function setLogLevel(namespace: string, level: LogLevel | undefined): void {
  const s = state();
  if (level === undefined) s.levels.delete(namespace);
  else s.levels.set(namespace, parseLogLevel(level, `level for ${JSON.stringify(namespace)}`));
  s.generation++;
}

/** Replaces the sink every logger writes to; returns the previous one. */
export function setLogSink(sink: LogSink): LogSink {
  const s = state();
  const previous = s.sink;
  s.sink = sink;
  return previous;
}

/** Options of `configureLogging()`. */
export interface LoggingOptions {
  /** Levels by namespace, applied on top of what is configured already. */
  readonly levels?: Readonly<Record<string, LogLevel>>;
  /** Replaces the sink every logger writes to. Default `stderrSink`. */
  readonly sink?: LogSink;
  /** A spec in the `SIGHTLINE_LOG` form, e.g. `sightline.stats=debug,sightline.ws=warn`. */
  readonly spec?: string;
}

const LOGGING_SHAPE: Shape = Object.freeze({
  levels: opt.record(opt.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent'])),
  sink: opt.any({ env: false }),
  spec: opt.string(),
});

/** Sets levels and the sink for every logger at once. */
export function configureLogging(options: LoggingOptions): void {
  validateOptions(LOGGING_SHAPE, options, { source: 'configureLogging()' });
  const s = state();
  if (options.sink) s.sink = options.sink;
  if (options.spec !== undefined) applyEnvLevels(s, options.spec);
  for (const [namespace, level] of Object.entries(options.levels ?? {})) setLogLevel(namespace, level);
}

/** Forgets every configured level and the sink, then reads `SIGHTLINE_LOG` again. Meant for tests. */
export function resetLogging(env: NodeJS.ProcessEnv = process.env): void {
  const s = state();
  s.levels.clear();
  s.sink = stderrSink;
  s.generation++;
  applyEnvLevels(s, env[LOG_ENV_VAR]);
}
