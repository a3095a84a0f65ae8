import { MetricStore } from '../../src/aggregation/metric-store.js';
import { familyName, sanitizeLabelName, sanitizeMetricName } from '../../src/aggregation/prometheus-names.js';
import { newIngestCounters } from '../../src/ingest-stats.js';
import { expositionSnapshot } from '../../src/exposition/exposition-snapshot.js';
import { captureLogs, storeLimits } from '../helpers.js';

function store(over: Partial<ConstructorParameters<typeof MetricStore>[0]> = {}) {
  const counters = newIngestCounters();
  const s = new MetricStore(
    { ...storeLimits(), maxSeries: 100, timerBuckets: [0.01, 0.1, 1], histogramBuckets: [10, 100], maxSetMembers: 3, ...over },
    counters,
  );
  return { s, counters };
}

describe('Prometheus names', () => {
  it('turns dots and dashes into underscores and never starts with a digit', () => {
    expect(sanitizeMetricName('orders.created-v2')).toBe('orders_created_v2');
    expect(sanitizeMetricName('5xx.count')).toBe('_5xx_count');
    expect(sanitizeMetricName('a/b;c=d')).toBe('a_b_c_d');
  });

  it('suffixes counters with _total and timers with _seconds, once', () => {
    expect(familyName('counter', 'orders.created')).toBe('orders_created_total');
    expect(familyName('counter', 'orders.total')).toBe('orders_total');
    expect(familyName('timer', 'db.query')).toBe('db_query_seconds');
    expect(familyName('timer', 'db.query.seconds')).toBe('db_query_seconds');
    expect(familyName('histogram', 'payload.bytes')).toBe('payload_bytes');
    expect(familyName('gauge', 'queue.depth')).toBe('queue_depth');
    expect(familyName('set', 'users.unique')).toBe('users_unique');
  });

  it('sanitizes label names and keeps clear of reserved ones', () => {
    expect(sanitizeLabelName('http.method')).toBe('http_method');
    expect(sanitizeLabelName('le')).toBe('tag_le');
    expect(sanitizeLabelName('quantile')).toBe('tag_quantile');
    expect(sanitizeLabelName('__name__')).toBe('tag___name__');
    expect(sanitizeLabelName('1st')).toBe('_1st');
  });
});

describe('MetricStore', () => {
  it('sums counters, keeps the last gauge, applies gauge deltas, counts set members', () => {
    const { s } = store();
    s.addCounter('c', undefined, 2);
    s.addCounter('c', undefined, 3.5);
    s.addCounter('c', { region: 'eu' }, 1);
    s.setGauge('g', undefined, 7);
    s.setGauge('g', undefined, 4);
    s.setGauge('g', undefined, 3, true);
    s.setGauge('g', undefined, -10, true);
    s.addToSet('u', undefined, ['a', 'b', 'a']);
    s.addToSet('u', undefined, ['b', 'c']);
    expect(s.snapshot()).toEqual({
      counters: { c: 5.5, 'c{region=eu}': 1 },
      gauges: { g: -3 },
      timers: {},
      histograms: {},
      sets: { u: 3 },
    });
    expect(s.seriesCount).toBe(4);
  });

  it('summarises timers in milliseconds and buckets them in seconds', () => {
    const { s } = store();
    expect(s.observe('timer', 't', undefined, [5, 50, 500, 5000])).toBeUndefined();
    expect(s.observe('histogram', 'h', undefined, [10, 11], 0.5)).toBeUndefined();
    expect(s.snapshot().timers).toEqual({ t: { count: 4, sum: 5555, min: 5, max: 5000 } });
    expect(s.snapshot().histograms).toEqual({ h: { count: 4, sum: 42, min: 10, max: 11 } });
    const [t, h] = s.familyList();
    const counts = (f: typeof t) => [...(f!.series.values().next().value as unknown as { counts: Float64Array }).counts];
    // 5 ms <= 0.01 s; 50 ms <= 0.1 s; 500 ms <= 1 s; 5 s in +Inf.
    expect(counts(t)).toEqual([1, 1, 1, 1]);
    // 10 <= 10 (bounds are inclusive); 11 <= 100; each weighted 2.
    expect(counts(h)).toEqual([2, 2, 0]);
  });

  it('merges names and tags that expose as the same series', () => {
    const { s } = store();
    s.addCounter('a.b', { 'k.x': 'v' }, 1);
    s.addCounter('a_b', { k_x: 'v' }, 2);
    s.addCounter('a-b', { k_x: 'v' }, 3);
    expect(s.snapshot().counters).toEqual({ 'a.b{k.x=v}': 6 });
    expect(s.seriesCount).toBe(1);
  });

  it('refuses a metric whose Prometheus name belongs to another kind', () => {
    const { s } = store();
    expect(s.setGauge('x', undefined, 1)).toBeUndefined();
    expect(s.addToSet('x', undefined, ['m'])).toEqual({
      reason: 'name_clash',
      message: '"x" as a set clashes with the gauge "x" exposed as x',
    });
    expect(s.addCounter('z.total', undefined, 1)).toBeUndefined();
    expect(s.setGauge('z_total', undefined, 1)).toEqual({
      reason: 'name_clash',
      message: '"z_total" as a gauge clashes with the counter "z.total" exposed as z_total',
    });
    // A counter `x` would be the OpenMetrics family `x`, beside the gauge `x`.
    expect(s.addCounter('x', undefined, 1)?.reason).toBe('name_clash');
  });

  it('keeps the names of its own metrics to itself', () => {
    const { s } = store();
    expect(s.setGauge('sightline.stats_server.series', undefined, 1)).toEqual({
      reason: 'reserved_name',
      message: '"sightline.stats_server.series" is reserved: names exposed with the prefix sightline_stats_server_ belong to the server',
    });
  });

  it('drops and counts new series past maxSeries, and keeps updating the existing ones', () => {
    const { s, counters } = store({ maxSeries: 2 });
    expect(s.addCounter('a', undefined, 1)).toBeUndefined();
    expect(s.addCounter('a', { k: '1' }, 1)).toBeUndefined();
    expect(s.addCounter('a', { k: '2' }, 1)?.message).toBe('series limit reached (maxSeries 2): new series a{k=2} dropped');
    expect(s.setGauge('b', undefined, 1)?.message).toBe('series limit reached (maxSeries 2): new series b dropped');
    expect(s.addCounter('a', undefined, 5)).toBeUndefined();
    expect(counters.seriesDropped).toBe(2);
    expect(s.snapshot().counters).toEqual({ a: 6, 'a{k=1}': 1 });
  });

  it('drops and counts set members past maxSetMembers', () => {
    const { s, counters } = store();
    expect(s.addToSet('u', undefined, ['a', 'b', 'c', 'd', 'e', 'a'])).toEqual({
      reason: 'set_members_limit',
      message: 'set "u" holds maxSetMembers (3) members: 2 new member(s) dropped',
    });
    expect(counters.setMembersDropped).toBe(2);
    expect(s.snapshot().sets).toEqual({ u: 3 });
  });

  describe('a counter that receives a negative delta (decr)', () => {
    let logs: ReturnType<typeof captureLogs>;
    beforeEach(() => {
      logs = captureLogs('info');
    });
    afterEach(() => logs.restore());

    const families = (s: MetricStore) =>
      expositionSnapshot({ families: s.familyList(), counters: newIngestCounters(), seriesCount: 0, memoryBytes: 0 })
        .filter((m) => !m.name.startsWith('sightline_'))
        .map((m) => ({ name: m.name, type: m.type, values: m.values.map((v) => v.value) }));

    it('applies it: incr x5 then decr(2) is 3, and the family is exposed as a gauge without _total', () => {
      const { s } = store({ prefix: 'stats_' });
      for (let i = 0; i < 5; i++) expect(s.addCounter('jobs.active', undefined, 1)).toBeUndefined();
      expect(families(s)).toEqual([{ name: 'stats_jobs_active_total', type: 'counter', values: [5] }]);
      expect(s.addCounter('jobs.active', undefined, -2)).toBeUndefined();
      expect(s.snapshot().counters).toEqual({ 'jobs.active': 3 });
      expect(families(s)).toEqual([{ name: 'stats_jobs_active', type: 'gauge', values: [3] }]);
    });

    it('switches every series of the family, stays switched, may go below zero, and logs once at info', () => {
      const { s } = store({ prefix: 'stats_' });
      s.addCounter('q', { k: 'a' }, 4);
      s.addCounter('q', { k: 'b' }, 1);
      s.addCounter('q', { k: 'a' }, -1);
      s.addCounter('q', { k: 'b' }, -3);
      s.addCounter('q', { k: 'a' }, 2);
      expect(families(s)).toEqual([{ name: 'stats_q', type: 'gauge', values: [5, -2] }]);
      const infos = logs.records.filter((r) => r.level === 'info');
      expect(infos.map((r) => r.message)).toEqual([
        'counter "q" received a negative delta (-1): exposed from now on as the up/down counter (gauge) stats_q instead of stats_q_total',
      ]);
    });

    it('keeps a name that ends in _total apart from its gauge base, and still refuses a gauge of the same name', () => {
      const { s } = store();
      s.addCounter('done.total', undefined, 2);
      s.addCounter('done.total', undefined, -1);
      expect(families(s)).toEqual([{ name: 'done', type: 'gauge', values: [1] }]);
      // `done` was claimed by the counter from the start: no other family may write it.
      expect(s.setGauge('done', undefined, 1)?.reason).toBe('name_clash');
    });

    it('still refuses a delta that is not finite', () => {
      const { s } = store();
      expect(s.addCounter('c', undefined, -Infinity)?.reason).toBe('non_finite');
      expect(s.snapshot().counters).toEqual({});
    });
  });
});
