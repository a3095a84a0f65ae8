import type { SeriesMeta } from '../src/charts.js';
import { SeriesStore } from '../src/series-store.js';

const meta = (key: string): SeriesMeta => ({ key, chart: 'requests', label: key, unit: '/s' });
const values = (entries: Record<string, number>) => new Map(Object.entries(entries).map(([k, v]) => [k, { meta: meta(k), value: v }]));

describe('SeriesStore', () => {
  test('keeps the last `capacity` samples, oldest first, with gaps as null', () => {
    const store = new SeriesStore(3, 10);
    expect(store.push(1, values({ a: 10 })).map((m) => m.key)).toEqual(['a']);
    expect(store.push(2, values({ a: 20, b: 2 })).map((m) => m.key)).toEqual(['b']);
    store.push(3, values({ b: 3 }));
    store.push(4, values({ a: 40, b: Infinity }));
    const history = store.history();
    expect(history.times).toEqual([2, 3, 4]);
    expect(history.series.map((s) => [s.meta.key, s.values])).toEqual([
      ['a', [20, null, 40]],
      ['b', [2, 3, null]],
    ]);
    expect(store.length).toBe(3);
  });

  test('refuses series past maxSeries and counts them', () => {
    const store = new SeriesStore(4, 2);
    store.push(1, values({ a: 1, b: 1, c: 1, d: 1 }));
    expect(store.size).toBe(2);
    expect(store.refused).toBe(2);
  });

  test('a series with no value for a whole window is dropped: nothing grows', () => {
    const store = new SeriesStore(5, 100);
    for (let t = 0; t < 50; t++) store.push(t, values({ [`s${t}`]: t, steady: 1 }));
    // Each short-lived series goes once it has been idle for the window; `steady` stays.
    expect(store.size).toBeLessThanOrEqual(6);
    expect(store.has('steady')).toBe(true);
    expect(store.has('s0')).toBe(false);
  });

  test('memory is what the README states: (series + 1) x capacity x 8 bytes, measured', () => {
    const full: Record<string, number> = {};
    for (let i = 0; i < 64; i++) full[`series-${i}`] = i;
    const batch = values(full);
    // Fifty full stores (23 MB), so the figure stands well above whatever else the process frees
    // meanwhile (jest runs other test files in this process); the closest of three tries counts.
    const expected = 65 * 900 * 8;
    const tries: number[] = [];
    const stores: SeriesStore[][] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = process.memoryUsage().arrayBuffers;
      const batchOfStores = Array.from({ length: 50 }, () => new SeriesStore(900, 256));
      for (const store of batchOfStores) for (let t = 0; t < 1000; t++) store.push(t, batch);
      tries.push((process.memoryUsage().arrayBuffers - before) / batchOfStores.length);
      stores.push(batchOfStores);
    }
    const measured = tries.reduce((best, m) => (Math.abs(m - expected) < Math.abs(best - expected) ? m : best));
    expect(stores[0]![0]!.bytes).toBe(expected); // 468,000 bytes for 64 series over 15 minutes at 1 s
    expect(measured).toBeGreaterThan(expected * 0.9);
    expect(measured).toBeLessThan(expected * 1.2);
  });
});
