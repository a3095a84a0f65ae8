// Log levels, ordered: a logger emits a record when its level is at or below the record's.
import { SightlineConfigError } from '../errors.js';

/** A logger's level, from most to least verbose; `silent` logs nothing. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: 100,
});

const ALIASES: Readonly<Record<string, LogLevel>> = Object.freeze({
  warning: 'warn',
  critical: 'error',
  fatal: 'error',
  off: 'silent',
  none: 'silent',
});

/** Accepts our names, Python's (`WARNING`, `CRITICAL`) and common aliases, in any case. */
export function parseLogLevel(value: string, source = 'log level'): LogLevel {
  const lower = value.trim().toLowerCase();
  if (lower in LEVEL_VALUES) return lower as LogLevel;
  const alias = ALIASES[lower];
  if (alias) return alias;
  throw new InvalidLogLevelError(value, source);
}

/** A log level (in code or `SIGHTLINE_LOG`) was not one of the known names. */
export class InvalidLogLevelError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_LOG_LEVEL';

  constructor(
    /** The level given. */
    readonly value: string,
    source: string,
  ) {
    super(`Invalid ${source} ${JSON.stringify(value)}: expected one of ${Object.keys(LEVEL_VALUES).join(', ')}`);
  }
}
