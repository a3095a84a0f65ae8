import { cacheMetrics, MetricsCollector } from '../../src/index.js';
import { samples } from '../helpers.js';

describe('cacheMetrics', () => {
  it('exports hits, misses, evictions and size, hit rate computed at scrape', async () => {
    const collector = new MetricsCollector();
    const caches = cacheMetrics(collector);
    const cache = caches.cache('http_response');
    cache.hit(1325);
    cache.miss(198);
    cache.evict(12);
    cache.setSize(234);
    expect(caches.cache('http_response')).toBe(cache);
    expect(await collector.render()).toBe(
      [
        '# HELP cache_size_bytes Cache size in bytes',
        '# TYPE cache_size_bytes gauge',
        'cache_size_bytes{cache_name="http_response"} 234',
        '# HELP cache_hits_total Cache hits',
        '# TYPE cache_hits_total counter',
        'cache_hits_total{cache_name="http_response"} 1325',
        '# HELP cache_misses_total Cache misses',
        '# TYPE cache_misses_total counter',
        'cache_misses_total{cache_name="http_response"} 198',
        '# HELP cache_evictions_total Cache evictions',
        '# TYPE cache_evictions_total counter',
        'cache_evictions_total{cache_name="http_response"} 12',
        '# HELP cache_hit_rate Cache hit rate (0.0-1.0): hits / (hits + misses)',
        '# TYPE cache_hit_rate gauge',
        `cache_hit_rate{cache_name="http_response"} ${1325 / 1523}`,
        '',
      ].join('\n'),
    );
  });

  it('follows the counts between scrapes and keeps caches apart', async () => {
    const collector = new MetricsCollector();
    const caches = cacheMetrics(collector);
    const a = caches.cache('a');
    const b = caches.cache('b');
    a.hit();
    a.hit();
    a.miss();
    expect(await samples(collector, 'cache_hit')).toEqual({
      'cache_hits_total{cache_name="a"}': 2,
      'cache_hits_total{cache_name="b"}': 0,
      'cache_hit_rate{cache_name="a"}': 2 / 3,
      'cache_hit_rate{cache_name="b"}': 0,
    });
    a.hit();
    b.miss(4);
    expect(await samples(collector, 'cache_hit')).toEqual({
      'cache_hits_total{cache_name="a"}': 3,
      'cache_hits_total{cache_name="b"}': 0,
      'cache_hit_rate{cache_name="a"}': 0.75,
      'cache_hit_rate{cache_name="b"}': 0,
    });
  });

  it('reads a cache that counts for itself once per scrape', async () => {
    const collector = new MetricsCollector();
    let reads = 0;
    cacheMetrics(collector).cache('lru', () => {
      reads++;
      return { hits: 9, misses: 1, evictions: 3, sizeBytes: 4096 };
    });
    expect(await samples(collector)).toEqual({
      'cache_size_bytes{cache_name="lru"}': 4096,
      'cache_hits_total{cache_name="lru"}': 9,
      'cache_misses_total{cache_name="lru"}': 1,
      'cache_evictions_total{cache_name="lru"}': 3,
      'cache_hit_rate{cache_name="lru"}': 0.9,
    });
    expect(reads).toBe(1);
  });

  it('reads the cache once per scrape even when the scrape yields to the event loop between metrics', async () => {
    const collector = new MetricsCollector();
    let reads = 0;
    cacheMetrics(collector).cache('slow', () => {
      reads++;
      // Longer than a render slice: the scrape gives the event loop back before the next metric.
      const until = performance.now() + 5;
      while (performance.now() < until);
      return { hits: 3, misses: 1, evictions: 0, sizeBytes: 1 };
    });
    expect((await samples(collector))['cache_hit_rate{cache_name="slow"}']).toBe(0.75);
    expect(reads).toBe(1);
    await samples(collector);
    expect(reads).toBe(2);
  });

  it('costs nothing and renders nothing when the collector is disabled', async () => {
    const collector = new MetricsCollector({ enabled: false });
    const cache = cacheMetrics(collector).cache('x');
    cache.hit();
    expect(cache.stats()).toEqual({ hits: 1, misses: 0, evictions: 0, sizeBytes: 0, hitRate: 1 });
    expect(await collector.render()).toBe('');
  });
});
