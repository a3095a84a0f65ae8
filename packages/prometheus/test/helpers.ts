import { request } from 'node:http';
import type { MetricsCollector } from '../src/index.js';

/** Sample lines of an exposition as `name{labels}` -> value, comments left out. */
export function parseSamples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** The collector's samples whose name starts with one of `prefixes`. */
export async function samples(collector: MetricsCollector, ...prefixes: string[]): Promise<Record<string, number>> {
  const all = parseSamples(await collector.render());
  return Object.fromEntries([...all].filter(([k]) => prefixes.length === 0 || prefixes.some((p) => k.startsWith(p))));
}

export interface Reply {
  readonly status: number;
  readonly body: string;
}

export function get(url: string, options: { method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Fakes the clock only (`Date`, starting at `now`): timers, I/O and `performance.now()` stay real,
 * so a test sets the time a value is stamped or aged with instead of waiting for it.
 */
export function fakeDateOnly(now: number = Date.now()): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
