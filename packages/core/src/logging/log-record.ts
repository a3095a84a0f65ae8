import type { LogLevel } from './levels.js';

/** Structured fields of a log record, name to value. */
export type LogFields = Readonly<Record<string, unknown>>;

/** One log event as handed to a sink. */
export interface LogRecord {
  /** When the record was made. */
  readonly time: Date;
  /** The dotted name of the logger, e.g. `sightline.stats`. */
  readonly logger: string;
  /** The record's level. */
  readonly level: Exclude<LogLevel, 'silent'>;
  /** The message, control characters escaped and truncated. */
  readonly message: string;
  /** The record's fields, if any. */
  readonly fields: LogFields | undefined;
}

/** Where records go. Replace it to route Sightline's logs into pino, winston or a test buffer. */
export type LogSink = (record: LogRecord) => void;
