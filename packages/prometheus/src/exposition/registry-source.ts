// A prom-client registry as a core MetricsSource: snapshot through prom-client, render with ours.
import type { MetricsExposition, MetricsSource } from '@sightline/core';
import { getLogger } from '@sightline/core';
import type { Registry, RegistryContentType } from 'prom-client';

/** A prom-client registry of either content type. */
export type AnyRegistry = Registry<RegistryContentType>;
import { contentTypeOf, EXPOSITION_FORMATS, negotiateFormat, PROMETHEUS_CONTENT_TYPE, type ExpositionFormat } from './formats.js';
import { collectOf, readableInSteps, readSeries } from './read-series.js';
import { renderExpositionSliced, type MetricSnapshot } from './render.js';
import { RENDER_SLICE_MS, runInSlices, yieldToEventLoop } from './time-slices.js';

const log = getLogger('sightline.prometheus.exposition');

/**
 * A metric as a registry holds it: prom-client's classes, or an aggregate's plain wrapper. Neither
 * `getMetricsAsArray()` returning these nor `getForPromString()` is in prom-client's published
 * types: prom-client is pinned to one exact version, and test/exposition/prom-client-internals.test.ts
 * fails when an upgrade changes either.
 */
interface RegisteredMetric {
  readonly name: string;
  get(): Promise<MetricSnapshot> | MetricSnapshot;
  getForPromString?(): Promise<MetricSnapshot> | MetricSnapshot;
}

const failedOnce = new Set<string>();

/**
 * Reads every metric of the registries (running their `collect()` callbacks). A metric whose
 * collect throws is left out of this scrape and logged once, so one bad callback cannot take
 * down `/metrics`.
 */
export async function snapshotRegistries(registries: readonly AnyRegistry[]): Promise<MetricSnapshot[]> {
  const metrics: RegisteredMetric[] = [];
  for (const registry of registries) {
    for (const metric of registry.getMetricsAsArray() as unknown as RegisteredMetric[]) metrics.push(metric);
  }
  // First every metric is started, so async collect callbacks run side by side: prom-client's own
  // counters, gauges and histograms run their collect() and are read in steps afterwards; any
  // other metric (summaries, aggregates, custom ones) answers get() as usual.
  const started: Array<Promise<unknown>> = [];
  const inSteps: boolean[] = [];
  let sliceStart = performance.now();
  for (const m of metrics) {
    const steps = readableInSteps(m);
    inSteps.push(steps);
    try {
      // Histograms keep `le` apart from the series labels in getForPromString(): cheaper to render.
      started.push(Promise.resolve(steps ? collectOf(m) : typeof m.getForPromString === 'function' ? m.getForPromString() : m.get()));
    } catch (error) {
      started.push(Promise.reject(error));
    }
    if (performance.now() - sliceStart >= RENDER_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  const settled = await Promise.allSettled(started);
  const out: MetricSnapshot[] = [];
  function* readAll(): Generator<boolean | void, void, void> {
    for (let i = 0; i < settled.length; i++) {
      const result = settled[i]!;
      if (result.status === 'rejected') {
        leftOut(metrics[i]!.name, result.reason);
        continue;
      }
      out.push(inSteps[i] ? yield* readSeries(metrics[i], []) : (result.value as MetricSnapshot));
      yield;
    }
  }
  await runInSlices(readAll());
  return out;
}

function leftOut(name: string, reason: unknown): void {
  if (failedOnce.has(name)) return;
  failedOnce.add(name);
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  log.warn(`collecting metric ${name} failed; left out of the scrape`, { metric: name, error: text });
}

/** Options of `registrySource()` and `snapshotSource()`. */
export interface RegistrySourceOptions {
  /** Labels added to every sample that does not set them itself. Default none. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

/** An exposition as bytes, ready for the socket. */
export interface ExpositionBytes {
  /** The negotiated content type. */
  readonly contentType: string;
  /** The exposition, encoded as UTF-8. */
  readonly body: Buffer;
}

/** A MetricsSource with content negotiation, as every exporter of this package returns. */
export interface NegotiatingMetricsSource extends MetricsSource {
  /** The formats this source can render. */
  readonly formats: readonly ExpositionFormat[];
  /** Prometheus text 0.0.4 unless another format is asked for. */
  render(format?: ExpositionFormat): Promise<string>;
  /** Renders in the format the `Accept` header prefers (Prometheus text when it names none). */
  negotiate(accept: string | undefined): Promise<MetricsExposition>;
  /** Renders in the given format. */
  renderFormat(format: ExpositionFormat): Promise<string>;
  /** `negotiate()` as bytes: what `metricsHandler` writes, skipping a string and its encoding. */
  negotiateBytes(accept: string | undefined): Promise<ExpositionBytes>;
}

/** Builds a negotiating source over any way of taking snapshots. */
export function snapshotSource(
  snapshot: () => Promise<readonly MetricSnapshot[]>,
  options: RegistrySourceOptions = {},
): NegotiatingMetricsSource {
  const renderBytes = async (format: ExpositionFormat): Promise<Buffer> => {
    const snapshots = await snapshot();
    return renderExpositionSliced(snapshots, options.defaultLabels ? { format, defaultLabels: options.defaultLabels } : { format });
  };
  const renderFormat = async (format: ExpositionFormat): Promise<string> => (await renderBytes(format)).toString('utf8');
  return {
    contentType: PROMETHEUS_CONTENT_TYPE,
    formats: EXPOSITION_FORMATS,
    render: (format = 'prometheus') => renderFormat(format),
    renderFormat,
    async negotiate(accept) {
      const format = negotiateFormat(accept);
      return { contentType: contentTypeOf(format), body: await renderFormat(format) };
    },
    async negotiateBytes(accept) {
      const format = negotiateFormat(accept);
      return { contentType: contentTypeOf(format), body: await renderBytes(format) };
    },
  };
}

/**
 * Exposes prom-client registries as a MetricsSource: Prometheus text 0.0.4 from `render()`, and
 * OpenMetrics from `negotiate(accept)` when the scraper asks for it.
 */
export function registrySource(
  registries: AnyRegistry | readonly AnyRegistry[],
  options: RegistrySourceOptions = {},
): NegotiatingMetricsSource {
  const list: readonly AnyRegistry[] = Array.isArray(registries) ? registries : [registries as AnyRegistry];
  return snapshotSource(() => snapshotRegistries(list), options);
}
