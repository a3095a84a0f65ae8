// The options of this package's constructors and plugin factories, each declared once: its type,
// checks, default and doc line. The exported options types and the README's options tables are
// derived from these shapes, and every constructor reads its options through `resolveSensorOptions`.
import { defineShape, opt, optionsResolver, type OptionsOf, type OptionsResolver } from '@sightline/core/internal';
import { monotonicClock, wallClock, type Clock } from './clock.js';
import { SensorConfigError } from './errors.js';
import type { HealthAlert } from './health-monitor.js';
import type { SensorLogEntry } from './logging-sensor.js';
import { processMemory, type MemorySample } from './process-memory.js';

/** `options` checked against `shape` and completed with its defaults; a problem throws SensorConfigError naming `source`. */
export const resolveSensorOptions: OptionsResolver = optionsResolver((message, details) => new SensorConfigError(message, details));

// `Date` is a clock too (a function with a static now()).
const isClock = (v: unknown): string | undefined =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { now?: unknown }).now === 'function'
    ? undefined
    : 'expected a Clock { now(): number }';

const monotonic = opt.any<Clock>({
  check: isClock,
  expected: 'a Clock, `{ now(): number }`',
  default: monotonicClock,
  defaultText: '`performance`',
  doc: 'Milliseconds, monotonic: the time base of the start times handed back to closing callbacks. Pass a fake in tests.',
});

/** Options of `new Monitor(options)`. */
export const MONITOR_SHAPE = defineShape({
  maxAvgHistory: opt.integer({
    min: 1,
    default: 100,
    doc: 'Rates average over the last N sample intervals; event runtime, assignment and rebalance latencies over the last N values.',
  }),
  maxCommitLatencyHistory: opt.integer({
    min: 1,
    default: 30,
    doc: 'Commit latencies kept for `commitLatencyAvg()` / `commitLatencyMax()`.',
  }),
  maxSendLatencyHistory: opt.integer({ min: 1, default: 30, doc: 'Send latencies kept for `sendLatencyAvg()` / `sendLatencyMax()`.' }),
  sampleIntervalMs: opt.number({ above: 0, default: 1000, doc: 'Interval of the snapshots of the totals that rates are measured from.' }),
  timeEventsEvery: opt.integer({
    min: 0,
    default: 64,
    doc: 'Time one stream event in N (1: all, 0: none): reading the clock costs more than the rest of an event. An event another sensor timed is always measured.',
  }),
  maxTopicPartitions: opt.integer({
    min: 1,
    default: 10_000,
    doc: 'Partitions tracked one by one; events for partitions past it are counted in `untrackedTopicPartitionEventsTotal()`.',
  }),
  clock: monotonic,
});

/** Options of `new HealthMonitor(options)`: a Monitor's, plus thresholds and its HealthCheck. */
export const HEALTH_MONITOR_SHAPE = defineShape({
  ...MONITOR_SHAPE,
  lagThreshold: opt.number({ min: 0, default: 1000, doc: 'Consumer lag, in messages, above which a partition is unhealthy.' }),
  errorRateThreshold: opt.number({ min: 0, max: 1, default: 0.1, doc: 'Send error rate (0..1) above which the service is unhealthy.' }),
  errorRateWindowMs: opt.number({
    above: 0,
    defaultText: '60000, or `maxAvgHistory * sampleIntervalMs` when smaller',
    doc: 'Window the send error rate is measured over; at most `maxAvgHistory * sampleIntervalMs`.',
  }),
  checkIntervalMs: opt.number({
    above: 0,
    default: 30_000,
    doc: "Interval of the periodic check after `start()` (an unref'd timer; `close()` ends it).",
  }),
  memoryThresholdRatio: opt.number({
    above: 0,
    max: 1,
    default: 0.9,
    doc: 'Heap used over V8 heap limit above which memory is unhealthy.',
  }),
  stalledAfterMs: opt.number({
    above: 0,
    defaultText: 'off',
    doc: 'No message or event for this long is unhealthy; absent, stalls are not checked.',
  }),
  onAlert: opt.function<(alert: HealthAlert) => void>({
    doc: 'Called once each time a condition turns unhealthy, with `{ condition, message, details }`; what it throws is logged and dropped.',
  }),
  name: opt.string({ nonEmpty: true, default: 'sensors', doc: 'Name of the HealthCheck (`healthCheck.name`).' }),
  critical: opt.boolean({ default: true, doc: "Whether the HealthCheck's failure makes the service unready." }),
  memoryUsage: opt.function<() => MemorySample>({
    default: processMemory,
    defaultText: "`process.memoryUsage()` and V8's heap limit",
    doc: 'Reads the memory, `{ rss, heapUsed, heapTotal, heapLimit, external }` in bytes; injectable for tests.',
  }),
});

/** Options of `new LoggingSensor(options)`. */
export const LOGGING_SENSOR_SHAPE = defineShape({
  loggerName: opt.string({ nonEmpty: true, default: 'sightline.sensor', doc: 'Logger the records go to.' }),
  level: opt.enum(['trace', 'debug', 'info', 'warn', 'error'], {
    default: 'info',
    doc: 'Level of the records; send errors go at `warn` or above.',
  }),
  format: opt.oneOf([opt.string(), opt.function<(entry: SensorLogEntry) => string>()], {
    doc: "The message: a template whose `{field}` placeholders take the record's fields (`{event}`, `{tp}`, `{offset}`, `{table}`, `{key}`, `{metric}`, `{value}`...), or a function of `{ message, fields }`.",
  }),
  clock: opt.any<Clock>({
    check: isClock,
    expected: 'a Clock, `{ now(): number }`',
    default: monotonicClock,
    defaultText: '`performance`',
    doc: 'Clock of the latencies it logs: the time base of the start times it is handed.',
  }),
});

/** Options of `new CustomSensor(name, options)`. */
export const CUSTOM_SENSOR_SHAPE = defineShape({
  maxHistogramSamples: opt.integer({ min: 1, default: 1000, doc: 'Samples each histogram keeps for its percentiles.' }),
  maxKeys: opt.integer({
    min: 1,
    default: 1000,
    doc: 'Distinct keys each kind (values, counters, gauges, histograms) holds; a recording for a new key past it is dropped and counted.',
  }),
  clock: opt.any<Clock>({
    check: isClock,
    expected: 'a Clock, `{ now(): number }`',
    default: wallClock,
    defaultText: '`Date`',
    doc: 'Where `recordMetric` timestamps come from (epoch milliseconds by default).',
  }),
});

/** Options of the `monitor()` plugin: a Monitor's, plus the plugin's name. */
export const MONITOR_PLUGIN_SHAPE = defineShape({
  ...MONITOR_SHAPE,
  name: opt.string({ nonEmpty: true, default: 'monitor', doc: "Plugin name: the key of the Monitor's figures in setup's snapshot." }),
});

/** Options of the `healthMonitor()` plugin: a HealthMonitor's, plus the plugin's name. */
export const HEALTH_MONITOR_PLUGIN_SHAPE = defineShape({
  ...HEALTH_MONITOR_SHAPE,
  pluginName: opt.string({ nonEmpty: true, default: 'health-monitor', doc: 'Plugin name (`name` names the HealthCheck).' }),
});

/** Options of the `logging()` plugin: a LoggingSensor's, plus the plugin's name. */
export const LOGGING_PLUGIN_SHAPE = defineShape({
  ...LOGGING_SENSOR_SHAPE,
  name: opt.string({ nonEmpty: true, default: 'logging', doc: 'Plugin name.' }),
});

/** The topic-partition `instrumentHandler` reports a call under when none is given or it cannot be read. */
export const DEFAULT_TP = 'default/0';

/** Options of `instrumentHandler(sensor, handler, options)`. */
export const INSTRUMENT_HANDLER_SHAPE = defineShape({
  tp: opt.oneOf([opt.string(), opt.function<(...args: never) => string>()], {
    default: DEFAULT_TP,
    doc: "The topic-partition of a call: fixed, or read from the handler's arguments.",
  }),
  offset: opt.function<(...args: never) => number>({
    defaultText: 'a sequence number (0, 1, 2...)',
    doc: "The offset of a call, read from the handler's arguments.",
  }),
  stream: opt.any({ defaultText: 'the handler', doc: 'Passed to the sensor as `stream`.' }),
  messageIn: opt.boolean({
    default: true,
    doc: 'Also emit `onMessageIn(tp, offset, event)` before each call (what lag and per-partition counts read).',
  }),
});

/** Options of `new Monitor()`; every one optional, each with the default its doc names. */
export type MonitorOptions = OptionsOf<typeof MONITOR_SHAPE>;
/** Options of `new HealthMonitor()`: a Monitor's options plus thresholds and its HealthCheck. */
export type HealthMonitorOptions = OptionsOf<typeof HEALTH_MONITOR_SHAPE>;
/** Options of `new LoggingSensor()`. */
export type LoggingSensorOptions = OptionsOf<typeof LOGGING_SENSOR_SHAPE>;
/** Options of `new CustomSensor(name, options)`. */
export type CustomSensorOptions = OptionsOf<typeof CUSTOM_SENSOR_SHAPE>;
/** Options of the `monitor()` plugin: a Monitor's options plus the plugin's name. */
export type MonitorPluginOptions = OptionsOf<typeof MONITOR_PLUGIN_SHAPE>;
/** Options of the `healthMonitor()` plugin: a HealthMonitor's options plus the plugin's name. */
export type HealthMonitorPluginOptions = OptionsOf<typeof HEALTH_MONITOR_PLUGIN_SHAPE>;
/** Options of the `logging()` plugin: a LoggingSensor's options plus the plugin's name. */
export type LoggingPluginOptions = OptionsOf<typeof LOGGING_PLUGIN_SHAPE>;
/**
 * Options of `instrumentHandler()`: how to read the topic-partition and offset of a call from the
 * handler's arguments `A`.
 */
export type InstrumentHandlerOptions<A extends unknown[]> = Omit<OptionsOf<typeof INSTRUMENT_HANDLER_SHAPE>, 'tp' | 'offset'> & {
  /** The topic-partition of a call: fixed, or read from the handler's arguments. Default `default/0`. */
  readonly tp?: string | ((...args: A) => string);
  /** The offset of a call, read from the handler's arguments. Default: a sequence number (0, 1, 2...). */
  readonly offset?: (...args: A) => number;
};
