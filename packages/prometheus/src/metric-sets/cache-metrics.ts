// The cache metric set: counts kept in plain fields, exported (hit rate included) at scrape.
import { SightlineConfigError } from '@sightline/core';
import type { Counter, Gauge } from 'prom-client';
import type { MetricsCollector } from '../metrics-collector.js';

/** A cache's figures; what a `stats` function returns when the cache keeps its own counts. */
export interface CacheStats {
  /** Lookups found, since start. */
  readonly hits: number;
  /** Lookups not found, since start. */
  readonly misses: number;
  /** Entries evicted, since start. */
  readonly evictions: number;
  /** The cache's size now, in bytes. */
  readonly sizeBytes: number;
}

/** Records one named cache. Calls cost a field update; prom-client is touched only at scrape. */
export interface CacheRecorder {
  /** The cache's name: its `cache_name` label. */
  readonly name: string;
  /** Counts `count` hits (default 1). */
  hit(count?: number): void;
  /** Counts `count` misses (default 1). */
  miss(count?: number): void;
  /** Counts `count` evictions (default 1). */
  evict(count?: number): void;
  /** Sets the cache's size, in bytes. */
  setSize(bytes: number): void;
  /** The figures now, and `hitRate` in 0..1 (0 before any lookup). */
  stats(): CacheStats & { readonly hitRate: number };
}

/** Cache metrics by `cache_name`: size, hits, misses, evictions and hit rate. */
export interface CacheMetrics {
  /** `cache_size_bytes`. */
  readonly size: Gauge<'cache_name'>;
  /** `cache_hits_total`. */
  readonly hits: Counter<'cache_name'>;
  /** `cache_misses_total`. */
  readonly misses: Counter<'cache_name'>;
  /** `cache_evictions_total`. */
  readonly evictions: Counter<'cache_name'>;
  /** `cache_hit_rate`, from 0 to 1. */
  readonly hitRate: Gauge<'cache_name'>;
  /**
   * The recorder for cache `name` (created once, then returned again). Pass `stats` when the cache
   * counts for itself: it is read at each scrape and the recorder's own counts are ignored.
   */
  cache(name: string, stats?: () => CacheStats): CacheRecorder;
}

class Recorder implements CacheRecorder {
  hits = 0;
  misses = 0;
  evictions = 0;
  sizeBytes = 0;
  constructor(
    readonly name: string,
    readonly source: (() => CacheStats) | undefined,
  ) {}
  hit(count = 1): void {
    this.hits += count;
  }
  miss(count = 1): void {
    this.misses += count;
  }
  evict(count = 1): void {
    this.evictions += count;
  }
  setSize(bytes: number): void {
    this.sizeBytes = bytes;
  }
  stats(): CacheStats & { readonly hitRate: number } {
    const s = this.source ? this.source() : this;
    const lookups = s.hits + s.misses;
    return { hits: s.hits, misses: s.misses, evictions: s.evictions, sizeBytes: s.sizeBytes, hitRate: lookups > 0 ? s.hits / lookups : 0 };
  }
}

/**
 * Defines `cache_size_bytes`, `cache_hits_total`, `cache_misses_total`, `cache_evictions_total` and
 * `cache_hit_rate` (0..1, computed at scrape), all by `cache_name`.
 */
export function cacheMetrics(collector: MetricsCollector): CacheMetrics {
  const recorders = new Map<string, Recorder>();
  // One scrape reads every metric of the set; each cache's stats are taken once per scrape, so the
  // five metrics agree. A snapshot serves each metric once: it is dropped when all five have read
  // it, and a metric that asks again (the next scrape, or one that read only some families) takes a
  // new one. Tied to reads, not to the event loop: a scrape that yields between metrics (under
  // load) still reads each cache once.
  const METRICS_IN_SET = 5;
  let scrapeStats: Map<string, ReturnType<Recorder['stats']>> | undefined;
  const readers = new Set<object>();
  const current = (reader: object): Map<string, ReturnType<Recorder['stats']>> => {
    if (!scrapeStats || readers.has(reader)) {
      const taken = new Map<string, ReturnType<Recorder['stats']>>();
      for (const [name, r] of recorders) taken.set(name, r.stats());
      scrapeStats = taken;
      readers.clear();
    }
    const stats = scrapeStats;
    readers.add(reader);
    if (readers.size === METRICS_IN_SET) {
      scrapeStats = undefined;
      readers.clear();
    }
    return stats;
  };
  const exportCounter = (pick: (s: CacheStats) => number) =>
    function (this: Counter<'cache_name'>) {
      this.reset();
      for (const [name, s] of current(this)) this.inc({ cache_name: name }, pick(s));
    };
  const exportGauge = (pick: (s: ReturnType<Recorder['stats']>) => number) =>
    function (this: Gauge<'cache_name'>) {
      this.reset();
      for (const [name, s] of current(this)) this.set({ cache_name: name }, pick(s));
    };

  const labels = ['cache_name'] as const;
  const size = collector.gauge('cache_size_bytes', 'Cache size in bytes', { labels, collect: exportGauge((s) => s.sizeBytes) });
  const hits = collector.counter('cache_hits_total', 'Cache hits', { labels, collect: exportCounter((s) => s.hits) });
  const misses = collector.counter('cache_misses_total', 'Cache misses', { labels, collect: exportCounter((s) => s.misses) });
  const evictions = collector.counter('cache_evictions_total', 'Cache evictions', {
    labels,
    collect: exportCounter((s) => s.evictions),
  });
  const hitRate = collector.gauge('cache_hit_rate', 'Cache hit rate (0.0-1.0): hits / (hits + misses)', {
    labels,
    // Across cluster workers a rate averages; summing would exceed 1.
    aggregator: 'average',
    collect: exportGauge((s) => s.hitRate),
  });

  return {
    size,
    hits,
    misses,
    evictions,
    hitRate,
    cache(name, stats) {
      if (typeof name !== 'string' || name.length === 0) {
        throw new SightlineConfigError(`cacheMetrics: cache name must be a non-empty string, got ${JSON.stringify(name)}`);
      }
      let recorder = recorders.get(name);
      if (!recorder) {
        recorder = new Recorder(name, stats);
        recorders.set(name, recorder);
      }
      return recorder;
    },
  };
}
