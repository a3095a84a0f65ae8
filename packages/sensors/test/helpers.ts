import { setLogLevel, setLogSink, type LogRecord } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';

/** A clock the test moves by hand. */
export function fakeClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** Captures every record the loggers emit; `restore()` puts the default sink and levels back. */
export function captureLogs(level?: Parameters<typeof setLogLevel>[1], namespace = '') {
  const records: LogRecord[] = [];
  resetLogging({});
  setLogSink((record) => records.push(record));
  if (level) setLogLevel(namespace, level);
  return { records, restore: () => resetLogging({}) };
}
