// Console mode for log records: each on the `sightline.otel` logger at its own severity
// (DEBUG -> debug, INFO -> info, WARN -> warn, ERROR and FATAL -> error), with its trace ids.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { getLogger, type Logger, type LogLevel } from '@sightline/core';
import { errorText } from '@sightline/core/internal';

type Emitting = Exclude<LogLevel, 'silent'>;

function levelFor(severityNumber: number | undefined): Emitting {
  if (severityNumber === undefined || severityNumber === 0) return 'info';
  if (severityNumber <= 4) return 'trace';
  if (severityNumber <= 8) return 'debug';
  if (severityNumber <= 12) return 'info';
  if (severityNumber <= 16) return 'warn';
  return 'error';
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body === undefined) return '';
  try {
    return JSON.stringify(body) ?? errorText(body);
  } catch {
    // A BigInt or a cycle: described the way a thrown value would be, never throwing.
    return errorText(body);
  }
}

export class LoggerLogRecordExporter implements LogRecordExporter {
  constructor(private readonly log: Logger = getLogger('sightline.otel')) {}

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    for (const record of logs) {
      const level = levelFor(record.severityNumber);
      if (!this.log.isEnabled(level)) continue;
      const fields: Record<string, unknown> = {};
      if (record.severityText) fields.severity = record.severityText;
      if (record.spanContext) {
        fields.traceId = record.spanContext.traceId;
        fields.spanId = record.spanContext.spanId;
      }
      if (Object.keys(record.attributes).length > 0) fields.attributes = record.attributes;
      this.log[level](`log ${bodyText(record.body)}`, fields);
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
