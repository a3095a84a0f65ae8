// The HTTP server histograms accumulated in process and produced into the readers at collection.
import { emptyResource } from '@opentelemetry/resources';
import { DataPointType, MetricReader, type HistogramMetricData, type MeterProvider as MP } from '@opentelemetry/sdk-metrics';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { HTTP_DURATION_BUCKETS, HTTP_INSTRUMENTS } from '@sightline/core/internal';
import { attachProducer, BucketCounts, MAX_POINTS, ServerHistograms } from '../../src/http/server-histograms.js';

class PullReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function collected(reader: MetricReader): Promise<Map<string, HistogramMetricData>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, HistogramMetricData>();
  for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m as HistogramMetricData);
  return out;
}

describe('BucketCounts', () => {
  it('counts a value in the first bucket whose bound holds it (upper bound inclusive), past the last in the overflow bucket', () => {
    const h = new BucketCounts([1, 5]);
    for (const v of [0, 1, 1.5, 5, 6]) h.record(v);
    expect(h.counts).toEqual([2, 2, 1]);
    expect([h.count, h.sum, h.min, h.max]).toEqual([5, 13.5, 0, 6]);
  });
});

describe('ServerHistograms', () => {
  let provider: MP | undefined;
  afterEach(() => provider?.shutdown());

  it('reaches a reader it is attached to as cumulative histograms, next to the SDK instruments', async () => {
    const histograms = new ServerHistograms(emptyResource());
    const reader = new PullReader();
    expect(attachProducer(reader, histograms)).toBe(true);
    provider = new MeterProvider({ readers: [reader] });
    provider.getMeter('app').createCounter('orders').add(2);
    const point = histograms.point('GET|200', () => ({ 'http.request.method': 'GET', 'http.response.status_code': 200 }));
    point.duration.record(0.003);
    point.duration.record(0.2);
    histograms.point('GET|200', () => ({})).responseSize.record(120);

    const metrics = await collected(reader);
    expect([...metrics.keys()].sort()).toEqual(['http.server.request.duration', 'http.server.response.body.size', 'orders']);
    const duration = metrics.get(HTTP_INSTRUMENTS.serverDuration)!;
    expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(duration.descriptor.unit).toBe('s');
    const [dp] = duration.dataPoints;
    expect(dp!.attributes).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(dp!.value.buckets.boundaries).toEqual(HTTP_DURATION_BUCKETS);
    expect(dp!.value.count).toBe(2);
    expect(dp!.value.sum).toBeCloseTo(0.203);
    // 0.003 in (0, 0.005], 0.2 in (0.1, 0.25].
    expect(dp!.value.buckets.counts.flatMap((c, i) => (c > 0 ? [[i, c]] : []))).toEqual([
      [0, 1],
      [6, 1],
    ]);
    expect(metrics.get(HTTP_INSTRUMENTS.serverResponseBodySize)!.dataPoints[0]!.value.sum).toBe(120);
    // Cumulative: a second collection carries the first's counts too.
    point.duration.record(0.003);
    expect((await collected(reader)).get(HTTP_INSTRUMENTS.serverDuration)!.dataPoints[0]!.value.count).toBe(3);
  });

  it('keeps at most MAX_POINTS attribute sets; the rest share one `otel.metric.overflow` set, as the SDK does', async () => {
    const histograms = new ServerHistograms(emptyResource());
    for (let i = 0; i < MAX_POINTS + 5; i++) histograms.point(`k${i}`, () => ({ i })).duration.record(0.001);
    const { resourceMetrics } = await histograms.collect();
    const points = (resourceMetrics.scopeMetrics[0]!.metrics[0] as HistogramMetricData).dataPoints;
    expect(points).toHaveLength(MAX_POINTS + 1);
    const overflow = points.find((p) => p.attributes['otel.metric.overflow'] === true);
    expect(overflow?.value.count).toBe(5);
  });
});
