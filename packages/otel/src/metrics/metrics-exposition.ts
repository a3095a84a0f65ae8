// What any OpenTelemetry meter records, as a MetricsSource: a pull MetricReader on the meter provider
// configure() builds, read on each scrape (or each status-page round) and rendered by
// @sightline/exposition in the Prometheus exporter's names.
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { getLogger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import { snapshotSource, type MetricSnapshot, type NegotiatingMetricsSource } from '@sightline/exposition';
import { toMetricSnapshots } from './prometheus-names.js';

const log = getLogger('sightline.otel.metrics');

/**
 * A reader the SDK never pushes from: it is read when a scraper asks. Kept apart from the source,
 * whose `collect()` means something else than `MetricReader.collect()`.
 */
export class PullMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** How the exposition reads the SDK. */
export interface OtelExpositionOptions {
  /** Meter names left out of the exposition (the hooks' instruments, recorded by @sightline/prometheus already). */
  readonly excludeScopes?: readonly string[];
}

/** Metric names logged once each when left out; bounded so hostile names cannot grow it. */
const MAX_REPORTED = 1000;

/**
 * The source the otel() plugin hands to setup as its `metrics`, and the reader it adds to each
 * meter provider it configures. Before configure() (and after close()) it has nothing to show.
 */
export class OtelExposition {
  readonly source: NegotiatingMetricsSource;
  #reader: PullMetricReader | undefined;
  readonly #excludeScopes: ReadonlySet<string>;
  readonly #reported = new Set<string>();
  #skipped = 0;

  constructor(options: OtelExpositionOptions = {}) {
    this.#excludeScopes = new Set(options.excludeScopes ?? []);
    this.source = snapshotSource((wanted) => this.#snapshot(wanted));
  }

  /** A new reader for a meter provider being built; the previous one (of a closed provider) is let go. */
  newReader(): PullMetricReader {
    this.#reader = new PullMetricReader();
    return this.#reader;
  }

  /** Metrics left out so far because Prometheus has no form for them (exponential histograms), counted per collection. */
  get skipped(): number {
    return this.#skipped;
  }

  async #snapshot(wanted?: (family: string) => boolean): Promise<readonly MetricSnapshot[]> {
    const reader = this.#reader;
    if (!reader) return [];
    let collected: Awaited<ReturnType<PullMetricReader['collect']>>;
    try {
      collected = await reader.collect();
    } catch (error) {
      // Not yet on a provider, or shut down with it: nothing to show.
      this.#once('collect', () => log.debug('OpenTelemetry metrics not readable', { error: errorText(error) }));
      return [];
    }
    for (const error of collected.errors) {
      this.#once(`error:${errorText(error).slice(0, 200)}`, () =>
        log.warn('reading OpenTelemetry metrics for /metrics failed in part (logged once)', { error: errorText(error) }),
      );
    }
    return toMetricSnapshots(collected.resourceMetrics, {
      excludeScopes: this.#excludeScopes,
      ...(wanted ? { wanted } : {}),
      onUnsupported: (name, kind) => {
        this.#skipped++;
        this.#once(`unsupported:${name}`, () =>
          log.warn(`OpenTelemetry metric ${name} left out of /metrics: no Prometheus form for ${kind} (logged once)`, {
            metric: name,
            kind,
          }),
        );
      },
      onConflict: (name) =>
        this.#once(`conflict:${name}`, () =>
          log.warn(`OpenTelemetry metrics of different types share the Prometheus name ${name}; only the first is served (logged once)`, {
            family: name,
          }),
        ),
    });
  }

  #once(key: string, report: () => void): void {
    if (this.#reported.has(key) || this.#reported.size >= MAX_REPORTED) return;
    this.#reported.add(key);
    report();
  }
}
