// Metric families defined when their kind first reports, not at start: a service that never consumes
// a stream or opens a WebSocket exposes none of those families (no always-zero series). `eager`
// defines every kind at once, as before. Names are reserved at construction so that a clash is still
// found when the sensor is built, not at its first event.
import { getLogger } from '@sightline/core';
import { DuplicateMetricError } from './errors.js';
import type { MetricsCollector } from './metrics-collector.js';

const log = getLogger('sightline.prometheus');

/** Names reserved by lazy families, per collector: a second owner of a name is refused at construction. */
const reserved = new WeakMap<MetricsCollector, Set<string>>();

/** One kind: the (unprefixed) names it defines, and the function defining them in the collector. */
export interface FamilyKind {
  readonly names: readonly string[];
  readonly define: () => void;
}

/** The families of several kinds, each defined once: at its first `expose(kind)`, or all at start when eager. */
export class LazyFamilies<K extends string> {
  readonly #kinds: Readonly<Record<K, FamilyKind>>;
  readonly #exposed = new Set<K>();
  readonly #source: string;

  constructor(collector: MetricsCollector, kinds: Readonly<Record<K, FamilyKind>>, eager: boolean, source: string) {
    this.#kinds = kinds;
    this.#source = source;
    let names = reserved.get(collector);
    if (!names) reserved.set(collector, (names = new Set()));
    const all = Object.values<FamilyKind>(kinds).flatMap((k) => k.names.map((n) => collector.prefix + n));
    for (const full of all) {
      const taken = names.has(full) || (collector.enabled && collector.registry.getSingleMetric(full) !== undefined);
      if (taken) throw new DuplicateMetricError(full, 'a metric name is registered once per registry', 'already registered');
    }
    for (const full of all) names.add(full);
    if (eager) for (const kind of Object.keys(kinds) as K[]) this.expose(kind);
  }

  /** Whether `kind`'s families are defined. */
  has(kind: K): boolean {
    return this.#exposed.has(kind);
  }

  /** Defines `kind`'s families if they are not yet; never throws (it runs inside a sensor's callback). */
  expose(kind: K): void {
    if (this.#exposed.has(kind)) return;
    this.#exposed.add(kind);
    try {
      this.#kinds[kind].define();
    } catch (error) {
      log.warn(`${this.#source}: the ${kind} metrics could not be defined`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
