// Instruments created once per (kind, name) and reused: recording a metric is then a map lookup.
import type { Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';

/** The instrument a metric records to: a monotonic counter, a histogram or a gauge. */
export type MetricKind = 'counter' | 'histogram' | 'gauge';

export const METRIC_KINDS: readonly MetricKind[] = Object.freeze(['counter', 'histogram', 'gauge']);

export class InstrumentCache {
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly gauges = new Map<string, Gauge>();

  constructor(readonly meter: Meter) {}

  counter(name: string, unit: string | undefined): Counter {
    let instrument = this.counters.get(name);
    if (!instrument) {
      instrument = this.meter.createCounter(name, unit ? { unit } : undefined);
      this.counters.set(name, instrument);
    }
    return instrument;
  }

  histogram(name: string, unit: string | undefined): Histogram {
    let instrument = this.histograms.get(name);
    if (!instrument) {
      instrument = this.meter.createHistogram(name, unit ? { unit } : undefined);
      this.histograms.set(name, instrument);
    }
    return instrument;
  }

  gauge(name: string, unit: string | undefined): Gauge {
    let instrument = this.gauges.get(name);
    if (!instrument) {
      instrument = this.meter.createGauge(name, unit ? { unit } : undefined);
      this.gauges.set(name, instrument);
    }
    return instrument;
  }
}
