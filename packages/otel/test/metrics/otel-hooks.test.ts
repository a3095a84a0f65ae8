import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { combineHooks, timed, toDispatcher } from '@sightline/core';
import { OpenTelemetry, otelHooks } from '../../src/index.js';
import { configureInMemory, points } from '../helpers.js';

function provider() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 1000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      return new Map(exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => [m.descriptor.name, m]))));
    },
  };
}

describe('otelHooks', () => {
  it('records requests, errors, connections, messages and bytes', async () => {
    const p = provider();
    const hooks = toDispatcher(otelHooks({ meterProvider: p.meterProvider }));
    hooks.onRequest('order.create', 0.02);
    hooks.onRequest('order.create', 0.3);
    hooks.onRequest('order.get', 0.004);
    hooks.onError('order.create', 'TimeoutError');
    hooks.onError('order.create', 'TimeoutError');
    hooks.onError('order.get', 'NotFound');
    hooks.onWsConnect('10.0.0.1:5000');
    hooks.onWsConnect('10.0.0.2:5000');
    hooks.onWsDisconnect('10.0.0.1:5000');
    hooks.onWsMessageSent('order.create', 128);
    hooks.onWsMessageSent('order.create', 72);
    hooks.onWsMessageRecv('order.get', 64);

    const m = await p.collect();
    const duration = m.get('sightline.request.duration')!;
    expect(duration.descriptor.unit).toBe('s');
    const byOp = new Map(duration.dataPoints.map((d) => [d.attributes.op, d.value as Histogram]));
    expect(byOp.get('order.create')).toMatchObject({ count: 2, sum: 0.32, min: 0.02, max: 0.3 });
    expect(byOp.get('order.get')).toMatchObject({ count: 1, sum: 0.004 });
    expect(byOp.get('order.create')!.buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);

    expect(points(m.get('sightline.request.errors'))).toEqual([
      [{ op: 'order.create', 'error.type': 'TimeoutError' }, 2],
      [{ op: 'order.get', 'error.type': 'NotFound' }, 1],
    ]);
    expect(points(m.get('sightline.ws.connections'))).toEqual([[{}, 1]]);
    expect(points(m.get('sightline.ws.messages.sent'))).toEqual([[{ op: 'order.create' }, 2]]);
    expect(points(m.get('sightline.ws.bytes.sent'))).toEqual([[{ op: 'order.create' }, 200]]);
    expect(points(m.get('sightline.ws.messages.received'))).toEqual([[{ op: 'order.get' }, 1]]);
    expect(points(m.get('sightline.ws.bytes.received'))).toEqual([[{ op: 'order.get' }, 64]]);
    await p.meterProvider.shutdown();
  });

  it('uses a custom prefix', async () => {
    const p = provider();
    otelHooks({ meterProvider: p.meterProvider, prefix: 'orders' }).onError!('pay', 'Declined');
    expect([...(await p.collect()).keys()]).toEqual(['orders.request.errors']);
    await p.meterProvider.shutdown();
  });

  it('works with timed() and combineHooks()', async () => {
    const p = provider();
    const seen: string[] = [];
    const hooks = combineHooks(otelHooks({ meterProvider: p.meterProvider }), { onError: (op) => seen.push(op) });
    await expect(timed(hooks, 'flaky', async () => Promise.reject(new RangeError('x')))).rejects.toThrow('x');
    expect(points((await p.collect()).get('sightline.request.errors'))).toEqual([[{ op: 'flaky', 'error.type': 'RangeError' }, 1]]);
    expect(seen).toEqual(['flaky']);
    await p.meterProvider.shutdown();
  });

  describe('without a meterProvider', () => {
    afterEach(() => OpenTelemetry.resetForTesting());

    it('follows configure(): hooks made before it record into the configured SDK', async () => {
      const hooks = otelHooks();
      hooks.onRequest!('before-configure', 1); // no SDK yet: a no-op, and no error
      const t = configureInMemory();
      hooks.onRequest!('after-configure', 0.5);
      const duration = (await t.metrics()).get('sightline.request.duration')!;
      expect(duration.dataPoints.map((d) => [d.attributes.op, (d.value as Histogram).count])).toEqual([['after-configure', 1]]);
    });

    it('moves to the new SDK after shutdown and a new configure', async () => {
      const hooks = otelHooks();
      configureInMemory();
      hooks.onWsConnect!('a');
      await OpenTelemetry.resetForTesting();
      const t = configureInMemory({ service: 'second' });
      hooks.onWsConnect!('b');
      hooks.onWsConnect!('c');
      expect(points((await t.metrics()).get('sightline.ws.connections'))).toEqual([[{}, 2]]);
    });
  });
});
