// The default sink: one human-readable line per record on stderr.
import type { LogRecord, LogSink } from './log-record.js';
import { sanitizeLogText } from './sanitize.js';

function renderValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === 'string') return /[\s="]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

// Objects and errors are rendered here, so their text gets the same bound and escaping.
function formatValue(value: unknown): string {
  return sanitizeLogText(renderValue(value));
}

/** `2026-11-23T15:00:00.000Z WARN  sightline.stats message key=value` */
export function formatLogLine(record: LogRecord): string {
  let line = `${record.time.toISOString()} ${record.level.toUpperCase().padEnd(5)} ${record.logger} ${record.message}`;
  if (record.fields) {
    for (const key of Object.keys(record.fields)) line += ` ${key}=${formatValue(record.fields[key])}`;
  }
  return line;
}

export const stderrSink: LogSink = (record) => {
  process.stderr.write(`${formatLogLine(record)}\n`);
};
