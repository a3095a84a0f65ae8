// The options shapes of this package's constructors and plugin factories, checked by core's one
// rule (unknown keys, types, ranges) before each constructor's own cross-field checks.
import { opt, validateOptions, type Shape } from '@sightline/core/internal';
import { SensorConfigError } from './errors.js';

const clock = opt.any({
  check: (v: { now?: unknown }) =>
    typeof v === 'object' && v !== null && typeof v.now === 'function' ? undefined : 'expected a Clock { now(): number }',
});
const positiveInt = opt.integer({ min: 1 });

export const MONITOR_SHAPE: Shape = Object.freeze({
  maxAvgHistory: positiveInt,
  maxCommitLatencyHistory: positiveInt,
  maxSendLatencyHistory: positiveInt,
  sampleIntervalMs: opt.number({ above: 0 }),
  timeEventsEvery: opt.integer({ min: 0 }),
  maxTopicPartitions: positiveInt,
  clock,
});

export const HEALTH_MONITOR_SHAPE: Shape = Object.freeze({
  ...MONITOR_SHAPE,
  lagThreshold: opt.number({ min: 0 }),
  errorRateThreshold: opt.number({ min: 0, max: 1 }),
  errorRateWindowMs: opt.number({ above: 0 }),
  checkIntervalMs: opt.number({ above: 0 }),
  memoryThresholdRatio: opt.number({ above: 0, max: 1 }),
  stalledAfterMs: opt.number({ above: 0 }),
  onAlert: opt.function(),
  name: opt.string({ nonEmpty: true }),
  critical: opt.boolean(),
  memoryUsage: opt.function(),
});

export const LOGGING_SENSOR_SHAPE: Shape = Object.freeze({
  loggerName: opt.string({ nonEmpty: true }),
  level: opt.enum(['trace', 'debug', 'info', 'warn', 'error']),
  format: opt.oneOf([opt.string(), opt.function()]),
  clock,
});

export const CUSTOM_SENSOR_SHAPE: Shape = Object.freeze({
  maxHistogramSamples: positiveInt,
  maxKeys: positiveInt,
  clock,
});

export const MONITOR_PLUGIN_SHAPE: Shape = Object.freeze({ ...MONITOR_SHAPE, name: opt.string({ nonEmpty: true }) });
export const HEALTH_MONITOR_PLUGIN_SHAPE: Shape = Object.freeze({ ...HEALTH_MONITOR_SHAPE, pluginName: opt.string({ nonEmpty: true }) });
export const LOGGING_PLUGIN_SHAPE: Shape = Object.freeze({ ...LOGGING_SENSOR_SHAPE, name: opt.string({ nonEmpty: true }) });

/** Checks `options` against `shape`, throwing SensorConfigError naming `source`. */
export function checkSensorOptions<T>(shape: Shape, options: T, source: string): T {
  return validateOptions(shape, options, { source, error: (message, details) => new SensorConfigError(message, details) });
}
