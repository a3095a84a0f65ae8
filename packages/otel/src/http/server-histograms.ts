// The HTTP server histograms (`http.server.request.duration` and the two body sizes), accumulated
// here and handed to every metric reader as a MetricProducer at collection. Recording through the
// SDK's histograms costs a hash of the attribute set per record per reader (about 3.5 us a request
// for two records, a quarter of this instrumentation's cost); here a request costs a Map lookup by
// the key its listener already built and a few additions. The data is cumulative, as the SDK's
// default, and reaches /metrics and OTLP alike.
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type IMetricReader,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { HTTP_BODY_SIZE_BUCKETS, HTTP_DURATION_BUCKETS, HTTP_INSTRUMENTS } from '@sightline/core/internal';
import type { Resource } from '@opentelemetry/resources';
import { INSTRUMENTATION_NAME } from '../state.js';

/** One explicit-bucket histogram: bucket i counts values in (bounds[i-1], bounds[i]], the last one above every bound. */
export class BucketCounts {
  readonly counts: number[];
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  record(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** The histograms of one attribute set (method, route, status...). */
export class ServerPoint {
  readonly duration = new BucketCounts(HTTP_DURATION_BUCKETS);
  #requestSize: BucketCounts | undefined;
  #responseSize: BucketCounts | undefined;

  constructor(
    readonly attributes: Attributes,
    readonly startTime: HrTime,
  ) {}

  get requestSize(): BucketCounts {
    return (this.#requestSize ??= new BucketCounts(HTTP_BODY_SIZE_BUCKETS));
  }

  get responseSize(): BucketCounts {
    return (this.#responseSize ??= new BucketCounts(HTTP_BODY_SIZE_BUCKETS));
  }

  /** The body-size histograms, if any value was recorded in them. */
  sizes(): { readonly request: BucketCounts | undefined; readonly response: BucketCounts | undefined } {
    return { request: this.#requestSize, response: this.#responseSize };
  }
}

const DESCRIPTORS = {
  duration: { name: HTTP_INSTRUMENTS.serverDuration, unit: 's', description: 'Duration of HTTP server requests.' },
  request: { name: HTTP_INSTRUMENTS.serverRequestBodySize, unit: 'By', description: 'Size of HTTP server request bodies.' },
  response: { name: HTTP_INSTRUMENTS.serverResponseBodySize, unit: 'By', description: 'Size of HTTP server response bodies.' },
} as const;

function nowHrTime(): HrTime {
  const ms = performance.timeOrigin + performance.now();
  return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
}

/** Attribute sets kept per histogram, as the SDK's default cardinality limit; past it, the overflow set. */
export const MAX_POINTS = 2000;
const OVERFLOW_KEY = '\u0000overflow';

/** The server histograms of a process, by attribute-set key; a MetricProducer for the readers. */
export class ServerHistograms implements MetricProducer {
  readonly #points = new Map<string, ServerPoint>();

  /** `resource` is the providers' (a reader keeps its own and takes only a producer's scope metrics). */
  constructor(private readonly resource: Resource) {}

  /** The point of an attribute set, made with `attributes()` the first time its key is seen. */
  point(key: string, attributes: () => Attributes): ServerPoint {
    let point = this.#points.get(key);
    if (point === undefined) {
      // As the SDK does past its cardinality limit: one set, `otel.metric.overflow`, takes the rest.
      const overflow = this.#points.size >= MAX_POINTS;
      if (overflow) point = this.#points.get(OVERFLOW_KEY);
      if (point === undefined) {
        point = new ServerPoint(Object.freeze(overflow ? { 'otel.metric.overflow': true } : attributes()), nowHrTime());
        this.#points.set(overflow ? OVERFLOW_KEY : key, point);
      }
    }
    return point;
  }

  collect(): Promise<CollectionResult> {
    const endTime = nowHrTime();
    const metric = (
      descriptor: (typeof DESCRIPTORS)[keyof typeof DESCRIPTORS],
      pick: (p: ServerPoint) => BucketCounts | undefined,
    ): HistogramMetricData | undefined => {
      const dataPoints: HistogramMetricData['dataPoints'] = [];
      for (const point of this.#points.values()) {
        const h = pick(point);
        if (h === undefined || h.count === 0) continue;
        dataPoints.push({
          attributes: point.attributes,
          startTime: point.startTime,
          endTime,
          value: {
            buckets: { boundaries: [...h.bounds], counts: [...h.counts] },
            sum: h.sum,
            count: h.count,
            min: h.min,
            max: h.max,
          },
        });
      }
      if (dataPoints.length === 0) return undefined;
      return {
        descriptor: { ...descriptor, valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints,
      };
    };
    const metrics = [
      metric(DESCRIPTORS.duration, (p) => p.duration),
      metric(DESCRIPTORS.request, (p) => p.sizes().request),
      metric(DESCRIPTORS.response, (p) => p.sizes().response),
    ].filter((m): m is HistogramMetricData => m !== undefined);
    return Promise.resolve({
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics: metrics.length > 0 ? [{ scope: { name: INSTRUMENTATION_NAME }, metrics }] : [],
      },
      errors: [],
    });
  }
}

/**
 * Adds a producer to a reader, whether the SDK built it or the user injected it: the SDK keeps a
 * reader's producers in `_metricProducers` (SDK 2.x and 3.x), set from its `metricProducers`
 * option. False when this reader has no such list (then it gets no HTTP server histograms).
 */
export function attachProducer(reader: IMetricReader, producer: MetricProducer): boolean {
  const list = (reader as { _metricProducers?: unknown })._metricProducers;
  if (!Array.isArray(list)) return false;
  if (!list.includes(producer)) list.push(producer);
  return true;
}
