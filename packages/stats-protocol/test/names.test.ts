import {
  checkStatsdSafeTags,
  isValidMetricName,
  MAX_METRIC_NAME_LENGTH,
  METRIC_NAME_PATTERN,
  parseMetric,
  parseTags,
} from '../src/index.js';

describe('metric names', () => {
  it.each(['a', '_', 'orders.created', 'A-b_c.9', 'x'.repeat(MAX_METRIC_NAME_LENGTH)])('accepts %s', (name) => {
    expect(isValidMetricName(name)).toBe(true);
    expect(typeof parseMetric({ type: 'counter', name, value: 1 })).toBe('object');
  });

  it.each(['', '1a', '.a', 'a b', 'a:b', 'a|b', 'é', 'x'.repeat(MAX_METRIC_NAME_LENGTH + 1)])('refuses %j', (name) => {
    expect(isValidMetricName(name)).toBe(false);
    expect(parseMetric({ type: 'counter', name, value: 1 })).toMatch(/^invalid name /);
  });

  it('refuses what is not a string', () => {
    expect(isValidMetricName(undefined)).toBe(false);
    expect(isValidMetricName(12)).toBe(false);
    expect(METRIC_NAME_PATTERN.source).toBe('^[A-Za-z_][A-Za-z0-9_.-]*$');
  });
});

describe('tags', () => {
  it('a batch accepts at most 64 non-empty keys with string values, and keeps __proto__ as a tag', () => {
    const many = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
    expect(parseTags(many)).toEqual(many);
    expect(parseTags({ ...many, k64: 'v' })).toBe('"tags" has 65 entries, at most 64 allowed');
    const proto = parseTags(JSON.parse('{"__proto__":"x","a b":"|,#"}'));
    expect(Object.getPrototypeOf(proto)).toBeNull();
    expect(Object.entries(proto)).toEqual([
      ['__proto__', 'x'],
      ['a b', '|,#'],
    ]);
    expect(parseTags(null)).toBe('"tags" must be an object of string values, got null');
    expect(parseTags({ '': 'v' })).toBe('"tags" has an empty key');
    expect(parseTags({ k: 1 })).toBe('tag "k" must be a string, got 1');
  });

  it('tags that must also survive a StatsD line: name-like keys, no separators in values', () => {
    expect(checkStatsdSafeTags({ region: 'eu', 'host.name': 'a-1' })).toBeUndefined();
    expect(checkStatsdSafeTags({ 'a b': 'v' })).toBe('tag key "a b" must match /^[A-Za-z_][A-Za-z0-9_.-]*$/');
    for (const bad of ['a|b', 'a,b', 'a#b', 'a\nb', 'a\rb']) {
      expect(checkStatsdSafeTags({ k: bad })).toBe(`tag k value ${JSON.stringify(bad)} must not contain | , # or a newline`);
    }
    expect(checkStatsdSafeTags(['x'])).toBe('"tags" must be an object of string values, got ["x"]');
    expect(checkStatsdSafeTags({ k: 2 })).toBe('tag "k" must be a string, got 2');
  });
});
