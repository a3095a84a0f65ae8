// Recording inside the current scope: metrics, span events and attributes, and log records that
// carry the active trace and span ids. Each call is filtered by the scope's observability level,
// and none throws into the caller: a bad value is dropped and reported once on `sightline.otel`.
import { context, trace, type Context } from '@opentelemetry/api';
import { getLogger } from '@sightline/core';
import { describeValue, errorText, WarningThrottle } from '@sightline/core/internal';
import { LEVEL_RANK, LEVEL_SEVERITY, LEVEL_TEXT, type ObservabilityLevel } from '../levels.js';
import type { MetricKind } from '../metrics/instruments.js';
import { activeBridge, type Bridge } from '../state.js';
import { sanitizeAttributes, type ScopeAttributes } from './attributes.js';
import type { ObservabilityScope } from './observability-scope.js';
import { OBSERVABILITY_KEY, recordException } from './scope.js';

const log = getLogger('sightline.otel');
// Once per key, in bounded memory: past 1000 keys new ones are throttled together, not logged on every call.
const warnings = new WarningThrottle(log);

/** Logs a problem once per key, at warn: a hot loop with a bad metric must not flood the log. */
export function warnOnce(key: string, message: string, fields?: Record<string, unknown>): void {
  warnings.warn(key, message, fields);
}

function rankOf(level: ObservabilityLevel | undefined): number {
  if (level === undefined) return LEVEL_RANK.info;
  const rank = LEVEL_RANK[level] as number | undefined;
  if (rank === undefined) {
    warnOnce(`level:${String(level)}`, `unknown observability level ${JSON.stringify(level)}; recorded as info`);
    return LEVEL_RANK.info;
  }
  return rank;
}

/** True when a record at `rank` passes the level of the scope active in `ctx`. */
function enabled(ctx: Context, bridge: Bridge, rank: number): boolean {
  const observability = ctx.getValue(OBSERVABILITY_KEY) as ObservabilityScope | undefined;
  return rank >= (observability ? observability.rank : bridge.defaultRank);
}

/** What `recordMetric()` records: the value, the instrument and its unit, attributes and level. */
export interface MetricOptions {
  /** The measurement; must be finite (and \>= 0 for a counter). */
  readonly value: number;
  /** The instrument: `counter`, `histogram` or `gauge`; fixed by the first record of a metric. */
  readonly kind: MetricKind;
  /** UCUM unit, e.g. `ms`, `By`, `1`; fixed by the first record of a metric. */
  readonly unit?: string;
  /** Attributes of this measurement. Default none. */
  readonly attributes?: ScopeAttributes;
  /** Default `info`. */
  readonly level?: ObservabilityLevel;
}

/**
 * Records a measurement: `counter` adds `value` (must be \>= 0), `histogram` records it, `gauge`
 * sets it. Instruments are created on first use and cached by kind and name.
 */
export function recordMetric(name: string, options: MetricOptions): void {
  try {
    const bridge = activeBridge();
    if (!enabled(context.active(), bridge, rankOf(options.level))) return;
    const { value, kind, unit } = options;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      warnOnce(`value:${name}`, `metric ${JSON.stringify(name)}: value ${describeValue(value)} is not a finite number; dropped`);
      return;
    }
    const attributes = options.attributes ? sanitizeAttributes(options.attributes) : undefined;
    switch (kind) {
      case 'counter':
        if (value < 0) {
          warnOnce(`negative:${name}`, `metric ${JSON.stringify(name)}: a counter only goes up, got ${value}; dropped`);
          return;
        }
        bridge.instruments.counter(name, unit).add(value, attributes);
        return;
      case 'histogram':
        bridge.instruments.histogram(name, unit).record(value, attributes);
        return;
      case 'gauge':
        bridge.instruments.gauge(name, unit).record(value, attributes);
        return;
      default:
        warnOnce(
          `kind:${name}`,
          `metric ${JSON.stringify(name)}: unknown kind ${JSON.stringify(kind)}, expected counter, histogram or gauge; dropped`,
        );
    }
  } catch (error) {
    warnOnce(`metric-failed:${name}`, `metric ${JSON.stringify(name)} could not be recorded`, { error: errorText(error) });
  }
}

/** Adds an event to the current scope's span. */
export function recordEvent(name: string, attributes?: ScopeAttributes, level?: ObservabilityLevel): void {
  try {
    const ctx = context.active();
    const span = trace.getSpan(ctx);
    if (!span || !enabled(ctx, activeBridge(), rankOf(level))) return;
    span.addEvent(name, attributes ? sanitizeAttributes(attributes) : undefined);
  } catch (error) {
    warnOnce(`event-failed:${name}`, `event ${JSON.stringify(name)} could not be recorded`, { error: errorText(error) });
  }
}

/** Sets attributes on the current scope's span (`null` / `undefined` values are skipped). */
export function recordAttributes(attributes: ScopeAttributes, level?: ObservabilityLevel): void {
  try {
    const ctx = context.active();
    const span = trace.getSpan(ctx);
    if (!span || !enabled(ctx, activeBridge(), rankOf(level))) return;
    span.setAttributes(sanitizeAttributes(attributes));
  } catch (error) {
    warnOnce('attributes-failed', 'attributes could not be recorded', { error: errorText(error) });
  }
}

function emitLog(level: ObservabilityLevel, message: string, attributes: ScopeAttributes | undefined, exception: unknown): void {
  try {
    const ctx = context.active();
    const bridge = activeBridge();
    if (!enabled(ctx, bridge, LEVEL_RANK[level])) return;
    bridge.logger.emit({
      severityNumber: LEVEL_SEVERITY[level],
      severityText: LEVEL_TEXT[level],
      body: message,
      ...(attributes ? { attributes: sanitizeAttributes(attributes) } : {}),
      ...(exception !== undefined ? { exception } : {}),
      context: ctx,
    });
    if (exception !== undefined) {
      // An exception logged in a scope is recorded on its span too, so the trace shows it where it happened.
      const span = trace.getSpan(ctx);
      if (span) recordException(span, exception);
    }
  } catch (error) {
    warnOnce(`log-failed:${level}`, 'log record could not be emitted', { error: errorText(error) });
  }
}

/** A log record at DEBUG, tied to the current scope's span. */
export function logDebug(message: string, attributes?: ScopeAttributes, exception?: unknown): void {
  emitLog('debug', message, attributes, exception);
}

/** A log record at INFO, tied to the current scope's span. */
export function logInfo(message: string, attributes?: ScopeAttributes, exception?: unknown): void {
  emitLog('info', message, attributes, exception);
}

/** A log record at WARN, tied to the current scope's span. */
export function logWarning(message: string, attributes?: ScopeAttributes, exception?: unknown): void {
  emitLog('warning', message, attributes, exception);
}

/** A log record at ERROR, tied to the current scope's span; an `exception` is recorded on the span too. */
export function logError(message: string, attributes?: ScopeAttributes, exception?: unknown): void {
  emitLog('error', message, attributes, exception);
}
