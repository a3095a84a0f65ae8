// A prom-client registry as a core MetricsSource: snapshot through prom-client, render with ours.
import { getLogger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import {
  RENDER_SLICE_MS,
  snapshotSource,
  type MetricSnapshot,
  type NegotiatingMetricsSource,
  type SnapshotSourceOptions,
} from '@sightline/exposition';
import { runInSlices, yieldToEventLoop } from '@sightline/exposition/internal';
import type { Registry, RegistryContentType } from 'prom-client';
import { collectOf, readableInSteps, readSeries } from './read-series.js';

/** A prom-client registry of either content type. */
export type AnyRegistry = Registry<RegistryContentType>;

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

// Metrics whose collect() failed, so each is logged once however often it fails. Weak: a metric
// removed from its registry takes its mark with it.
const reportedFailures = new WeakSet<object>();

/**
 * Reads every metric of the registries, or those `wanted` accepts (running their `collect()` callbacks). A metric whose
 * collect throws is left out of this scrape and logged once, so one bad callback cannot take
 * down `/metrics`.
 */
export async function snapshotRegistries(
  registries: readonly AnyRegistry[],
  wanted?: (family: string) => boolean,
): Promise<MetricSnapshot[]> {
  const metrics: RegisteredMetric[] = [];
  for (const registry of registries) {
    for (const metric of registry.getMetricsAsArray() as unknown as RegisteredMetric[]) {
      // A reader that wants some families pays only for those: the others' collect() does not run.
      if (!wanted || wanted(metric.name)) metrics.push(metric);
    }
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
    let collecting: Promise<unknown>;
    try {
      // Histograms keep `le` apart from the series labels in getForPromString(): cheaper to render.
      collecting = Promise.resolve(steps ? collectOf(m) : typeof m.getForPromString === 'function' ? m.getForPromString() : m.get());
    } catch (error) {
      collecting = Promise.reject(error instanceof Error ? error : new Error(errorText(error)));
    }
    // Handled now: the loop may yield to the event loop before allSettled() below takes it, and a
    // rejection left unhandled across a tick is an unhandledRejection in the host process.
    collecting.catch(() => undefined);
    started.push(collecting);
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
        leftOut(metrics[i]!, result.reason);
        continue;
      }
      out.push(inSteps[i] ? yield* readSeries(metrics[i], []) : (result.value as MetricSnapshot));
      yield;
    }
  }
  await runInSlices(readAll());
  return out;
}

function leftOut(metric: RegisteredMetric, reason: unknown): void {
  if (reportedFailures.has(metric)) return;
  reportedFailures.add(metric);
  log.warn(`collecting metric ${metric.name} failed; left out of the scrape`, { metric: metric.name, error: errorText(reason) });
}

/**
 * Exposes prom-client registries as a MetricsSource: Prometheus text 0.0.4 from `render()`, and
 * OpenMetrics from `negotiate(accept)` when the scraper asks for it.
 */
export function registrySource(
  registries: AnyRegistry | readonly AnyRegistry[],
  options: SnapshotSourceOptions = {},
): NegotiatingMetricsSource {
  const list: readonly AnyRegistry[] = Array.isArray(registries) ? registries : [registries as AnyRegistry];
  return snapshotSource(() => snapshotRegistries(list), options);
}
