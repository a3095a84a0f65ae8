import type { LogLevel } from './levels.js';

export type LogFields = Readonly<Record<string, unknown>>;

/** One log event as handed to a sink. */
export interface LogRecord {
  readonly time: Date;
  readonly logger: string;
  readonly level: Exclude<LogLevel, 'silent'>;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** Where records go. Replace it to route Sightline's logs into pino, winston or a test buffer. */
export type LogSink = (record: LogRecord) => void;
