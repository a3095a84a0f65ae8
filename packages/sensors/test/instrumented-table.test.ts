import { InstrumentedTable, Monitor, BaseSensor } from '../src/index.js';
import { captureLogs } from './helpers.js';

describe('InstrumentedTable', () => {
  it('behaves as a Map and emits table events for get, set, has and delete', () => {
    const monitor = new Monitor();
    const carts = new InstrumentedTable<string, number>('carts', monitor, [['a', 1]]);
    expect(carts.get('a')).toBe(1);
    expect(carts.get('zz')).toBeUndefined();
    expect(carts.set('b', 2)).toBe(carts);
    expect(carts.has('b')).toBe(true);
    expect(carts.delete('a')).toBe(true);
    expect(carts.delete('a')).toBe(false);
    expect(carts.size).toBe(1);
    expect([...carts]).toEqual([['b', 2]]);
    expect([...carts.keys()]).toEqual(['b']);
    expect([...carts.values()]).toEqual([2]);
    expect([...carts.entries()]).toEqual([['b', 2]]);
    expect(Object.prototype.toString.call(carts)).toBe('[object InstrumentedTable]');
    expect([monitor.tablesGetTotal(), monitor.tablesSetTotal(), monitor.tablesContainsTotal(), monitor.tablesDelTotal()]).toEqual([
      2, 1, 1, 2,
    ]);
  });

  it('passes itself as the table and emits a del per key on clear', () => {
    const seen: unknown[][] = [];
    const rec = new (class extends BaseSensor {
      override onTableSet(table: unknown, key: unknown, value: unknown) {
        seen.push(['set', (table as InstrumentedTable<string, number>).name, key, value]);
      }
      override onTableDel(table: unknown, key: unknown) {
        seen.push(['del', (table as InstrumentedTable<string, number>).name, key]);
      }
    })();
    const t = new InstrumentedTable<string, number>('totals', rec);
    t.set('x', 1).set('y', 2);
    const visited: string[] = [];
    t.forEach(
      function (this: { tag: string }, v, k, map) {
        visited.push(`${this.tag}${k}=${v}${map === t ? '' : '!'}`);
      },
      { tag: '#' },
    );
    t.clear();
    expect(visited).toEqual(['#x=1', '#y=2']);
    expect(seen).toEqual([
      ['set', 'totals', 'x', 1],
      ['set', 'totals', 'y', 2],
      ['del', 'totals', 'x'],
      ['del', 'totals', 'y'],
    ]);
    expect(t.size).toBe(0);
  });

  it('keeps working when its sensor throws', () => {
    const logs = captureLogs();
    const t = new InstrumentedTable<string, number>('t', {
      onTableGet() {
        throw new Error('bug');
      },
    });
    t.set('k', 5);
    expect(t.get('k')).toBe(5);
    expect(t.get('k')).toBe(5);
    expect(logs.records.map((r) => r.message)).toEqual([
      'sensor sensor threw in onTableGet; suppressed (logged once per sensor and event)',
    ]);
    logs.restore();
  });
});
