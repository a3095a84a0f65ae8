import { resetLogging, setLogSink, type LogRecord } from '@sightline/core';

/** Captures every record the loggers emit at `warn` and above (or `level`). */
export function captureLogs(level: 'debug' | 'info' | 'warn' = 'warn') {
  const records: LogRecord[] = [];
  resetLogging({ SIGHTLINE_LOG: level });
  setLogSink((record) => records.push(record));
  return {
    records,
    lines: () => records.map((r) => `${r.level} ${r.logger}: ${r.message}`),
    restore: () => resetLogging({}),
  };
}

/** Resolves after `predicate` holds, polling on timers; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
