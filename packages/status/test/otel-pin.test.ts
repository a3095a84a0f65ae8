// A counter the app records on its own OpenTelemetry meter reaches the status page through otel()'s
// metrics source, and can be pinned there like any family of /metrics.
import { metrics } from '@opentelemetry/api';
import { OpenTelemetry, otel } from '@sightline/otel';
import { prometheus } from '@sightline/prometheus';
import { setup, type Observability } from '@sightline/setup';
import { buildStatusPage } from '../src/status-page.js';

describe('an OpenTelemetry counter on the status page', () => {
  let obs: Observability;

  beforeAll(async () => {
    obs = setup({
      service: 'orders',
      signals: false,
      plugins: [prometheus(), otel({ resourceDetectors: false, spanProcessors: [], logRecordProcessors: [], metricReaders: [] })],
    });
    await obs.start();
  });

  afterAll(async () => {
    await obs.close();
    await OpenTelemetry.resetForTesting();
  });

  test('is listed in the pin picker and, once pinned, charted from each round', async () => {
    const placed = metrics.getMeter('shop-app').createCounter('app.orders.placed', { description: 'Orders placed' });
    placed.add(3, { region: 'eu' });
    const { page, engine } = buildStatusPage({ metrics: obs.metrics! }, 'test');

    const listed = await engine.listMetrics();
    const family = listed.metrics.find((m) => m.name === 'app_orders_placed_total');
    expect(family?.type).toBe('counter');
    expect(family?.series).toEqual([{ region: 'eu', otel_scope_name: 'shop-app' }]);

    const pinned = await engine.pin('app_orders_placed_total', { region: 'eu', otel_scope_name: 'shop-app' });
    const key = 'app_orders_placed_total{otel_scope_name="shop-app",region="eu"}';
    expect(pinned).toMatchObject({ ok: true, meta: { key: `pin|${key}`, chart: `pin:${key}` } });

    await page.sample();
    placed.add(5, { region: 'eu' });
    await page.sample();
    // A counter is charted as its rate: 5 more over the interval between the two rounds.
    const series = engine.store.history().series.find((s) => s.meta.key === `pin|${key}`);
    expect(series).toBeDefined();
    expect(series!.values.at(-1)).toBeGreaterThan(0);
  });
});
