import { createServer } from 'node:net';
import { type Logger } from '../../src/index.js';
import { backoffDelay, errorText, isPromiseLike, listen, runSettled, settleWithin, WarningThrottle } from '../../src/internal.js';

describe('isPromiseLike', () => {
  it('is true for promises and thenables, false for everything else', () => {
    const thenableFn = Object.assign(() => 1, { then: () => undefined });
    expect([Promise.resolve(1), { then: () => undefined }, thenableFn].map(isPromiseLike)).toEqual([true, true, true]);
    expect([null, undefined, 0, 'then', { then: 1 }, () => 1, Object.create(null)].map(isPromiseLike)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('runSettled', () => {
  it('reports a sync return, a sync throw, a fulfilment and a rejection once each, and passes value and error through', async () => {
    const seen: string[] = [];
    const ok = () => seen.push('ok');
    const failed = (e: unknown) => seen.push(`fail:${String(e)}`);
    expect(runSettled(() => 5, ok, failed)).toBe(5);
    expect(() =>
      runSettled(
        () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- a non-Error throw is the case under test
          throw 'sync';
        },
        ok,
        failed,
      ),
    ).toThrow('sync');
    await expect(runSettled(() => Promise.resolve(7), ok, failed)).resolves.toBe(7);
    const boom = new Error('async');
    await expect(runSettled(() => Promise.reject(boom), ok, failed)).rejects.toBe(boom);
    expect(seen).toEqual(['ok', 'fail:sync', 'ok', 'fail:Error: async']);
  });

  it('reports only after the promise settles', async () => {
    let resolve!: (v: string) => void;
    const seen: string[] = [];
    const p = runSettled(
      () => new Promise<string>((r) => (resolve = r)),
      () => seen.push('done'),
      () => seen.push('failed'),
    );
    await Promise.resolve();
    expect(seen).toEqual([]);
    resolve('x');
    await expect(p).resolves.toBe('x');
    expect(seen).toEqual(['done']);
  });
});

describe('errorText', () => {
  it('names non-Error throws instead of printing undefined', () => {
    expect(errorText(new Error('plain'))).toBe('Error: plain');
    expect(errorText(new TypeError('bad type'))).toBe('TypeError: bad type');
    expect(errorText(new RangeError(''))).toBe('RangeError');
    expect(errorText('a string')).toBe('a string');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText(null)).toBe('null');
    expect(errorText({ message: 'error-like' })).toBe('error-like');
    expect(errorText({ code: 'E1' })).toBe('{"code":"E1"}');
    expect(errorText(Symbol('s'))).toBe('Symbol(s)');
  });

  it('never throws: null-prototype objects, a throwing toString, circular objects, throwing getters', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['code'] = 7;
    expect(errorText(bare)).toBe('{"code":7}');
    const hostile = {
      toString() {
        throw new Error('no');
      },
      toJSON() {
        throw new Error('no');
      },
    };
    expect(errorText(hostile)).toBe('an object (not printable)');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(errorText(circular)).toBe('[object Object]');
    const getter = new Error('x');
    Object.defineProperty(getter, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    expect(errorText(getter)).toBe('an error (not printable)');
  });

  it('cuts long text', () => {
    expect(errorText('x'.repeat(2000))).toHaveLength(503);
  });
});

describe('backoffDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 };
  it('doubles from the initial delay up to the cap, and jitter takes up to its fraction off', () => {
    expect([0, 1, 2, 3, 4, 60, 10_000].map((n) => backoffDelay(n, options, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(backoffDelay(2, options, () => 0.5)).toBe(300);
    expect(backoffDelay(2, options, () => 0.999)).toBe(200);
    expect(backoffDelay(3, { ...options, jitter: 0 }, () => 0.7)).toBe(800);
  });
});

describe('listen', () => {
  it('resolves with the bound address, and rejects with the bind error when the port is taken', async () => {
    const a = createServer();
    const address = await listen(a, 0, '127.0.0.1');
    expect(address.address).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    const b = createServer();
    await expect(listen(b, address.port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(b.listenerCount('error')).toBe(0);
    expect(a.listenerCount('listening')).toBe(0);
    await new Promise<void>((r) => a.close(() => r()));
  });
});

describe('WarningThrottle', () => {
  function recorder(): { logger: Logger; lines: unknown[][] } {
    const lines: unknown[][] = [];
    const logger = {
      warn: (message: string, fields?: unknown) => void lines.push(fields === undefined ? [message] : [message, fields]),
    } as unknown as Logger;
    return { logger, lines };
  }

  it('warns once per key by default', () => {
    const { logger, lines } = recorder();
    const t = new WarningThrottle(logger);
    for (let i = 0; i < 5; i++) t.warn('a', 'problem a');
    t.warn('b', 'problem b', { x: 1 });
    expect(lines).toEqual([['problem a'], ['problem b', { x: 1 }]]);
    expect(t.suppressed).toBe(4);
  });

  it('with an interval, warns again after it and says how many were held back', () => {
    const { logger, lines } = recorder();
    let now = 0;
    const t = new WarningThrottle(logger, { intervalMs: 1000, now: () => now });
    t.warn('k', 'bad line', { line: 1 });
    now = 500;
    t.warn('k', 'bad line', { line: 2 });
    t.warn('k', 'bad line', { line: 3 });
    now = 1000;
    t.warn('k', 'bad line', { line: 4 });
    expect(lines).toEqual([
      ['bad line', { line: 1 }],
      ['bad line', { line: 4, suppressed: 2 }],
    ]);
  });

  it('stays bounded past maxKeys and still throttles: new keys share one slot, announced once', () => {
    const { logger, lines } = recorder();
    const t = new WarningThrottle(logger, { maxKeys: 3 });
    for (let i = 0; i < 10_000; i++) t.warn(`key${i}`, `problem ${i}`);
    expect(lines).toEqual([
      ['problem 0'],
      ['problem 1'],
      ['problem 2'],
      ['more than 3 distinct warnings; further kinds are throttled together'],
      ['problem 3'],
    ]);
    expect(t.suppressed).toBe(10_000 - 4);
    expect((t as unknown as { slots: Map<unknown, unknown> }).slots.size).toBe(4);
  });

  it('forget(key) frees its slot: a key of a closed connection no longer counts toward maxKeys', () => {
    const { logger, lines } = recorder();
    const t = new WarningThrottle(logger, { maxKeys: 2 });
    t.warn('conn1:bad', 'bad frame');
    t.warn('conn2:bad', 'bad frame');
    t.forget('conn1:bad');
    t.warn('conn3:bad', 'bad frame');
    expect(lines).toEqual([['bad frame'], ['bad frame'], ['bad frame']]);
  });
});

describe('settleWithin', () => {
  it('gives the value of work that settles in time', async () => {
    await expect(settleWithin(Promise.resolve(7), 1_000)).resolves.toEqual({ timedOut: false, value: 7 });
    await expect(settleWithin(() => 8, 1_000)).resolves.toEqual({ timedOut: false, value: 8 });
  });
  it('rethrows what the work threw, synchronously or not', async () => {
    await expect(settleWithin(Promise.reject(new Error('late')), 1_000)).rejects.toThrow('late');
    await expect(
      settleWithin(() => {
        throw new Error('sync');
      }, 1_000),
    ).rejects.toThrow('sync');
  });
  it('says timedOut when the work never settles, and leaves no timer behind', async () => {
    jest.useFakeTimers();
    try {
      const outcome = settleWithin(new Promise<never>(() => undefined), 50);
      jest.advanceTimersByTime(50);
      await expect(outcome).resolves.toEqual({ timedOut: true });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
