import fc from 'fast-check';
import { parseStatsdLine, type StatsdSample } from '../../src/statsd/parse-line.js';

function ok(line: string): StatsdSample[] {
  const result = parseStatsdLine(line);
  if (!result.ok) throw new Error(`expected ${line} to parse, got: ${result.error}`);
  return [...result.samples];
}

function error(line: string): string {
  const result = parseStatsdLine(line);
  if (result.ok) throw new Error(`expected ${line} to fail`);
  return result.error;
}

const sample = (over: Partial<StatsdSample>): StatsdSample => ({
  type: 'counter',
  name: 'a.b',
  value: 1,
  sampleRate: 1,
  delta: false,
  tags: undefined,
  ...over,
});

describe('parseStatsdLine', () => {
  it('parses counters, with and without a sample rate', () => {
    expect(ok('a.b:1|c')).toEqual([sample({})]);
    expect(ok('a.b:-3|c')).toEqual([sample({ value: -3 })]);
    expect(ok('a.b:2.5|c|@0.1')).toEqual([sample({ value: 2.5, sampleRate: 0.1 })]);
  });

  it('parses gauges: plain values set, +/- values are deltas', () => {
    expect(ok('q:7|g')).toEqual([sample({ type: 'gauge', name: 'q', value: 7 })]);
    expect(ok('q:+4|g')).toEqual([sample({ type: 'gauge', name: 'q', value: 4, delta: true })]);
    expect(ok('q:-2.5|g')).toEqual([sample({ type: 'gauge', name: 'q', value: -2.5, delta: true })]);
  });

  it('parses timers, histograms, distributions and sets', () => {
    expect(ok('t:12.5|ms')).toEqual([sample({ type: 'timer', name: 't', value: 12.5 })]);
    expect(ok('h:100|h|@0.5')).toEqual([sample({ type: 'histogram', name: 'h', value: 100, sampleRate: 0.5 })]);
    expect(ok('d:3|d')).toEqual([sample({ type: 'distribution', name: 'd', value: 3 })]);
    expect(ok('users:u-42|s')).toEqual([sample({ type: 'set', name: 'users', value: 'u-42' })]);
  });

  it('parses DogStatsD tags, with and without values, applied to every sample of the line', () => {
    expect(ok('a.b:1|c|#env:prod,route:/x:y,canary')).toEqual([sample({ tags: { env: 'prod', route: '/x:y', canary: '' } })]);
    expect(ok('t:1|ms|@0.5|#k:v')).toEqual([sample({ type: 'timer', name: 't', sampleRate: 0.5, tags: { k: 'v' } })]);
    expect(ok('t:1|ms:2|ms|#k:v').map((s) => s.tags)).toEqual([{ k: 'v' }, { k: 'v' }]);
  });

  it('parses Etsy multi-value lines and DogStatsD packed values', () => {
    expect(ok('t:1|ms:2|ms:3.5|ms').map((s) => [s.type, s.value])).toEqual([
      ['timer', 1],
      ['timer', 2],
      ['timer', 3.5],
    ]);
    expect(ok('x:1|c|@0.5:2|ms').map((s) => [s.type, s.value, s.sampleRate])).toEqual([
      ['counter', 1, 0.5],
      ['timer', 2, 1],
    ]);
    expect(ok('d:1:2:3|d').map((s) => s.value)).toEqual([1, 2, 3]);
  });

  it('ignores a trailing CR and DogStatsD container and timestamp fields', () => {
    expect(ok('a.b:1|c\r')).toEqual([sample({})]);
    expect(ok('a.b:1|c|#k:v|c:abc123|T1700000000')).toEqual([sample({ tags: { k: 'v' } })]);
  });

  it('keeps a tag named __proto__ as a tag', () => {
    const [s] = ok('a.b:1|c|#__proto__:x');
    expect(Object.keys(s!.tags!)).toEqual(['__proto__']);
    expect(s!.tags!['__proto__']).toBe('x');
  });

  it('says what is wrong with a bad line', () => {
    expect(error('nocolon')).toBe('no ":" between name and value (expected name:value|type)');
    expect(error(':1|c')).toBe('empty metric name');
    expect(error('a b:1|c')).toMatch(/^invalid metric name "a b": no whitespace/);
    expect(error('a:1')).toBe('missing type after value "1" (expected name:value|type)');
    expect(error('a:1|x')).toBe('unknown type "x": expected c, g, ms, h, d or s');
    expect(error('a:abc|c')).toBe('invalid counter value "abc": expected a decimal number');
    expect(error('a:|c')).toBe('invalid counter value "": expected a decimal number');
    expect(error('a:NaN|ms')).toBe('invalid timer value "NaN": expected a decimal number');
    expect(error('a:1e999|g')).toBe('invalid gauge value "1e999": not finite');
    expect(error('a:1|c|@2')).toBe('invalid sample rate "2": expected a number in (0, 1]');
    expect(error('a:1|c|@0')).toBe('invalid sample rate "0": expected a number in (0, 1]');
    expect(error('a:1|c|@x')).toBe('invalid sample rate "x": expected a number in (0, 1]');
    expect(error('a:1|c|zzz')).toBe('unknown field "zzz": expected @rate, #tags, c:container or T<timestamp>');
    expect(error('a:1|c|#k:v|#k2')).toBe('more than one tags field');
    expect(error('a:1|c|#:v')).toBe('tag ":v" has an empty key');
    expect(error('a:|s')).toBe('empty set member');
    expect(error('a:1|ms:')).toBe('missing type after value "" (expected name:value|type)');
  });
});

// Generators for lines the parser must read back exactly.
const ALNUM = 'abcxyzABCXYZ0189_';
const chars = (set: string, minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...set), minLength, maxLength });
const nameArb = chars(`${ALNUM}.-/`, 1, 40);
const tagKeyArb = chars(`${ALNUM}.-/`, 1, 12);
const tagValueArb = chars(`${ALNUM}.-/:`, 0, 12);
const numberArb = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
);
const rateArb = fc.option(fc.double({ min: 0.001, max: 1, noNaN: true }), { nil: undefined });
const typeArb = fc.constantFrom('c', 'g', 'ms', 'h', 'd', 's');
const TYPE_NAMES = { c: 'counter', g: 'gauge', ms: 'timer', h: 'histogram', d: 'distribution', s: 'set' } as const;

interface Group {
  readonly code: keyof typeof TYPE_NAMES;
  readonly value: number | string;
  readonly rate: number | undefined;
}
const groupArb: fc.Arbitrary<Group> = fc
  .record({
    code: typeArb,
    value: numberArb,
    member: chars(`${ALNUM}.-`, 1, 12),
    rate: rateArb,
  })
  // -0 prints as "0", which parses back as 0.
  .map(({ code, value, member, rate }) => ({ code, value: code === 's' ? member : value === 0 ? 0 : value, rate }));

// String() writes no sign for positive numbers, so only negative gauges are deltas.
const formatValue = (g: Group): string => String(g.value);

describe('parseStatsdLine properties', () => {
  it('generated valid lines parse back to the same samples', () => {
    fc.assert(
      fc.property(
        nameArb,
        fc.array(groupArb, { minLength: 1, maxLength: 5 }),
        fc.option(fc.dictionary(tagKeyArb, tagValueArb, { minKeys: 1, maxKeys: 4 }), { nil: undefined }),
        (name, groups, tags) => {
          const body = groups.map((g) => `${formatValue(g)}|${g.code}${g.rate === undefined ? '' : `|@${g.rate}`}`).join(':');
          const tagText = tags
            ? `|#${Object.entries(tags)
                .map(([k, v]) => `${k}:${v}`)
                .join(',')}`
            : '';
          const line = `${name}:${body}${tagText}`;
          const parsed = parseStatsdLine(line);
          if (!parsed.ok) throw new Error(`${line}: ${parsed.error}`);
          expect(parsed.samples).toHaveLength(groups.length);
          parsed.samples.forEach((s, i) => {
            const g = groups[i]!;
            expect(s.name).toBe(name);
            expect(s.type).toBe(TYPE_NAMES[g.code]);
            expect(s.value).toBe(g.value);
            expect(s.sampleRate).toBe(g.rate ?? 1);
            expect(s.delta).toBe(g.code === 'g' && String(g.value).startsWith('-'));
            expect(s.tags === undefined ? undefined : { ...s.tags }).toEqual(tags);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('random strings never throw and always give samples or an error message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('utf8')),
          chars('ab:|@#,.-+019eEgcmshd', 0, 30),
        ),
        (line) => {
          const result = parseStatsdLine(line);
          if (result.ok) expect(result.samples.length).toBeGreaterThan(0);
          else expect(result.error.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
