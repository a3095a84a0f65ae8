import fc from 'fast-check';
import { familyOf, parseExposition, seriesKey } from '../src/exposition-parser.js';

describe('parseExposition', () => {
  test('reads types, samples with labels, escapes, special values and timestamps', () => {
    const parsed = parseExposition(
      [
        '# HELP http_requests_total Requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="GET",path="/a\\"b\\\\c\\nd"} 12 1700000000000',
        '# TYPE lag gauge',
        'lag{topic="t",partition="0"} -Inf',
        'up NaN',
        'temperature +Inf',
        '',
      ].join('\n'),
    );
    expect(parsed.types.get('http_requests_total')).toBe('counter');
    expect(parsed.types.get('lag')).toBe('gauge');
    expect(parsed.samples).toHaveLength(4);
    const [requests, lag, up, temperature] = parsed.samples;
    expect(requests!.labels).toEqual([
      ['method', 'GET'],
      ['path', '/a"b\\c\nd'],
    ]);
    expect(requests!.value).toBe(12);
    expect(requests!.key).toBe('http_requests_total{method="GET",path="/a\\"b\\\\c\\nd"}');
    expect(lag!.value).toBe(-Infinity);
    expect(lag!.key).toBe('lag{partition="0",topic="t"}'); // labels sorted in the key
    expect(up!.value).toBeNaN();
    expect(temperature!.value).toBe(Infinity);
    expect(parsed.skipped).toBe(0);
  });

  test('counts lines it cannot read instead of throwing', () => {
    const parsed = parseExposition('ok 1\n{bad} 2\nname{unterminated="x 3\nname{a="b"}x\nnovalue abc\n');
    expect(parsed.samples.map((s) => s.name)).toEqual(['ok']);
    expect(parsed.skipped).toBe(4);
  });

  test('reads OpenMetrics: families without _total, # EOF', () => {
    const parsed = parseExposition('# TYPE jobs counter\njobs_total 3\njobs_created 1.7e9\n# EOF\n');
    expect(parsed.samples.map((s) => [s.name, s.value])).toEqual([
      ['jobs_total', 3],
      ['jobs_created', 1.7e9],
    ]);
    expect(familyOf('jobs_total', parsed.types)).toBe('jobs');
  });

  test('histogram parts belong to their family', () => {
    const types = new Map([['lat', 'histogram']]);
    expect(familyOf('lat_bucket', types)).toBe('lat');
    expect(familyOf('lat_count', types)).toBe('lat');
    expect(familyOf('lat_sum', types)).toBe('lat');
    expect(familyOf('other_count', types)).toBe('other_count');
  });

  test('any label value survives escaping and parsing (property)', () => {
    const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.string({ maxLength: 20 })), { maxLength: 4 }),
        fc.double({ noNaN: true }),
        (pairs, value) => {
          const labels = [...new Map(pairs).entries()];
          const body = labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',');
          const line = `m${labels.length ? `{${body}}` : ''} ${Object.is(value, -0) ? '0' : String(value).replace('Infinity', 'Inf')}\n`;
          const parsed = parseExposition(line);
          expect(parsed.samples).toHaveLength(1);
          expect(parsed.samples[0]!.labels).toEqual(labels);
          expect(parsed.samples[0]!.value).toBe(Object.is(value, -0) ? 0 : value);
          expect(parsed.samples[0]!.key).toBe(seriesKey('m', labels));
        },
      ),
    );
  });
});
