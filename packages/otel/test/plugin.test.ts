import type { PluginContext } from '@sightline/core';
import { getLogger } from '@sightline/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetry, otel, scope, type OpenTelemetryOptions } from '../src/index.js';

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
    const plugin = otel({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    await plugin.start!(pluginContext({ service: 'orders', version: '1.2.3', environment: 'staging' }));
    expect(OpenTelemetry.isConfigured).toBe(true);
    scope('handled', () => undefined);
    const [span] = spans.getFinishedSpans();
    expect(span!.resource.attributes).toMatchObject({
      'service.name': 'orders',
      'service.version': '1.2.3',
      'deployment.environment.name': 'staging',
    });
    await plugin.stop!();
    await plugin.stop!();
  });

  it('lets explicit options win over what setup passes', async () => {
    const spans = new InMemorySpanExporter();
    // A JavaScript caller's `environment: undefined` means "not given", not "remove setup's".
    const options = { service: 'explicit', environment: undefined, spanProcessors: [new SimpleSpanProcessor(spans)] };
    const plugin = otel(options as unknown as OpenTelemetryOptions);
    await plugin.start!(pluginContext({ service: 'from-setup', environment: 'prod' }));
    scope('x', () => undefined);
    expect(spans.getFinishedSpans()[0]!.resource.attributes).toMatchObject({
      'service.name': 'explicit',
      'deployment.environment.name': 'prod',
    });
    await plugin.stop!();
  });
});
