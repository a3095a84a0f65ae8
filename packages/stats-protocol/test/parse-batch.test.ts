import { parseBatch, parseMetric } from '../src/index.js';

describe('parseBatch', () => {
  it('returns every valid metric of the protocol example with its index', () => {
    const result = parseBatch(
      JSON.stringify({
        v: 1,
        metrics: [
          { type: 'counter', name: 'orders.created', value: 42, tags: { region: 'eu' } },
          { type: 'gauge', name: 'queue.depth', value: 7 },
          { type: 'timer', name: 'db.query', values: [1.5, 3.25] },
          { type: 'histogram', name: 'payload.bytes', values: [100, 2048] },
          { type: 'set', name: 'users.unique', values: ['u1', 'u2'] },
        ],
      }),
    );
    expect(result).toEqual({
      ok: true,
      errors: [],
      metrics: [
        { index: 0, metric: { type: 'counter', name: 'orders.created', value: 42, tags: { region: 'eu' } } },
        { index: 1, metric: { type: 'gauge', name: 'queue.depth', value: 7 } },
        { index: 2, metric: { type: 'timer', name: 'db.query', values: [1.5, 3.25] } },
        { index: 3, metric: { type: 'histogram', name: 'payload.bytes', values: [100, 2048] } },
        { index: 4, metric: { type: 'set', name: 'users.unique', values: ['u1', 'u2'] } },
      ],
    });
  });

  it('names what is wrong with the batch as a whole', () => {
    expect(parseBatch('{"v":1,')).toEqual({ ok: false, error: expect.stringMatching(/^invalid JSON: /) as string });
    expect(parseBatch('[]')).toEqual({ ok: false, error: 'batch must be a JSON object {"v":1,"metrics":[...]}, got []' });
    expect(parseBatch('"x"')).toEqual({ ok: false, error: 'batch must be a JSON object {"v":1,"metrics":[...]}, got "x"' });
    expect(parseBatch('{"metrics":[]}')).toEqual({ ok: false, error: 'unsupported batch version undefined: expected "v": 1' });
    expect(parseBatch('{"v":2,"metrics":[]}')).toEqual({ ok: false, error: 'unsupported batch version 2: expected "v": 1' });
    expect(parseBatch('{"v":1}')).toEqual({ ok: false, error: '"metrics" must be an array, got undefined' });
    expect(parseBatch('{"v":1,"metrics":{}}')).toEqual({ ok: false, error: '"metrics" must be an array, got an object' });
  });

  it('keeps the valid metrics of a partly invalid batch and reports the others by index', () => {
    const result = parseBatch(
      JSON.stringify({
        v: 1,
        metrics: [
          { type: 'counter', name: 'ok.one', value: 1 },
          { type: 'counter', name: '1bad', value: 1 },
          { type: 'gauge', name: 'ok.two', value: 2 },
        ],
      }),
    );
    expect(result).toEqual({
      ok: true,
      metrics: [
        { index: 0, metric: { type: 'counter', name: 'ok.one', value: 1 } },
        { index: 2, metric: { type: 'gauge', name: 'ok.two', value: 2 } },
      ],
      errors: [
        {
          index: 1,
          message: expect.stringMatching(/^invalid name "1bad": expected a string of at most 200 characters matching/) as string,
        },
      ],
    });
  });
});

describe('parseMetric', () => {
  it.each([
    [null, 'metric must be an object, got null'],
    [[1], 'metric must be an object, got [1]'],
    [{ type: 'meter', name: 'a', value: 1 }, 'unknown type "meter": expected one of counter, gauge, timer, histogram, set'],
    [{ name: 'a', value: 1 }, 'unknown type undefined: expected one of counter, gauge, timer, histogram, set'],
    [
      { type: 'counter', name: 'a b', value: 1 },
      'invalid name "a b": expected a string of at most 200 characters matching /^[A-Za-z_][A-Za-z0-9_.-]*$/',
    ],
    [{ type: 'counter', name: 'a', value: '1' }, 'counter "a": "value" must be a finite number, got "1"'],
    [{ type: 'gauge', name: 'a' }, 'gauge "a": "value" must be a finite number, got undefined'],
    [{ type: 'timer', name: 'a', values: [] }, 'timer "a": "values" must be a non-empty array of finite numbers, got []'],
    [{ type: 'timer', name: 'a', value: 3 }, 'timer "a": "values" must be a non-empty array of finite numbers, got undefined'],
    [{ type: 'histogram', name: 'a', values: [1, null] }, 'histogram "a": values[1] must be a finite number, got null'],
    [{ type: 'set', name: 'a', values: ['x', 2] }, 'set "a": values[1] must be a string, got 2'],
    [{ type: 'counter', name: 'a', value: 1, tags: ['x'] }, 'counter "a": "tags" must be an object of string values, got ["x"]'],
    [{ type: 'counter', name: 'a', value: 1, tags: { k: 1 } }, 'counter "a": tag "k" must be a string, got 1'],
    [{ type: 'counter', name: 'a', value: 1, tags: { '': 'v' } }, 'counter "a": "tags" has an empty key'],
  ])('%j -> %s', (raw, message) => {
    expect(parseMetric(raw)).toBe(message);
  });

  it('caps a long name in its message', () => {
    const message = parseMetric({ type: 'counter', name: `a${'b'.repeat(300)}`, value: 1 }) as string;
    expect(message.startsWith(`invalid name "a${'b'.repeat(59)}...": expected`)).toBe(true);
  });
});
