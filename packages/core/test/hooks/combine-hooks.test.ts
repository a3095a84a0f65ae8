import { combineHooks, toDispatcher } from '../../src/index.js';
import { captureLogs } from '../helpers.js';

describe('combineHooks', () => {
  afterEach(() => captureLogs().restore());

  it('calls every hooks object in order, with the same arguments', () => {
    const order: string[] = [];
    const combined = combineHooks(
      { onRequest: (op, s) => order.push(`a:${op}:${s}`) },
      undefined,
      { onRequest: (op, s) => order.push(`b:${op}:${s}`), onError: (op, t) => order.push(`b-err:${op}:${t}`) },
      { onRequest: (op, s) => order.push(`c:${op}:${s}`) },
    );
    combined.onRequest!('read', 0.1);
    combined.onError!('write', 'E');
    expect(order).toEqual(['a:read:0.1', 'b:read:0.1', 'c:read:0.1', 'b-err:write:E']);
  });

  it('keeps calling the others when one throws, and logs the failure at debug', () => {
    const { records } = captureLogs('debug');
    const seen: string[] = [];
    const combined = combineHooks(
      { onWsMessageSent: (op) => seen.push(`first:${op}`) },
      {
        onWsMessageSent: () => {
          throw new TypeError('bad hook');
        },
      },
      { onWsMessageSent: (op, n) => seen.push(`third:${op}:${n}`) },
    );
    expect(() => combined.onWsMessageSent!('push', 99)).not.toThrow();
    expect(seen).toEqual(['first:push', 'third:push:99']);
    expect(records.map((r) => [r.logger, r.level, r.fields?.['hook'], r.fields?.['error']])).toEqual([
      ['sightline.hooks', 'debug', 'onWsMessageSent', 'TypeError: bad hook'],
    ]);
  });

  it('leaves hooks nobody defines undefined and passes a single hook through as is', () => {
    const onRequest = () => undefined;
    const combined = combineHooks({ onRequest }, {});
    expect(combined.onRequest).toBe(onRequest);
    expect(combined.onWsConnect).toBeUndefined();
    expect(Object.isFrozen(combined)).toBe(true);
  });

  it('works through a dispatcher', () => {
    const totals = { a: 0, b: 0 };
    const d = toDispatcher(
      combineHooks({ onWsMessageRecv: (_op, n) => (totals.a += n) }, { onWsMessageRecv: (_op, n) => (totals.b += n * 2) }),
    );
    d.onWsMessageRecv('x', 5);
    d.onWsMessageRecv('x', 7);
    expect(totals).toEqual({ a: 12, b: 24 });
  });
});
