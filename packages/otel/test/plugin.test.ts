import type { PluginContext } from '@sightline/core';
import { getLogger } from '@sightline/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { timed } from '@sightline/core';
import { setup, setupFromEnv } from '@sightline/setup';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import { OpenTelemetry, otel, OtelConfigError, scope, type OpenTelemetryOptions } from '../src/index.js';

function pluginContext(info: { service: string; version?: string; environment?: string }): PluginContext {
  return {
    ...info,
    logger: getLogger('sightline.setup'),
    hooks: {},
    sensor: {},
    metricsSources: [],
    healthChecks: [],
    snapshot: () => ({}),
  };
}

describe('otel() plugin', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('is named otel and brings hooks for every MetricsHooks event', () => {
    const plugin = otel();
    expect(plugin.name).toBe('otel');
    expect(Object.keys(plugin.hooks!).sort()).toEqual(
      ['onError', 'onRequest', 'onWsConnect', 'onWsDisconnect', 'onWsMessageRecv', 'onWsMessageSent'].sort(),
    );
  });

  it('configures on start with the service setup passes, and shuts down on stop', async () => {
    const spans = new InMemorySpanExporter();
    const plugin = otel({ resourceDetectors: false, spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    await plugin.start!(pluginContext({ service: 'orders', version: '1.2.3', environment: 'staging' }));
    expect(OpenTelemetry.isConfigured).toBe(true);
    scope('handled', () => undefined);
    const [span] = spans.getFinishedSpans();
    expect(span!.resource.attributes).toMatchObject({
      'service.name': 'orders',
      'service.version': '1.2.3',
      'deployment.environment.name': 'staging',
    });
    await plugin.close!();
    await plugin.close!();
  });

  it('lets explicit options win over what setup passes', async () => {
    const spans = new InMemorySpanExporter();
    // A JavaScript caller's `environment: undefined` means "not given", not "remove setup's".
    const options = {
      service: 'explicit',
      environment: undefined,
      resourceDetectors: false,
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    };
    const plugin = otel(options as unknown as OpenTelemetryOptions);
    await plugin.start!(pluginContext({ service: 'from-setup', environment: 'prod' }));
    scope('x', () => undefined);
    expect(spans.getFinishedSpans()[0]!.resource.attributes).toMatchObject({
      'service.name': 'explicit',
      'deployment.environment.name': 'prod',
    });
    await plugin.close!();
  });
});

describe('otel() with @sightline/setup', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('refuses bad options when the plugin is made, not at start', () => {
    expect(() => otel({ protocol: 'udp' as 'grpc' })).toThrow(OtelConfigError);
    expect(() => otel({ exportIntervalMs: -5 })).toThrow('invalid option `exportIntervalMs` in otel(): expected an integer >= 1, got -5');
    expect(OpenTelemetry.isConfigured).toBe(false);
  });

  it('setup() starts it with the service, its hooks record OpenTelemetry metrics, stop() shuts it down', async () => {
    const spans = new InMemorySpanExporter();
    // The in-memory exporter forgets its spans at shutdown: keep the names seen past stop() here.
    const ended: string[] = [];
    const recorder = {
      onStart: () => undefined,
      onEnd: (span: { name: string }) => void ended.push(span.name),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 1000 });
    const obs = setup({
      service: 'orders',
      version: '1.4.0',
      plugins: [
        otel({
          resourceDetectors: false,
          spanProcessors: [new SimpleSpanProcessor({ exporter: spans }), recorder],
          metricReaders: [reader],
        }),
      ],
    });
    await obs.start();
    await scope('create-order', () => timed(obs.hooks, 'order.create', () => Promise.resolve('ok')));
    await reader.forceFlush();
    const duration = metrics
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .find((m) => m.descriptor.name === 'sightline.request.duration')!;
    expect(duration.dataPoints.map((d) => [d.attributes.op, (d.value as Histogram).count])).toEqual([['order.create', 1]]);
    expect(spans.getFinishedSpans()[0]!.resource.attributes).toMatchObject({ 'service.name': 'orders', 'service.version': '1.4.0' });

    await obs.close();
    expect(obs.stopReport).toMatchObject({ stopped: ['otel'], failed: [], timedOut: [] });
    expect(scope('after-stop', () => 1)).toBe(1);
    expect(ended).toEqual(['create-order']);
  });

  it('setupFromEnv() passes SIGHTLINE_OTEL_* variables as options', async () => {
    const spans = new InMemorySpanExporter();
    const obs = setupFromEnv({
      factories: { otel },
      options: { otel: { resourceDetectors: false, spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] } },
      env: { SIGHTLINE_SERVICE_NAME: 'from-env', SIGHTLINE_OTEL_ENVIRONMENT: 'staging', SIGHTLINE_OTEL_ATTRIBUTES__TEAM: 'core' },
    });
    await obs.start();
    scope('x', () => undefined);
    expect(spans.getFinishedSpans()[0]!.resource.attributes).toMatchObject({
      'service.name': 'from-env',
      'deployment.environment.name': 'staging',
      team: 'core',
    });
    await obs.close();
  });
});
