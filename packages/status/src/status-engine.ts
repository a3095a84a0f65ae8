// The sampler behind the page: once per interval (a timer, off every recording path) it renders
// the metrics sources, reads the runtime, asks the health server for readiness, appends to the ring
// buffers and streams what changed to the connected browsers.
import { getLogger, type MetricsSource, type RouteHost } from '@sightline/core';
import { closestName } from '@sightline/core/internal';
import { CHARTS, type SeriesMeta } from './charts.js';
import { deriveSeries, isCumulative } from './derive.js';
import { parseExposition, type ParsedExposition, type Sample } from './exposition-parser.js';
import { HealthTracker } from './health-tracker.js';
import type { StatusConfig } from './options.js';
import { RuntimeSampler } from './runtime-sampler.js';
import { finiteOrNull, SeriesStore } from './series-store.js';
import { SpanStore } from './span-store.js';
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
  /** Sampling rounds in which rendering the metrics failed. */
  readonly renderErrors: number;
}

interface Pin {
  readonly meta: SeriesMeta;
  readonly sampleKey: string;
  readonly cumulative: boolean;
}

const round = (v: number): number | null => {
  const f = finiteOrNull(v);
  return f === null ? null : Math.round(f * 1000) / 1000;
};

async function renderAll(sources: readonly MetricsSource[]): Promise<string> {
  const bodies = await Promise.all(sources.map(async (s) => s.render()));
  return bodies.join('\n');
}

export class StatusEngine {
  readonly config: StatusConfig;
  readonly store: SeriesStore;
  readonly spans: SpanStore;
  readonly health: HealthTracker;
  readonly hub: SseHub;
  #sources: readonly MetricsSource[];
  #host: RouteHost | undefined;
  #runtime: RuntimeSampler | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #previous: ReadonlyMap<string, number> | undefined;
  #previousAt = 0;
  #parsed: ParsedExposition | undefined;
  readonly #pins = new Map<string, Pin>();
  #healthJson = '';
  #tracesVersion = -1;
  #ticks = 0;
  #skipped = 0;
  #renderErrors = 0;

  constructor(config: StatusConfig) {
    this.config = config;
    this.store = new SeriesStore(config.capacity, config.maxSeries);
    this.spans = new SpanStore(config.maxTraces, config.maxSpansPerTrace, config.path);
    this.health = new HealthTracker(config.maxTransitions);
    this.hub = new SseHub(config.maxClients, config.maxClientBufferBytes);
    this.#sources = config.metrics ? [config.metrics] : [];
  }

  setSources(sources: readonly MetricsSource[]): void {
    this.#sources = this.config.metrics ? [this.config.metrics] : [...sources];
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

  async #sampleMetrics(points: Map<string, Point>): Promise<void> {
    if (this.#sources.length === 0) return;
    let text: string;
    try {
      text = await renderAll(this.#sources);
    } catch (error) {
      if (this.#renderErrors++ === 0)
        log.warn('rendering the metrics for the status page failed (logged once)', {
          error: error instanceof Error ? error.message : String(error),
        });
      return;
    }
    const at = performance.now();
    const parsed = parseExposition(text);
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
    this.#parsed = parsed;
  }

  #broadcast(now: number, points: ReadonlyMap<string, Point>, added: readonly SeriesMeta[]): void {
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
        charts: CHARTS,
        times: history.times,
        series: history.series.map((s) => ({ meta: s.meta, values: s.values.map((x) => (x === null ? null : round(x))) })),
      }),
      sseFrame('health', this.health.known ? this.health.view() : null),
      sseFrame('traces', this.spans.recent(TRACES_SHOWN)),
    ];
  }

  /** The metrics a browser can pin, from the last sample. */
  listMetrics(): {
    readonly metrics: { readonly name: string; readonly type: string; readonly series: Record<string, string>[] }[];
    readonly truncated: boolean;
  } {
    const parsed = this.#parsed;
    if (!parsed) return { metrics: [], truncated: false };
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
    return { metrics: [...byName.values()], truncated: false };
  }

  pin(metric: string, labels: Readonly<Record<string, string>>): PinResult {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) {
      return {
        ok: false,
        status: 400,
        error: 'invalid_metric_name',
        message: `${JSON.stringify(metric)} is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`,
      };
    }
    const parsed = this.#parsed;
    if (!parsed) {
      return {
        ok: false,
        status: 503,
        error: 'no_sample_yet',
        message: 'no metrics have been sampled yet (no metrics source, or the first sample is pending); try again in a second',
      };
    }
    const named = parsed.samples.filter((s) => s.name === metric);
    if (named.length === 0) {
      const hint = closestName(metric, new Set(parsed.samples.map((s) => s.name)));
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
    this.#pins.set(exact.key, { meta, sampleKey: exact.key, cumulative });
    return { ok: true, meta };
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
