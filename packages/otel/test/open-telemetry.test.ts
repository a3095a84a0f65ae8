import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportResult } from '@opentelemetry/core';
import { AlreadyConfiguredError, logInfo, logWarning, OpenTelemetry, recordEvent, recordMetric, scope } from '../src/index.js';
import { setLogLevel } from '@sightline/core';
import { diagLogger } from '../src/sdk.js';
import { captureLogs, configureInMemory } from './helpers.js';

const OTEL_VARS = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_HEADERS',
];

describe('OpenTelemetry', () => {
  const savedEnv: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of OTEL_VARS) {
      savedEnv[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(async () => {
    await OpenTelemetry.resetForTesting();
    for (const name of OTEL_VARS) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it('puts the service, version, environment and attributes on the resource', () => {
    const t = configureInMemory({
      service: 'payment-service',
      version: '2.1.0',
      environment: 'production',
      attributes: { 'service.namespace': 'payments', team: 'payments-team', replicas: 3 },
    });
    scope('charge', () => undefined);
    const attributes = t.span('charge').resource.attributes;
    expect(attributes).toMatchObject({
      'service.name': 'payment-service',
      'service.version': '2.1.0',
      'deployment.environment.name': 'production',
      'service.namespace': 'payments',
      team: 'payments-team',
      replicas: 3,
      'process.pid': process.pid,
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
    });
  });

  it('reads the service and resource attributes from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
    process.env.OTEL_SERVICE_NAME = 'env-service';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'team=backend,deployment.environment.name=staging,region=eu%2Dwest';
    const t = configureInMemory({ service: undefined as unknown as string });
    scope('op', () => undefined);
    expect(t.span('op').resource.attributes).toMatchObject({
      'service.name': 'env-service',
      team: 'backend',
      'deployment.environment.name': 'staging',
      region: 'eu-west',
    });
  });

  it('options win over OTEL_RESOURCE_ATTRIBUTES', () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'team=backend,deployment.environment.name=staging';
    const t = configureInMemory({ environment: 'production', attributes: { team: 'core' } });
    scope('op', () => undefined);
    expect(t.span('op').resource.attributes).toMatchObject({
      'service.name': 'test-service',
      team: 'core',
      'deployment.environment.name': 'production',
    });
  });

  it('configure twice throws AlreadyConfiguredError naming the service, and keeps the first setup', () => {
    const t = configureInMemory();
    expect(() => OpenTelemetry.configure({ service: 'second' })).toThrow(AlreadyConfiguredError);
    expect(() => OpenTelemetry.configure({ service: 'second' })).toThrow(
      'OpenTelemetry is already configured in this process (service "test-service")',
    );
    scope('still-recorded', () => undefined);
    expect(t.span('still-recorded').resource.attributes['service.name']).toBe('test-service');
  });

  it('configure stays once per process after shutdown; resetForTesting allows another', async () => {
    configureInMemory();
    await OpenTelemetry.close();
    expect(OpenTelemetry.isConfigured).toBe(true);
    expect(() => configureInMemory()).toThrow(AlreadyConfiguredError);
    await OpenTelemetry.resetForTesting();
    expect(OpenTelemetry.isConfigured).toBe(false);
    const t = configureInMemory({ service: 'again' });
    scope('after-reset', () => undefined);
    expect(t.span('after-reset').resource.attributes['service.name']).toBe('again');
  });

  it('a failed configure leaves the process unconfigured', () => {
    expect(() => OpenTelemetry.configure({ service: 's', protocol: 'smoke-signals' as 'grpc' })).toThrow(
      'invalid option `protocol` in OpenTelemetry.configure()',
    );
    expect(OpenTelemetry.isConfigured).toBe(false);
  });

  it('shutdown flushes batched spans, logs and metrics to the exporters, and is safe to call twice', async () => {
    const exported: string[] = [];
    const shutdowns: string[] = [];
    const done = (callback: (r: { code: number }) => void) => callback({ code: 0 });
    OpenTelemetry.configure({
      service: 'batched',
      exportIntervalMs: 60_000,
      spanExporter: {
        export: (spans, callback) => (exported.push(...spans.map((s) => `span ${s.name}`)), done(callback)),
        shutdown: () => Promise.resolve(void shutdowns.push('spans')),
      },
      logRecordExporter: {
        export: (records, callback) => (exported.push(...records.map((r) => `log ${r.body as string}`)), done(callback)),
        shutdown: () => Promise.resolve(void shutdowns.push('logs')),
        forceFlush: () => Promise.resolve(),
      },
      metricExporter: {
        export: (m, callback) => {
          for (const sm of m.scopeMetrics) exported.push(...sm.metrics.map((x) => `metric ${x.descriptor.name}`));
          done(callback);
        },
        shutdown: () => Promise.resolve(void shutdowns.push('metrics')),
        forceFlush: () => Promise.resolve(),
      },
    });
    scope('batched-span', () => {
      logInfo('batched-log');
      recordMetric('batched.metric', { value: 1, kind: 'counter' });
    });
    expect(exported).toEqual([]); // all still waiting for their batch or interval
    const first = OpenTelemetry.close();
    const second = OpenTelemetry.close();
    expect(second).toBe(first);
    await first;
    expect(OpenTelemetry.close()).toBe(first);
    expect(exported.sort()).toEqual(['log batched-log', 'metric batched.metric', 'metric sightline.otel.dropped', 'span batched-span']);
    expect(shutdowns.sort()).toEqual(['logs', 'metrics', 'spans']);
  });

  it('flush exports what is batched without shutting down', async () => {
    const spans = new InMemorySpanExporter();
    OpenTelemetry.configure({ service: 'flushing', spanExporter: spans });
    scope('one', () => undefined);
    await OpenTelemetry.flush();
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['one']);
    scope('two', () => undefined);
    await OpenTelemetry.flush();
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['one', 'two']);
  });

  it('close() before configure resolves', async () => {
    await expect(OpenTelemetry.close()).resolves.toBeUndefined();
  });

  it('await using closes it: spans batched until then are exported', async () => {
    const spans = new InMemorySpanExporter();
    const exported: string[] = [];
    const recorder = {
      export: (batch: ReadableSpan[], done: (result: ExportResult) => void) => {
        exported.push(...batch.map((s) => s.name));
        spans.export(batch, done);
      },
      shutdown: () => Promise.resolve(),
    };
    OpenTelemetry.configure({ service: 'disposed', spanExporter: recorder, resourceDetectors: false, http: false });
    {
      await using otel = OpenTelemetry;
      scope('in-block', () => expect(otel.isConfigured).toBe(true));
      expect(exported).toEqual([]);
    }
    expect(exported).toEqual(['in-block']);
    expect(trace.getTracer('after').startSpan('x').isRecording()).toBe(false);
  });

  it('registers the globals while configured and removes them at close', async () => {
    const t = configureInMemory();
    trace.getTracer('other-lib').startSpan('via-global-api').end();
    expect(t.span('via-global-api').resource.attributes['service.name']).toBe('test-service');
    const carrier: Record<string, string> = {};
    scope('propagated', () => propagation.inject(context.active(), carrier));
    expect(carrier.traceparent).toBe(`00-${t.span('propagated').spanContext().traceId}-${t.span('propagated').spanContext().spanId}-01`);

    expect(t.spans.getFinishedSpans().map((s) => s.name)).toEqual(['via-global-api', 'propagated']);

    await OpenTelemetry.close();
    const after: Record<string, string> = {};
    trace.getTracer('other-lib').startActiveSpan('noop', (span) => {
      propagation.inject(context.active(), after);
      span.end();
    });
    expect(after).toEqual({});
    expect(trace.getSpan(context.active())).toBeUndefined();
  });

  it('console mode: spans, metrics and logs are printed through the sightline.otel logger', async () => {
    const logs = captureLogs();
    setLogLevel('sightline.otel', 'info');
    try {
      OpenTelemetry.configure({ service: 'console-svc', exportIntervalMs: 60_000 });
      OpenTelemetry.observability({ externalTraceId: 'abcdefabcdefabcdefabcdefabcdef12' }).scope(
        'request',
        { attributes: { route: '/orders' } },
        () => {
          logInfo('processing', { items: 3 });
          logWarning('slow');
          recordEvent('cache.miss', { key: 'k' });
          recordMetric('orders.placed', { value: 2, kind: 'counter', attributes: { region: 'eu' } });
        },
      );
      await OpenTelemetry.close();
    } finally {
      setLogLevel('sightline.otel', undefined);
      logs.restore();
    }
    const printed = logs.records.filter((r) => r.logger === 'sightline.otel');
    const byMessage = new Map(printed.map((r) => [r.message, r]));
    expect(byMessage.get('OpenTelemetry configured')!.fields).toEqual({
      service: 'console-svc',
      traces: 'logger',
      metrics: 'logger',
      logs: 'logger',
    });

    const span = byMessage.get('span request')!;
    expect(span.level).toBe('info');
    expect(span.fields).toMatchObject({
      traceId: 'abcdefabcdefabcdefabcdefabcdef12',
      status: 'UNSET',
      attributes: { route: '/orders' },
      events: [{ name: 'cache.miss', attributes: { key: 'k' } }],
    });
    expect(typeof span.fields!.durationMs).toBe('number');

    const spanId = span.fields!.spanId;
    expect(byMessage.get('log processing')).toMatchObject({
      level: 'info',
      fields: { severity: 'INFO', traceId: 'abcdefabcdefabcdefabcdefabcdef12', spanId, attributes: { items: 3 } },
    });
    expect(byMessage.get('log slow')).toMatchObject({ level: 'warn', fields: { severity: 'WARN', spanId } });
    expect(byMessage.get('metric orders.placed')).toMatchObject({
      level: 'info',
      fields: { type: 'sum', value: 2, attributes: { region: 'eu' } },
    });
  });

  it('console mode prints nothing while the logger is below info (the default is warn)', async () => {
    const logs = captureLogs();
    try {
      OpenTelemetry.configure({ service: 'quiet' });
      scope('quiet-span', () => logInfo('quiet log'));
      await OpenTelemetry.close();
    } finally {
      logs.restore();
    }
    expect(logs.records).toEqual([]);
  });
});

describe('OpenTelemetry logging of its own', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('logs where telemetry goes, never credentials in the endpoint', () => {
    const logs = captureLogs();
    setLogLevel('sightline.otel', 'info');
    try {
      OpenTelemetry.configure({
        service: 'creds',
        otlpEndpoint: 'http://user:s3cret@127.0.0.1:4318',
        headers: { authorization: 'Bearer t0ken' },
      });
    } finally {
      setLogLevel('sightline.otel', undefined);
      logs.restore();
    }
    const configured = logs.records.find((r) => r.message === 'OpenTelemetry configured')!;
    expect(configured.fields).toEqual({
      service: 'creds',
      traces: 'otlp http/protobuf http://127.0.0.1:4318/v1/traces',
      metrics: 'otlp http/protobuf http://127.0.0.1:4318/v1/metrics',
      logs: 'otlp http/protobuf http://127.0.0.1:4318/v1/logs',
    });
    expect(JSON.stringify(logs.records)).not.toMatch(/s3cret|t0ken/);
  });

  it('routes SDK diagnostics to sightline.otel.sdk, each distinct message at most once a minute', () => {
    const logs = captureLogs();
    let now = 0;
    const diag = diagLogger(() => now);
    try {
      diag.error('export failed: ECONNREFUSED');
      now = 1000;
      diag.error('export failed: ECONNREFUSED');
      diag.error('export failed: ECONNREFUSED');
      diag.warn('dropped 3 spans');
      now = 61_000;
      diag.error('export failed: ECONNREFUSED');
    } finally {
      logs.restore();
    }
    expect(logs.records.map((r) => [r.logger, r.level, r.message, r.fields])).toEqual([
      ['sightline.otel.sdk', 'error', 'export failed: ECONNREFUSED', undefined],
      ['sightline.otel.sdk', 'warn', 'dropped 3 spans', undefined],
      ['sightline.otel.sdk', 'error', 'export failed: ECONNREFUSED', { repeated: 2 }],
    ]);
  });
});
