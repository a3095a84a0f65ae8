// snapshotRegistries reads prom-client through two members its type definitions do not publish:
// `getMetricsAsArray()` returning the metric objects themselves (typed as plain descriptions), and
// `Histogram#getForPromString()`, whose samples keep the series labels apart (`sharedLabels`) from
// `le`, so the renderer formats each series' labels once. prom-client is pinned to one exact version
// in package.json for that reason; these tests fail when an upgrade changes either internal.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Counter, Histogram, Registry } from 'prom-client';

const requireHere = createRequire(__filename);

describe('the prom-client internals snapshotRegistries relies on', () => {
  it('uses the exact prom-client version package.json pins', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const pinned = manifest.dependencies['prom-client'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = (requireHere('prom-client/package.json') as { version: string }).version;
    expect(installed).toBe(pinned);
  });

  it('getMetricsAsArray() returns the registered metric objects, with get()', () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'c', registers: [registry] });
    const metrics = registry.getMetricsAsArray() as unknown[];
    expect(metrics).toEqual([counter]);
    expect(typeof (metrics[0] as { get?: unknown }).get).toBe('function');
  });

  it('Histogram#getForPromString() keeps series labels apart from le, one object per series across scrapes', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'h', help: 'h', labelNames: ['op'], buckets: [1], registers: [registry] });
    histogram.observe({ op: 'read' }, 0.5);
    type Sample = { value: number; labels: Record<string, unknown>; sharedLabels?: Record<string, unknown>; metricName?: string };
    const read = async () =>
      (await (histogram as unknown as { getForPromString(): Promise<{ values: Sample[] }> }).getForPromString()).values;
    const first = await read();
    expect(first.map(({ metricName, labels, sharedLabels, value }) => ({ metricName, labels, sharedLabels, value }))).toEqual([
      { metricName: 'h_bucket', labels: { le: 1 }, sharedLabels: { op: 'read' }, value: 1 },
      { metricName: 'h_bucket', labels: { le: '+Inf' }, sharedLabels: { op: 'read' }, value: 1 },
      { metricName: 'h_sum', labels: {}, sharedLabels: { op: 'read' }, value: 0.5 },
      { metricName: 'h_count', labels: {}, sharedLabels: { op: 'read' }, value: 1 },
    ]);
    const second = await read();
    // The renderer caches each series' formatted labels by the identity of this object.
    expect(second[0]!.sharedLabels).toBe(first[0]!.sharedLabels);
  });
});
