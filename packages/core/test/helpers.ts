import { setLogLevel, setLogSink, type LogRecord } from '../src/index.js';
import { resetLogging } from '../src/internal.js';

/** Captures every record the loggers emit; restores the default sink and levels on `restore()`. */
export function captureLogs(level?: Parameters<typeof setLogLevel>[1], namespace = '') {
  const records: LogRecord[] = [];
  resetLogging({});
  setLogSink((record) => records.push(record));
  if (level) setLogLevel(namespace, level);
  return { records, restore: () => resetLogging({}) };
}
