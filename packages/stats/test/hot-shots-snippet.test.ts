// The README's real-world hot-shots program, run as written against hot-shots and against
// `@sightline/stats/hot-shots` (its import line the only difference), both in mock mode: the values
// a StatsD daemon would get from each must be the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import HotShots, { type ChildClientOptions, type ClientOptions, type StatsCb, type StatsD as HotShotsClient } from 'hot-shots';
import ts from 'typescript';
import { StatsD, type StatsDOptions } from '../src/hot-shots.js';
import { aggregate } from './statsd-window.js';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const SNIPPET = /<!-- hot-shots-snippet -->\n```ts\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
const OURS = "import StatsD, { type TimerContext } from '@sightline/stats/hot-shots'; // was: from 'hot-shots';";
const THEIRS = "import StatsD, { type TimerContext } from 'hot-shots';";

/** Runs the snippet with `importLine` as its first line; `modules` answers its `require()`s. */
function runSnippet(importLine: string, modules: Record<string, unknown>): void {
  const lines = SNIPPET.split('\n');
  const source = [importLine, ...lines.slice(1)].join('\n');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const require = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`the snippet requires ${id}`);
    return modules[id];
  };
  // NODE_ENV=test turns on mock mode, as the snippet's users have it in their tests.
  const env = { NODE_ENV: 'test' };
  const quiet = { error: (...args: unknown[]) => errors.push(args.join(' ')) };
  const run = compileFunction(outputText, ['require', 'exports', 'process', 'console']) as (...args: unknown[]) => void;
  run(require, {}, { env }, quiet);
}
const errors: string[] = [];

/** hot-shots, every client writing to one mockBuffer, resolving `closed` when the root's close is done. */
function recordingHotShots(lines: string[], closed: () => void): unknown {
  const share = (client: HotShotsClient): HotShotsClient => {
    client.mockBuffer = lines;
    const childClient = client.childClient.bind(client);
    client.childClient = (options?: ChildClientOptions) => share(childClient(options));
    return client;
  };
  class Recorded extends HotShots {
    constructor(options?: ClientOptions) {
      // close() waits 50 ms by default before it calls back; nothing to do with the lines.
      super({ ...options, closingFlushInterval: 1 });
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

function recordingOurs(roots: StatsD[], closed: () => void): unknown {
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

describe("the README's hot-shots program", () => {
  let clocks: jest.SpyInstance[] = [];
  beforeAll(() => {
    // Timers read a still clock on both sides (hot-shots: hrtime; ours: performance.now): durations are 0.
    clocks = [jest.spyOn(performance, 'now').mockReturnValue(1000), jest.spyOn(process.hrtime, 'bigint').mockReturnValue(1_000_000_000n)];
  });
  afterAll(() => {
    for (const c of clocks) c.mockRestore();
  });

  it('is 26 lines whose first imports @sightline/stats/hot-shots', () => {
    expect(SNIPPET.trimEnd().split('\n')).toHaveLength(26);
    expect(SNIPPET.split('\n')[0]).toBe(OURS);
  });

  it('gives the same values run against hot-shots and against @sightline/stats/hot-shots, the import line the only change', async () => {
    const theirs: string[] = [];
    await new Promise<void>((resolve) => runSnippet(THEIRS, { 'hot-shots': recordingHotShots(theirs, resolve) }));
    const roots: StatsD[] = [];
    await new Promise<void>((resolve) => runSnippet(OURS, { '@sightline/stats/hot-shots': recordingOurs(roots, resolve) }));
    expect(roots).toHaveLength(1);
    const ours = roots[0]!.mockBuffer;
    expect(errors).toEqual([]);
    expect(aggregate(ours)).toEqual(aggregate(theirs));
    // And they are the values the program means: 3 checkouts by 2 users, one charge declined; the
    // child's prefix before the parent's, as hot-shots names them.
    expect(aggregate(ours).series).toEqual([
      'c payments.shop.charge.declined #currency:eur,env:test,team:billing = 1',
      'c payments.shop.charge.ok #currency:eur,env:test,team:billing = 2',
      'c shop.checkout.started #channel:web,env:test = 3',
      'g payments.shop.last_charge_cents #env:test,team:billing = 50',
      'h shop.cart.items #channel:web,env:test = [2,1,1]',
      'ms payments.shop.charge_ms #big:false,env:test,team:billing = [0]',
      'ms payments.shop.charge_ms #big:true,env:test,team:billing = [0,0]',
      'ms shop.cart.price_ms #env:test = [0,0,0]',
      's shop.checkout.users #env:test = {ann,bob}',
    ]);
  });
});
