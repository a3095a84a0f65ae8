// Small fake plugins that record what happens to them, in one shared journal, so tests can assert
// exact calls and their order across plugins.
import { setLogLevel, setLogSink, type LogRecord, type Plugin, type PluginContext } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';
import type { Observability, StopReport } from '../src/index.js';

/** Captures every record the loggers emit; restores the default sink and levels on `restore()`. */
export function captureLogs(level?: Parameters<typeof setLogLevel>[1], namespace = '') {
  const records: LogRecord[] = [];
  resetLogging({});
  setLogSink((record) => records.push(record));
  if (level) setLogLevel(namespace, level);
  return { records, restore: () => resetLogging({}) };
}

export interface FakeOptions {
  readonly startError?: Error;
  readonly stopError?: Error;
  /** stop() returns a promise that never settles. */
  readonly hangOnStop?: boolean;
  readonly extra?: Partial<Omit<Plugin, 'name' | 'start' | 'stop'>>;
}

export interface Fake extends Plugin {
  readonly context: PluginContext | undefined;
}

/** A plugin that writes `start:<name>` / `stop:<name>` into `journal` and can be told to fail. */
export function fakePlugin(name: string, journal: string[], options: FakeOptions = {}): Fake {
  let context: PluginContext | undefined;
  return {
    name,
    ...options.extra,
    get context() {
      return context;
    },
    async start(ctx) {
      journal.push(`start:${name}`);
      await Promise.resolve();
      if (options.startError) throw options.startError;
      context = ctx;
    },
    close() {
      journal.push(`stop:${name}`);
      if (options.hangOnStop) return new Promise<void>(() => undefined);
      if (options.stopError) return Promise.reject(options.stopError);
      return Promise.resolve();
    },
  };
}

/** Closes `obs` and gives what closing its plugins did. */
export async function closed(obs: Observability): Promise<StopReport | undefined> {
  await obs.close();
  return obs.stopReport;
}
