// LoggingSensor: sensor events as log records through core's logger hierarchy. Message bodies and
// table values are never logged (they may hold personal data); keys and offsets are.
import { getLogger, type LogFields, type Logger, type LogLevel, type SensorState } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import { BaseSensor } from './base-sensor.js';
import { type Clock } from './clock.js';
import { LOGGING_SENSOR_SHAPE, resolveSensorOptions, type LoggingSensorOptions } from './options.js';

type EmitLevel = Exclude<LogLevel, 'silent'>;

/** What a `format` sees: the default message and the record's fields. */
export interface SensorLogEntry {
  /** The log message, e.g. `message in`. */
  readonly message: string;
  /** The entry's structured fields, e.g. `tp` and `offset`. */
  readonly fields: LogFields;
}

const MAX_KEY_LENGTH = 200;

function tableName(table: unknown): string {
  if (typeof table === 'string') return table;
  const name = (table as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'table';
}

function keyText(key: unknown): string {
  let text: string;
  try {
    text = typeof key === 'string' ? key : String(key);
  } catch {
    text = Object.prototype.toString.call(key);
  }
  return text.length > MAX_KEY_LENGTH ? `${text.slice(0, MAX_KEY_LENGTH)}...` : text;
}

function compileTemplate(template: string): (entry: SensorLogEntry) => string {
  return ({ fields }) => template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in fields ? String(fields[name]) : whole));
}

/**
 * Logs sensor events: messages in and out, table operations, commit and send latencies, rebalances.
 * Nothing is formatted when the logger's level hides the records, so a quiet LoggingSensor costs a
 * level check per event. Core's loggers show `warn` and above by default: turn `sightline.sensor` up
 * (`SIGHTLINE_LOG=sightline.sensor=info`) to see the records.
 */
export class LoggingSensor extends BaseSensor {
  /** The logger entries go to (option `loggerName`). */
  readonly logger: Logger;
  /** The level entries are logged at (option `level`). */
  readonly level: EmitLevel;
  private readonly format: ((entry: SensorLogEntry) => string) | undefined;
  private readonly clock: Clock;

  constructor(options: LoggingSensorOptions = {}) {
    super();
    const { loggerName, level, format, clock } = resolveSensorOptions(LOGGING_SENSOR_SHAPE, options, 'new LoggingSensor()');
    // The shape allows the five levels that emit; `silent` is refused there.
    this.level = level;
    this.logger = getLogger(loggerName);
    this.format = typeof format === 'string' ? compileTemplate(format) : format;
    this.clock = clock;
  }

  private emit(level: EmitLevel, message: string, fields: LogFields): void {
    let text = message;
    if (this.format !== undefined) {
      try {
        text = this.format({ message, fields });
      } catch {
        // A broken format must not lose the record: fall back to the default message.
      }
    }
    this.logger[level](text, fields);
  }

  /** Logs a message received on `tp` at `offset`. */
  logMessageIn(tp: string, offset: number, _message?: unknown): void {
    if (!this.logger.isEnabled(this.level)) return;
    this.emit(this.level, `message in ${tp} offset ${offset}`, { event: 'message_in', tp, offset });
  }

  /** Logs a message sent on `tp` at `offset`. */
  logMessageOut(tp: string, offset: number, _message?: unknown): void {
    if (!this.logger.isEnabled(this.level)) return;
    this.emit(this.level, `message out ${tp} offset ${offset}`, { event: 'message_out', tp, offset });
  }

  /** `operation` is `get`, `set`, `del`, `contains` or your own; the value itself is never logged. */
  logTableOperation(operation: string, table: unknown, key: unknown, _value?: unknown): void {
    if (!this.logger.isEnabled(this.level)) return;
    const name = tableName(table);
    const k = keyText(key);
    this.emit(this.level, `table ${name} ${operation} ${k}`, { event: 'table', operation, table: name, key: k });
  }

  /** Logs a figure, e.g. a latency in seconds, with its context fields. */
  logPerformanceMetric(metricName: string, value: number, context: Readonly<Record<string, unknown>> = {}): void {
    if (!this.logger.isEnabled(this.level)) return;
    this.emit(this.level, `${metricName} ${value}`, { ...context, event: 'performance', metric: metricName, value });
  }

  /** Records `message in <tp> offset <offset>` (the message itself is never logged). */
  override onMessageIn(tp: string, offset: number, message: unknown): void {
    this.logMessageIn(tp, offset, message);
  }
  /** Records `message out <tp> offset <offset>` (the message itself is never logged). */
  override onMessageOut(tp: string, offset: number, message: unknown): void {
    this.logMessageOut(tp, offset, message);
  }
  /** Records `table <name> get <key>`. */
  override onTableGet(table: unknown, key: unknown): void {
    this.logTableOperation('get', table, key);
  }
  /** Records `table <name> set <key>`; the value is never logged. */
  override onTableSet(table: unknown, key: unknown, value: unknown): void {
    this.logTableOperation('set', table, key, value);
  }
  /** Records `table <name> del <key>`. */
  override onTableDel(table: unknown, key: unknown): void {
    this.logTableOperation('del', table, key);
  }
  /** Records `table <name> contains <key>`. */
  override onTableContains(table: unknown, key: unknown): void {
    this.logTableOperation('contains', table, key);
  }
  /** Records `commit_latency_seconds`, the time since `state` (nothing when `state` is not a start time). */
  override onCommitCompleted(_consumer: unknown, state: SensorState): void {
    if (typeof state !== 'number' || !this.logger.isEnabled(this.level)) return;
    this.logPerformanceMetric('commit_latency_seconds', (this.clock.now() - state) / 1000);
  }
  /** Records `send_latency_seconds`, the time since `state` (nothing when `state` is not a start time). */
  override onSendCompleted(_producer: unknown, state: SensorState): void {
    if (typeof state !== 'number' || !this.logger.isEnabled(this.level)) return;
    this.logPerformanceMetric('send_latency_seconds', (this.clock.now() - state) / 1000);
  }
  /** Records `send failed: <error>` at `warn` (or `error`, when that is the level). */
  override onSendError(_producer: unknown, error: unknown, _state: SensorState): void {
    const level: EmitLevel = this.level === 'error' ? 'error' : 'warn';
    if (!this.logger.isEnabled(level)) return;
    const text = errorText(error);
    this.emit(level, `send failed: ${text}`, { event: 'send_error', error: text });
  }
  /** Records `rebalance started`; returns its start time, for `onRebalanceEnd`. */
  override onRebalanceStart(_app: unknown): number {
    if (this.logger.isEnabled(this.level)) this.emit(this.level, 'rebalance started', { event: 'rebalance_start' });
    return this.clock.now();
  }
  /** Records `rebalance_seconds`, the time since `state` (nothing when `state` is not a start time). */
  override onRebalanceEnd(_app: unknown, state: SensorState): void {
    if (typeof state !== 'number' || !this.logger.isEnabled(this.level)) return;
    this.logPerformanceMetric('rebalance_seconds', (this.clock.now() - state) / 1000);
  }
  /** Records `topic buffer full <tp>`. */
  override onTopicBufferFull(tp: string): void {
    if (!this.logger.isEnabled(this.level)) return;
    this.emit(this.level, `topic buffer full ${tp}`, { event: 'topic_buffer_full', tp });
  }
}
