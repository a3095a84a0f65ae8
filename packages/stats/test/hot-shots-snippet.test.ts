// The README's real-world hot-shots program, run as written against hot-shots and against
// `@sightline/stats/hot-shots` (its import line the only difference), both in mock mode: the values
// a StatsD daemon would get from each must be the same.
import type { StatsD } from '../src/hot-shots.js';
import { OURS, recordingHotShots, recordingOurs, runSnippet, SNIPPET, THEIRS } from './readme-snippet.js';
import { aggregate } from './statsd-window.js';

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
    const errors: string[] = [];
    const env = { NODE_ENV: 'test' };
    await new Promise<void>((resolve) => runSnippet(THEIRS, { 'hot-shots': recordingHotShots(theirs, resolve) }, env, errors));
    const roots: StatsD[] = [];
    await new Promise<void>((resolve) => runSnippet(OURS, { '@sightline/stats/hot-shots': recordingOurs(roots, resolve) }, env, errors));
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
