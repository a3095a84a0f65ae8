import fc from 'fast-check';
import { encodeBatch, MAX_METRIC_NAME_LENGTH, MAX_TAGS, parseBatch, type BatchMetric } from '../src/index.js';

describe('encodeBatch', () => {
  it('writes the version 1 body with every metric type, leaving out fields the protocol does not have', () => {
    const sampled = { type: 'timer', name: 'sampled', values: [5], sampleRate: 0.25 } as const;
    const body = encodeBatch([
      { type: 'counter', name: 'orders.created', value: 42, tags: { region: 'eu' } },
      { type: 'gauge', name: 'queue.depth', value: 7 },
      { type: 'gauge', name: 'temp', value: -3 },
      { type: 'timer', name: 'db.query', values: [1.5, 3.25] },
      { type: 'histogram', name: 'payload.bytes', values: [100, 2048] },
      { type: 'set', name: 'users.unique', values: ['u1', 'u"2'] },
      sampled,
      { type: 'timer', name: 'tagged', values: [1, 2], tags: { a: 'b' } },
    ]);
    expect(body).toBe(
      '{"v":1,"metrics":[' +
        '{"type":"counter","name":"orders.created","value":42,"tags":{"region":"eu"}},' +
        '{"type":"gauge","name":"queue.depth","value":7},' +
        '{"type":"gauge","name":"temp","value":-3},' +
        '{"type":"timer","name":"db.query","values":[1.5,3.25]},' +
        '{"type":"histogram","name":"payload.bytes","values":[100,2048]},' +
        '{"type":"set","name":"users.unique","values":["u1","u\\"2"]},' +
        '{"type":"timer","name":"sampled","values":[5]},' +
        '{"type":"timer","name":"tagged","values":[1,2],"tags":{"a":"b"}}]}',
    );
    expect((JSON.parse(body) as { metrics: unknown[] }).metrics).toHaveLength(8);
  });

  it('writes an empty batch', () => {
    expect(encodeBatch([])).toBe('{"v":1,"metrics":[]}');
    expect(parseBatch(encodeBatch([]))).toEqual({ ok: true, metrics: [], errors: [] });
  });
});

// Valid metrics of every type: names and tag keys from the name pattern, any string as a tag value
// or set member (quotes, backslashes, control characters, astral characters), any finite number.
const nameArb = fc
  .tuple(fc.constantFrom(...'abcXYZ_'), fc.string({ unit: fc.constantFrom(...'az09_.-Q'), maxLength: MAX_METRIC_NAME_LENGTH - 1 }))
  .map(([first, rest]) => first + rest);
const tagsArb = fc.dictionary(
  nameArb.filter((k) => k !== '__proto__'),
  fc.string({ unit: 'binary' }),
  { maxKeys: MAX_TAGS },
);
const numberArb = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
// `tags` is sometimes absent (never `tags: undefined`): that is what a parsed metric looks like.
const metricArb: fc.Arbitrary<BatchMetric> = fc.oneof(
  fc.record(
    { type: fc.constantFrom('counter' as const, 'gauge' as const), name: nameArb, value: numberArb, tags: tagsArb },
    { requiredKeys: ['type', 'name', 'value'] },
  ),
  fc.record(
    {
      type: fc.constantFrom('timer' as const, 'histogram' as const),
      name: nameArb,
      values: fc.array(numberArb, { minLength: 1, maxLength: 20 }),
      tags: tagsArb,
    },
    { requiredKeys: ['type', 'name', 'values'] },
  ),
  fc.record(
    {
      type: fc.constant('set' as const),
      name: nameArb,
      values: fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 20 }),
      tags: tagsArb,
    },
    { requiredKeys: ['type', 'name', 'values'] },
  ),
);

describe('encode -> parse round trip', () => {
  it('property: whatever valid metrics a client encodes, the server parses back unchanged, in order, with no errors', () => {
    fc.assert(
      fc.property(fc.array(metricArb, { maxLength: 30 }), (metrics) => {
        const parsed = parseBatch(encodeBatch(metrics));
        expect(parsed).toEqual({ ok: true, errors: [], metrics: metrics.map((metric, index) => ({ index, metric })) });
      }),
      { numRuns: 1000 },
    );
  });

  it('property: the body is exactly what JSON.stringify writes for the protocol fields', () => {
    fc.assert(
      fc.property(fc.array(metricArb, { maxLength: 10 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (metrics, sampleRate) => {
        // A client's records carry more than the protocol has (a timer's sample rate): it stays out.
        const records = metrics.map((m) => (m.type === 'timer' ? { ...m, sampleRate } : m));
        expect(encodeBatch(records)).toBe(JSON.stringify({ v: 1, metrics }));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the batch id', () => {
  it('is written after "v" and read back by parseBatch', () => {
    const body = encodeBatch([{ type: 'counter', name: 'a', value: 1 }], 'batch-0001');
    expect(body).toBe('{"v":1,"id":"batch-0001","metrics":[{"type":"counter","name":"a","value":1}]}');
    expect(parseBatch(body)).toEqual({
      ok: true,
      id: 'batch-0001',
      metrics: [{ index: 0, metric: { type: 'counter', name: 'a', value: 1 } }],
      errors: [],
    });
  });

  it('refuses an id that is not 8 to 64 URL-safe characters', () => {
    for (const id of ['short', 'x'.repeat(65), 'has space!', 42]) {
      const result = parseBatch(JSON.stringify({ v: 1, id, metrics: [] }));
      expect(result).toEqual({ ok: false, error: expect.stringContaining('"id" must be 8 to 64 characters of [A-Za-z0-9_-]') as string });
    }
  });
});
