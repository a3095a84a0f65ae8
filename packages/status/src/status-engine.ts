// The sampler behind the page: once per interval (a timer, off every recording path) it reads the
// families its charts and pins need from the metrics sources, reads the runtime, asks the health
// server for readiness, appends to the ring buffers and streams what changed to the connected
// browsers. Its cost follows what the page shows, not the size of /metrics: sources that can give
// their families as data (`collect()`, every Sightline backend) are asked for those families only.
import { getLogger, type MetricsSource, type RouteHost } from '@sightline/core';
import { closestName, combineMetricsSources } from '@sightline/core/internal';
import { CHARTS, RUNTIME_CHARTS, type ChartSpec, type SeriesMeta } from './charts.js';
import { chartsOfFamilies, deriveSeries, isChartedFamily, isCumulative } from './derive.js';
import { familyOf, parseExposition, type ParsedExposition, type Sample } from './exposition-parser.js';
import { HealthTracker } from './health-tracker.js';
import type { StatusConfig } from './options.js';
import { RuntimeSampler } from './runtime-sampler.js';
import { finiteOrNull, SeriesStore } from './series-store.js';
import { SpanStore } from './span-store.js';
import { samplesFromSnapshots } from './snapshot-samples.js';
import { SseHub, sseFrame } from './sse-hub.js';

const log = getLogger('sightline.status');

/** Traces sent to the page at a time. */
const TRACES_SHOWN = 20;
/** Series listed for the pin picker. */
const MAX_LISTED = 5000;

type Point = { meta: SeriesMeta; value: number };

export type PinResult =
  | { readonly ok: true; readonly meta: SeriesMeta }
  | { readonly ok: false; readonly status: 400 | 404 | 409 | 503; readonly error: string; readonly message: string };

/** What the status page holds and has counted since it started. */
export interface StatusStats {
  /** Series kept now (charts and pins together), at most `maxSeries`. */
  readonly series: number;
  /** Bytes held by the ring buffers. */
  readonly bufferBytes: number;
  /** Samples held per series now, at most `historyMs` at `intervalMs`. */
  readonly points: number;
  /** Series refused because `maxSeries` were already kept. */
  readonly refusedSeries: number;
  /** Metrics pinned from the page now. */
  readonly pins: number;
  /** Browsers streaming now. */
  readonly clients: number;
  /** Browsers refused (503) because `maxClients` were already streaming. */
  readonly refusedClients: number;
  /** Browsers disconnected for leaving more than `maxClientBufferBytes` unread. */
  readonly slowClientsDisconnected: number;
  /** Recent traces kept now, at most `maxTraces`. */
  readonly traces: number;
  /** Spans not kept because their trace already held `maxSpansPerTrace`. */
  readonly droppedSpans: number;
  /** Oldest traces dropped to make room for a new one. */
  readonly evictedTraces: number;
  /** Sampling rounds run. */
  readonly ticks: number;
  /** Ticks skipped because the previous one had not finished. */
  readonly skippedTicks: number;
  /** Sampling rounds in which reading the metrics failed. */
  readonly renderErrors: number;
  /**
   * Samples read from the metrics sources in the last round: those of the charted and pinned
   * families, whatever the size of `/metrics` (all of it only for a source without `collect()`).
   */
  readonly samplesRead: number;
}

interface Pin {
  readonly meta: SeriesMeta;
  readonly sampleKey: string;
  /** The family the series belongs to: what each sample reads for it. */
  readonly family: string;
  readonly cumulative: boolean;
}

/** The family names a sample name can belong to: itself, or without a histogram's or counter's suffix. */
function familiesOf(sampleName: string): ReadonlySet<string> {
  const names = new Set([sampleName]);
  for (const suffix of ['_bucket', '_count', '_sum', '_total', '_created', '_gcount', '_gsum']) {
    if (sampleName.endsWith(suffix)) names.add(sampleName.slice(0, -suffix.length));
  }
  return names;
}

const round = (v: number): number | null => {
  const f = finiteOrNull(v);
  return f === null ? null : Math.round(f * 1000) / 1000;
};

export class StatusEngine {
  readonly config: StatusConfig;
  readonly store: SeriesStore;
  readonly spans: SpanStore;
  readonly health: HealthTracker;
  readonly hub: SseHub;
  #source: MetricsSource | undefined;
  #host: RouteHost | undefined;
  #runtime: RuntimeSampler | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #previous: ReadonlyMap<string, number> | undefined;
  #previousAt = 0;
  readonly #pins = new Map<string, Pin>();
  #healthJson = '';
  #tracesVersion = -1;
  #ticks = 0;
  #skipped = 0;
  #renderErrors = 0;
  #samplesRead = 0;
  /** Ids of the charts with a family behind them (or the runtime's): once shown, a chart stays. */
  readonly #shown = new Set<string>(RUNTIME_CHARTS);
  #chartsChanged = false;

  constructor(config: StatusConfig) {
    this.config = config;
    this.store = new SeriesStore(config.capacity, config.maxSeries);
    this.spans = new SpanStore(config.maxTraces, config.maxSpansPerTrace, config.path);
    this.health = new HealthTracker(config.maxTransitions);
    this.hub = new SseHub(config.maxClients, config.maxClientBufferBytes);
    this.#source = config.metrics;
  }

  setSources(sources: readonly MetricsSource[]): void {
    this.#source = this.config.metrics ?? (sources.length > 0 ? combineMetricsSources(...sources) : undefined);
  }

  setHost(host: RouteHost | undefined): void {
    this.#host = host;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    if (this.#timer) return;
    this.#runtime = new RuntimeSampler();
    this.#timer = setInterval(() => void this.tick(), this.config.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#runtime?.stop();
    this.#runtime = undefined;
    this.hub.closeAll();
  }

  stats(): StatusStats {
    const hub = this.hub.stats();
    return {
      series: this.store.size,
      bufferBytes: this.store.bytes,
      points: this.store.length,
      refusedSeries: this.store.refused,
      pins: this.#pins.size,
      clients: hub.connected,
      refusedClients: hub.refused,
      slowClientsDisconnected: hub.slowDisconnected,
      traces: this.spans.size,
      droppedSpans: this.spans.droppedSpans,
      evictedTraces: this.spans.evictedTraces,
      ticks: this.#ticks,
      skippedTicks: this.#skipped,
      renderErrors: this.#renderErrors,
      samplesRead: this.#samplesRead,
    };
  }

  /** One sampling round; the timer calls it, tests may too. Never rejects. */
  async tick(): Promise<void> {
    if (this.#ticking) {
      this.#skipped++;
      return;
    }
    this.#ticking = true;
    try {
      const readiness = this.#host?.readiness(0).catch((error: unknown) => {
        log.debug('readiness failed for the status page', { error: error instanceof Error ? error.message : String(error) });
        return undefined;
      });
      const points = new Map<string, Point>();
      this.#runtime?.sample(points);
      await this.#sampleMetrics(points);
      const now = Date.now();
      const added = this.store.push(now / 1000, points);
      const report = readiness ? await readiness : undefined;
      if (report) this.health.record(report, now);
      this.#ticks++;
      if (this.hub.size > 0) this.#broadcast(now, points, added);
    } catch (error) {
      log.warn('a status page sample failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#ticking = false;
    }
  }

  /**
   * The families `wanted` accepts (all when it is not given), as samples: read as data when the
   * source can give it, else rendered and parsed (a source of the user's own without `collect()`).
   */
  async #read(source: MetricsSource, wanted?: (family: string) => boolean): Promise<ParsedExposition & { readonly read: number }> {
    if (typeof source.collect === 'function') {
      const parsed = samplesFromSnapshots(await source.collect(wanted));
      return { ...parsed, read: parsed.samples.length };
    }
    const parsed = parseExposition(await source.render());
    if (!wanted) return { ...parsed, read: parsed.samples.length };
    // Asked once per family, as collect() would be.
    const verdicts = new Map<string, boolean>();
    const keep = (s: Sample): boolean => {
      const family = familyOf(s.name, parsed.types);
      let verdict = verdicts.get(family);
      if (verdict === undefined) verdicts.set(family, (verdict = wanted(family)));
      return verdict;
    };
    return { types: parsed.types, samples: parsed.samples.filter(keep), skipped: parsed.skipped, read: parsed.samples.length };
  }

  async #sampleMetrics(points: Map<string, Point>): Promise<void> {
    const source = this.#source;
    if (!source) return;
    const pinned = new Set<string>();
    for (const pin of this.#pins.values()) pinned.add(pin.family);
    let parsed: ParsedExposition & { readonly read: number };
    try {
      parsed = await this.#read(source, (family) => isChartedFamily(family) || pinned.has(family));
    } catch (error) {
      if (this.#renderErrors++ === 0)
        log.warn('reading the metrics for the status page failed (logged once)', {
          error: error instanceof Error ? error.message : String(error),
        });
      return;
    }
    const at = performance.now();
    this.#samplesRead = parsed.read;
    this.#noteFamilies(parsed);
    const values = new Map<string, number>();
    for (const s of parsed.samples) values.set(s.key, s.value);
    const dt = this.#previous ? Math.max(0.001, (at - this.#previousAt) / 1000) : 1;
    for (const p of deriveSeries(parsed, this.#previous, dt)) points.set(p.meta.key, { meta: p.meta, value: p.value });
    for (const pin of this.#pins.values()) {
      const value = values.get(pin.sampleKey);
      if (value === undefined) continue;
      if (!pin.cumulative) points.set(pin.meta.key, { meta: pin.meta, value });
      else {
        const before = this.#previous?.get(pin.sampleKey);
        if (before !== undefined) points.set(pin.meta.key, { meta: pin.meta, value: (value >= before ? value - before : value) / dt });
      }
    }
    this.#previous = values;
    this.#previousAt = at;
  }

  /** Adds the charts the families read this round stand behind, marking the list changed when one is new. */
  #noteFamilies(parsed: ParsedExposition): void {
    // A family counts once it has a sample: a labelled family defined but never recorded into
    // (a lag gauge before any partition is read) draws nothing worth a chart.
    const families = new Set<string>();
    for (const s of parsed.samples) families.add(familyOf(s.name, parsed.types));
    for (const id of chartsOfFamilies(families)) {
      if (!this.#shown.has(id)) {
        this.#shown.add(id);
        this.#chartsChanged = true;
      }
    }
  }

  /** The charts the page draws now, in their declared order: those with a family behind them, and the runtime's. */
  charts(): ChartSpec[] {
    return CHARTS.filter((c) => this.#shown.has(c.id));
  }

  #broadcast(now: number, points: ReadonlyMap<string, Point>, added: readonly SeriesMeta[]): void {
    if (this.#chartsChanged) {
      this.#chartsChanged = false;
      this.hub.broadcast(sseFrame('charts', this.charts()));
    }
    if (added.length > 0) this.hub.broadcast(sseFrame('series', added));
    const v: Record<string, number | null> = {};
    for (const [key, p] of points) if (this.store.has(key)) v[key] = round(p.value);
    this.hub.broadcast(sseFrame('tick', { t: now / 1000, v }));
    if (this.health.known) {
      const json = JSON.stringify(this.health.view());
      if (json !== this.#healthJson) {
        this.#healthJson = json;
        this.hub.broadcast(Buffer.from(`event: health\ndata: ${json}\n\n`, 'utf8'));
      }
    }
    if (this.spans.version !== this.#tracesVersion) {
      this.#tracesVersion = this.spans.version;
      this.hub.broadcast(sseFrame('traces', this.spans.recent(TRACES_SHOWN)));
    }
  }

  /** What a browser needs when it connects: the charts, their history, health and traces. */
  initialFrames(): Buffer[] {
    const history = this.store.history();
    return [
      sseFrame('init', {
        intervalMs: this.config.intervalMs,
        capacity: this.config.capacity,
        charts: this.charts(),
        times: history.times,
        series: history.series.map((s) => ({ meta: s.meta, values: s.values.map((x) => (x === null ? null : round(x))) })),
      }),
      sseFrame('health', this.health.known ? this.health.view() : null),
      sseFrame('traces', this.spans.recent(TRACES_SHOWN)),
    ];
  }

  /**
   * The metrics a browser can pin, read now (on the picker's request, not every interval): at most
   * MAX_LISTED series, from at most MAX_LISTED families.
   */
  async listMetrics(): Promise<{
    readonly metrics: { readonly name: string; readonly type: string; readonly series: Record<string, string>[] }[];
    readonly truncated: boolean;
  }> {
    const source = this.#source;
    if (!source) return { metrics: [], truncated: false };
    let families = 0;
    let more = false;
    const parsed = await this.#read(source, () => {
      if (families < MAX_LISTED) return ++families > 0;
      more = true;
      return false;
    });
    const byName = new Map<string, { name: string; type: string; series: Record<string, string>[] }>();
    let listed = 0;
    for (const s of parsed.samples) {
      if (listed >= MAX_LISTED) return { metrics: [...byName.values()], truncated: true };
      let entry = byName.get(s.name);
      if (!entry)
        byName.set(
          s.name,
          (entry = {
            name: s.name,
            type: parsed.types.get(s.name) ?? parsed.types.get(s.name.replace(/_(bucket|count|sum|total)$/, '')) ?? 'untyped',
            series: [],
          }),
        );
      entry.series.push(Object.fromEntries(s.labels));
      listed++;
    }
    return { metrics: [...byName.values()], truncated: more };
  }

  /** Pins one series, read now from the family its name belongs to. */
  async pin(metric: string, labels: Readonly<Record<string, string>>): Promise<PinResult> {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) {
      return {
        ok: false,
        status: 400,
        error: 'invalid_metric_name',
        message: `${JSON.stringify(metric)} is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`,
      };
    }
    const source = this.#source;
    if (!source) {
      return {
        ok: false,
        status: 503,
        error: 'no_metrics_source',
        message: 'the status page has no metrics source: mount it under setup() with a metrics backend, or pass `metrics`',
      };
    }
    const candidates = familiesOf(metric);
    let parsed: ParsedExposition;
    try {
      parsed = await this.#read(source, (family) => candidates.has(family));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, status: 503, error: 'metrics_unavailable', message: `reading the metrics failed: ${reason}` };
    }
    const named = parsed.samples.filter((s) => s.name === metric);
    if (named.length === 0) {
      // The names alone, for the hint: every family is offered to the filter and none is read.
      const names = new Set<string>();
      await this.#read(source, (family) => {
        if (names.size < MAX_LISTED) names.add(family);
        return false;
      }).catch(() => undefined);
      const hint = await this.#nearestSampleName(source, metric, names);
      return {
        ok: false,
        status: 404,
        error: 'unknown_metric',
        message: `no metric named "${metric}" in /metrics${hint ? `; did you mean "${hint}"?` : ''}`,
      };
    }
    const wanted = Object.entries(labels);
    const matching = named.filter((s) => wanted.every(([k, v]) => s.labels.some(([lk, lv]) => lk === k && lv === v)));
    const describe = (list: readonly Sample[]) =>
      list
        .slice(0, 10)
        .map((s) => s.key)
        .join(', ') + (list.length > 10 ? `, … (${list.length} in all)` : '');
    if (matching.length === 0) {
      return {
        ok: false,
        status: 404,
        error: 'unknown_series',
        message: `"${metric}" has no series with labels ${JSON.stringify(labels)}; it has: ${describe(named)}`,
      };
    }
    const exact = matching.length === 1 ? matching[0] : matching.find((s) => s.labels.length === wanted.length);
    if (!exact) {
      return {
        ok: false,
        status: 400,
        error: 'ambiguous_series',
        message: `"${metric}" with labels ${JSON.stringify(labels)} matches ${matching.length} series; add labels to pick one: ${describe(matching)}`,
      };
    }
    const existing = this.#pins.get(exact.key);
    if (existing) return { ok: true, meta: existing.meta };
    if (this.#pins.size >= this.config.maxPins) {
      return {
        ok: false,
        status: 409,
        error: 'too_many_pins',
        message: `at most ${this.config.maxPins} metrics can be pinned at once; unpin one first`,
      };
    }
    const cumulative = isCumulative(exact, parsed.types);
    const meta: SeriesMeta = Object.freeze({
      key: `pin|${exact.key}`,
      chart: `pin:${exact.key}`,
      label: cumulative ? `${exact.key} /s` : exact.key,
      unit: cumulative ? '/s' : '',
    });
    this.#pins.set(exact.key, { meta, sampleKey: exact.key, family: familyOf(exact.name, parsed.types), cumulative });
    return { ok: true, meta };
  }

  /** The sample name nearest `metric`: the nearest family by the names it can write, then its real samples' names. */
  async #nearestSampleName(source: MetricsSource, metric: string, families: ReadonlySet<string>): Promise<string | undefined> {
    const familyOfName = new Map<string, string>();
    for (const f of families) {
      for (const n of [f, `${f}_bucket`, `${f}_count`, `${f}_sum`, `${f}_total`]) if (!familyOfName.has(n)) familyOfName.set(n, f);
    }
    const near = closestName(metric, new Set(familyOfName.keys()));
    if (near === undefined) return undefined;
    const family = familyOfName.get(near);
    const read = await this.#read(source, (f) => f === family).catch(() => undefined);
    return read ? closestName(metric, new Set(read.samples.map((s) => s.name))) : undefined;
  }

  unpin(seriesKey: string): boolean {
    const pin = this.#pins.get(seriesKey);
    if (!pin) return false;
    this.#pins.delete(seriesKey);
    this.store.remove(pin.meta.key);
    return true;
  }

  pins(): SeriesMeta[] {
    return [...this.#pins.values()].map((p) => p.meta);
  }
}
