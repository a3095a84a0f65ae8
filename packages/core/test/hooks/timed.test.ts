import { timed } from '../../src/index.js';
import { errorType } from '../../src/internal.js';

class ValidationError extends Error {}

function recorder() {
  const requests: Array<[string, number]> = [];
  const errors: Array<[string, string]> = [];
  return {
    requests,
    errors,
    hooks: {
      onRequest: (op: string, s: number) => requests.push([op, s]),
      onError: (op: string, t: string) => errors.push([op, t]),
    },
  };
}

describe('timed', () => {
  /** Makes `performance.now()` answer `times` in turn (ms), so a duration is known exactly. */
  function clockAt(...times: number[]): void {
    const spy = jest.spyOn(performance, 'now');
    for (const t of times) spy.mockReturnValueOnce(t);
  }

  afterEach(() => jest.restoreAllMocks());

  it('reports a sync success in seconds and returns the value', () => {
    const r = recorder();
    clockAt(1_000, 1_020);
    const value = timed(r.hooks, 'compute', () => 42);
    expect(value).toBe(42);
    expect(r.requests).toEqual([['compute', 0.02]]);
    expect(r.errors).toEqual([]);
  });

  it('reports an async success after the promise resolves', async () => {
    const r = recorder();
    let finish!: (value: string) => void;
    clockAt(5_000, 5_030);
    const promise = timed(r.hooks, 'fetch', () => new Promise<string>((resolve) => (finish = resolve)));
    await Promise.resolve();
    expect(r.requests).toEqual([]);
    finish('done');
    await expect(promise).resolves.toBe('done');
    expect(r.requests).toEqual([['fetch', 0.03]]);
  });

  it('reports the error name on a sync throw and rethrows the same error', () => {
    const r = recorder();
    const error = new ValidationError('bad');
    expect(() =>
      timed(r.hooks, 'validate', () => {
        throw error;
      }),
    ).toThrow(error);
    expect(r.errors).toEqual([['validate', 'ValidationError']]);
    expect(r.requests).toEqual([]);
  });

  it('reports the error name on a rejection and rejects with the same error', async () => {
    const r = recorder();
    const error = new TypeError('nope');
    await expect(timed(r.hooks, 'load', () => Promise.reject(error))).rejects.toBe(error);
    expect(r.errors).toEqual([['load', 'TypeError']]);
    expect(r.requests).toEqual([]);
  });

  it('works with no hooks at all', async () => {
    expect(timed(undefined, 'x', () => 1)).toBe(1);
    await expect(timed(undefined, 'y', () => Promise.resolve(2))).resolves.toBe(2);
  });
});

describe('errorType', () => {
  it('names errors by name, then class, and other values by type', () => {
    expect(errorType(new RangeError('x'))).toBe('RangeError');
    expect(errorType(new ValidationError('x'))).toBe('ValidationError');
    const named = new Error('x');
    named.name = 'AbortError';
    expect(errorType(named)).toBe('AbortError');
    expect(errorType(new Error('x'))).toBe('Error');
    expect(errorType('text')).toBe('string');
    expect(errorType(null)).toBe('null');
    expect(errorType(undefined)).toBe('undefined');
  });
});
