// Observability levels: a scope records what is at or above its level.
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OtelConfigError } from './errors.js';

/** The level of a scope or record: records below an observability's level are dropped. */
export type ObservabilityLevel = 'debug' | 'info' | 'warning' | 'error';

/** The level names, lowest first. */
export const OBSERVABILITY_LEVELS: readonly ObservabilityLevel[] = Object.freeze(['debug', 'info', 'warning', 'error']);

export const LEVEL_RANK: Readonly<Record<ObservabilityLevel, number>> = Object.freeze({
  debug: 1,
  info: 2,
  warning: 3,
  error: 4,
});

export const LEVEL_SEVERITY: Readonly<Record<ObservabilityLevel, SeverityNumber>> = Object.freeze({
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warning: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
});

export const LEVEL_TEXT: Readonly<Record<ObservabilityLevel, string>> = Object.freeze({
  debug: 'DEBUG',
  info: 'INFO',
  warning: 'WARN',
  error: 'ERROR',
});

const ALIASES: Readonly<Record<string, ObservabilityLevel>> = Object.freeze({ warn: 'warning' });

/** Accepts the four level names (and `warn`) in any case; anything else throws. */
export function parseObservabilityLevel(value: unknown, source = 'observability level'): ObservabilityLevel {
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower in LEVEL_RANK) return lower as ObservabilityLevel;
    const alias = ALIASES[lower];
    if (alias) return alias;
  }
  throw new OtelConfigError(
    `Invalid ${source} ${typeof value === 'string' ? JSON.stringify(value) : typeof value}: ` +
      `expected one of ${Object.keys(LEVEL_RANK).join(', ')}`,
  );
}
