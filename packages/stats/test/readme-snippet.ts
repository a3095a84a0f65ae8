// The README's real-world hot-shots program, and how the tests run it as written against hot-shots
// or `@sightline/stats/hot-shots` (its import line the only difference), recording every client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import HotShots, { type ChildClientOptions, type ClientOptions, type StatsCb, type StatsD as HotShotsClient } from 'hot-shots';
import ts from 'typescript';
import { StatsD, type StatsDOptions } from '../src/hot-shots.js';

export const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
export const SNIPPET = /<!-- hot-shots-snippet -->\n```ts\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
export const OURS = "import StatsD, { type TimerContext } from '@sightline/stats/hot-shots'; // was: from 'hot-shots';";
export const THEIRS = "import StatsD, { type TimerContext } from 'hot-shots';";

/** Runs the snippet with `importLine` as its first line; `modules` answers its `require()`s; `console.error` goes to `errors`. */
export function runSnippet(importLine: string, modules: Record<string, unknown>, env: Record<string, string>, errors: string[]): void {
  const lines = SNIPPET.split('\n');
  const source = [importLine, ...lines.slice(1)].join('\n');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const require = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`the snippet requires ${id}`);
    return modules[id];
  };
  // The program reads `process.env` (NODE_ENV=test turns on mock mode, as its users have it in tests).
  const quiet = { error: (...args: unknown[]) => errors.push(args.join(' ')) };
  const run = compileFunction(outputText, ['require', 'exports', 'process', 'console']) as (...args: unknown[]) => void;
  run(require, {}, { env }, quiet);
}

/** hot-shots, every client writing to one mockBuffer, resolving `closed` when the root's close is done. */
export function recordingHotShots(lines: string[], closed: () => void, options: ClientOptions = {}): unknown {
  const share = (client: HotShotsClient): HotShotsClient => {
    client.mockBuffer = lines;
    const childClient = client.childClient.bind(client);
    client.childClient = (options?: ChildClientOptions) => share(childClient(options));
    return client;
  };
  const extra = options;
  class Recorded extends HotShots {
    constructor(options?: ClientOptions) {
      // close() waits 50 ms by default before it calls back; nothing to do with the lines.
      super({ ...options, ...extra, closingFlushInterval: 1 });
      share(this);
    }
    override close(callback?: StatsCb): void {
      super.close((error) => {
        callback?.(error);
        closed();
      });
    }
  }
  return { __esModule: true, default: Recorded, StatsD: Recorded };
}

export function recordingOurs(roots: StatsD[], closed: () => void): unknown {
  class Recorded extends StatsD {
    constructor(options?: StatsDOptions) {
      super(options);
      roots.push(this);
    }
    override close(callback?: (error?: Error | null) => void): void {
      super.close((error) => {
        callback?.(error);
        closed();
      });
    }
  }
  return { __esModule: true, default: Recorded, StatsD: Recorded };
}
