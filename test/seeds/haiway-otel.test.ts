// The haiway OpenTelemetry seed (../shared/seeds/002_*.txt), its examples ported line for line to
// @sightline/otel: `ctx.scope` is `scope` (the root one `OpenTelemetry.observability().scope`),
// `ctx.record_metric` is `recordMetric`, `ctx.log_info` is `logInfo`. Spans, metrics and logs are read
// from the SDK's in-memory exporters; the OTLP example runs in a child process against a loopback
// OTLP/gRPC receiver on 4317, the seed's port, and the bytes it receives are decoded.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SpanStatusCode } from '../../packages/otel/node_modules/@opentelemetry/api';
import { setLogLevel, setLogSink, type LogRecord } from '../../packages/core/src/index';
import { resetLogging } from '../../packages/core/src/internal';
import { resolveSettings } from '../../packages/otel/src/config/options';
import {
  AlreadyConfiguredError,
  GrpcEndpointError,
  logDebug,
  logError,
  logInfo,
  logWarning,
  OpenTelemetry,
  OtelConfigError,
  recordAttributes,
  recordEvent,
  recordMetric,
  scope,
} from '../../packages/otel/src/index';
import { configureInMemory, parentOf, points } from '../../packages/otel/test/helpers';
import { bundleSource, packageDir, runApp } from '../../packages/otel/test/integration/loopback';
import { attributesOf, decodeLogs, decodeMetrics, decodeTraces, hex, type Decoded } from '../../packages/otel/test/integration/otlp-proto';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let logged: LogRecord[] = [];
beforeEach(() => {
  logged = [];
  setLogSink((r) => logged.push(r));
});
afterEach(async () => {
  await OpenTelemetry.resetForTesting();
  resetLogging({});
});

describe('2. Configuration', () => {
  it('configures once: a second configure() throws', () => {
    configureInMemory({ service: 'my-service', version: '1.0.0', environment: 'development' });
    expect(() => OpenTelemetry.configure({ service: 'my-service' })).toThrow(AlreadyConfiguredError);
  });

  it('service, version, environment and attributes become resource attributes', () => {
    const telemetry = configureInMemory({
      service: 'my-service',
      version: '1.0.0',
      environment: 'production',
      attributes: { team: 'backend', component: 'api' },
    });
    scope('probe', () => undefined);
    expect(telemetry.span('probe').resource.attributes).toMatchObject({
      'service.name': 'my-service',
      'service.version': '1.0.0',
      'deployment.environment.name': 'production',
      team: 'backend',
      component: 'api',
    });
  });

  it('OTLP Export Configuration defaults: insecure true, metrics every 5000 ms; OTEL_METRIC_EXPORT_INTERVAL still wins', () => {
    const defaults = resolveSettings({ service: 'my-service' }, {});
    expect([defaults.insecure, defaults.exportIntervalMs]).toEqual([true, 5000]);
    expect(resolveSettings({ service: 'my-service' }, { OTEL_METRIC_EXPORT_INTERVAL: '60000' }).exportIntervalMs).toBe(60000);
    // Prometheus + Grafana: export_interval_millis=10000
    expect(resolveSettings({ service: 'my-service', exportIntervalMs: 10000 }, {}).exportIntervalMs).toBe(10000);
    // The seed's Python spelling is pointed at ours.
    expect(() => resolveSettings({ service: 'my-service', export_interval_millis: 5000 } as never, {})).toThrow(OtelConfigError);
    expect(() => resolveSettings({ service: 'my-service', export_interval_millis: 5000 } as never, {})).toThrow(/exportIntervalMs/);
    expect(() => resolveSettings({ service: 'my-service', otlp_endpoint: 'http://jaeger:4317' } as never, {})).toThrow(/otlpEndpoint/);
  });
});

describe('3. Usage with Context', () => {
  it('scopes become nested spans carrying the logs, metrics, events and attributes recorded in them', async () => {
    const telemetry = configureInMemory({ service: 'my-service' });

    async function processIndividualRequests() {
      // Nested spans are automatically created
      await scope('individual-request', async () => {
        recordAttributes({ 'request.id': 'req-123', 'user.id': 'user-456' });
        await sleep(1); // Simulated work
        recordMetric('request.duration', { value: 100, unit: 'ms', kind: 'histogram' });
      });
    }
    async function processRequests() {
      await scope('request-processing', async () => {
        logInfo('Processing batch of requests');
        recordMetric('requests.processed', { value: 10, kind: 'counter' });
        recordEvent('batch.started', { batch_size: 10, priority: 'high' });
        await processIndividualRequests();
      });
    }
    async function main() {
      await OpenTelemetry.observability().scope('application', () => processRequests());
    }
    await main();

    const application = telemetry.span('application');
    const processing = telemetry.span('request-processing');
    const individual = telemetry.span('individual-request');
    expect(parentOf(processing)).toBe(application.spanContext().spanId);
    expect(parentOf(individual)).toBe(processing.spanContext().spanId);
    expect(new Set([application, processing, individual].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(processing.events.map((e) => [e.name, e.attributes])).toEqual([['batch.started', { batch_size: 10, priority: 'high' }]]);
    expect(individual.attributes).toMatchObject({ 'request.id': 'req-123', 'user.id': 'user-456' });

    const metrics = await telemetry.metrics();
    expect(points(metrics.get('requests.processed'))).toEqual([[{}, 10]]);
    expect(metrics.get('request.duration')?.descriptor.unit).toBe('ms');
    expect(points(metrics.get('request.duration'))).toEqual([[{}, expect.objectContaining({ count: 1, sum: 100 })]]);

    const [log] = telemetry.logs.getFinishedLogRecords();
    expect(log?.body).toBe('Processing batch of requests');
    expect(log?.spanContext?.spanId).toBe(processing.spanContext().spanId);
  });
});

describe('Console vs OTLP Export', () => {
  it('with no endpoint, spans, metrics and logs go to the logging system (the sightline.otel logger)', async () => {
    setLogLevel('sightline.otel', 'info');
    OpenTelemetry.configure({ service: 'my-service', version: '1.0.0', environment: 'development', resourceDetectors: false });
    OpenTelemetry.observability().scope('console-scope', () => {
      logInfo('hello console');
      recordMetric('console.counter', { value: 2, kind: 'counter' });
    });
    await OpenTelemetry.flush();
    const lines = logged.filter((r) => r.logger === 'sightline.otel').map((r) => r.message);
    expect(lines).toEqual(expect.arrayContaining(['span console-scope', 'metric console.counter', 'log hello console']));
  });

  describe('OTLP export to the seed endpoint on 4317', () => {
    type Handler = (call: { request: Buffer }, callback: (error: null, reply: Buffer) => void) => void;
    interface GrpcServer {
      addService(service: Record<string, unknown>, implementation: Record<string, Handler>): void;
      bindAsync(address: string, credentials: unknown, callback: (error: Error | null, port: number) => void): void;
      forceShutdown(): void;
    }
    interface GrpcJs {
      Server: new () => GrpcServer;
      ServerCredentials: { createInsecure(): unknown };
    }

    // grpc-js is a dependency of the gRPC exporters: load it from there, as the package itself does.
    function loadGrpc(): GrpcJs {
      const fromOtel = createRequire(join(packageDir, 'package.json'));
      const fromExporter = createRequire(fromOtel.resolve('@opentelemetry/exporter-trace-otlp-grpc'));
      const fromBase = createRequire(fromExporter.resolve('@opentelemetry/otlp-grpc-exporter-base'));
      return fromBase('@grpc/grpc-js') as GrpcJs;
    }

    /** A loopback OTLP/gRPC collector on 127.0.0.1:4317 keeping each request's protobuf bytes. */
    async function startGrpcCollector(): Promise<{ received: Record<string, Buffer[]>; close(): void }> {
      const grpc = loadGrpc();
      const server = new grpc.Server();
      const received: Record<string, Buffer[]> = { traces: [], metrics: [], logs: [] };
      const raw = (b: Buffer) => b;
      for (const [signal, service] of [
        ['traces', 'trace.v1.TraceService'],
        ['metrics', 'metrics.v1.MetricsService'],
        ['logs', 'logs.v1.LogsService'],
      ] as const) {
        const method = {
          path: `/opentelemetry.proto.collector.${service}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: raw,
          requestDeserialize: raw,
          responseSerialize: raw,
          responseDeserialize: raw,
        };
        server.addService(
          { Export: method },
          {
            Export: (call, callback) => {
              received[signal]!.push(call.request);
              callback(null, Buffer.alloc(0));
            },
          },
        );
      }
      await new Promise<void>((resolve, reject) =>
        server.bindAsync('127.0.0.1:4317', grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
      );
      return { received, close: () => server.forceShutdown() };
    }

    beforeAll(() => bundleSource(), 60_000);

    it('configure(otlpEndpoint "http://...:4317") with no protocol exports over OTLP/gRPC', async () => {
      const collector = await startGrpcCollector();
      try {
        const app = await runApp(
          `
const { OpenTelemetry, scope, recordMetric, logInfo } = require(process.env.BRIDGE);
OpenTelemetry.configure({
  service: 'my-service',
  version: '1.0.0',
  environment: 'production',
  otlpEndpoint: 'http://127.0.0.1:4317',
  insecure: true,
  exportIntervalMs: 5000,
  attributes: { team: 'backend', component: 'api' },
});
(async () => {
  await OpenTelemetry.observability().scope('application', async () => {
    await scope('request-processing', () => {
      logInfo('Processing batch of requests');
      recordMetric('requests.processed', { value: 10, kind: 'counter' });
    });
  });
  await OpenTelemetry.close();
  console.log('app-done');
})();
`,
          {},
        );
        expect(app.stdout).toContain('app-done');
        expect(app.stderr).not.toContain('4317');

        const spans = collector.received.traces!.flatMap((body) => spansOf(decodeTraces(body)));
        expect(spans.map((s) => s.name).sort()).toEqual(['application', 'request-processing']);
        const resource = attributesOf(
          (decodeTraces(collector.received.traces![0]!).resource_spans as Decoded[])[0]!.resource!['attributes' as never],
        );
        expect(resource).toMatchObject({ 'service.name': 'my-service', 'service.version': '1.0.0', team: 'backend', component: 'api' });
        const metricNames = collector.received.metrics!.flatMap((body) => metricNamesOf(decodeMetrics(body)));
        expect(metricNames).toContain('requests.processed');
        const logBodies = collector.received.logs!.flatMap((body) => logBodiesOf(decodeLogs(body)));
        expect(logBodies).toEqual(['Processing batch of requests']);
      } finally {
        collector.close();
      }
    });
  });

  it('without the gRPC exporters installed, such an endpoint fails configure() saying what to install or set', () => {
    const missing = () => [
      '@opentelemetry/exporter-trace-otlp-grpc',
      '@opentelemetry/exporter-metrics-otlp-grpc',
      '@opentelemetry/exporter-logs-otlp-grpc',
    ];
    const configure = () =>
      resolveSettings({ service: 'my-service', otlpEndpoint: 'http://collector:4317' }, {}, 'OpenTelemetry.configure()', missing);
    expect(configure).toThrow(GrpcEndpointError);
    expect(configure).toThrow(/npm install @opentelemetry\/exporter-trace-otlp-grpc .*OTEL_EXPORTER_OTLP_PROTOCOL=http\/protobuf.*4318/);
  });

  it('SigNoz and the OTel collector on 4317 are gRPC; Jaeger 14250 over HTTP only warns', () => {
    const signoz = resolveSettings({ service: 'my-service', otlpEndpoint: 'http://signoz-otel-collector:4317', insecure: true }, {});
    expect(signoz.otlp.traces?.protocol).toBe('grpc');
    const jaeger = resolveSettings({ service: 'my-service', otlpEndpoint: 'http://jaeger-collector:14250', insecure: true }, {});
    expect(jaeger.otlp.traces?.protocol).toBe('http/protobuf');
    expect(jaeger.warnings.join('\n')).toContain("14250, Jaeger's gRPC port");
  });
});

describe('Distributed Tracing', () => {
  it('Automatic Span Creation: child spans under the request span', async () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    await OpenTelemetry.observability().scope('http-request', async () => {
      await scope('database-query', () => sleep(1));
      await scope('external-api', () => sleep(1));
    });
    const request = telemetry.span('http-request').spanContext().spanId;
    expect(parentOf(telemetry.span('database-query'))).toBe(request);
    expect(parentOf(telemetry.span('external-api'))).toBe(request);
  });

  it('External Trace Linking: the root span joins the external trace', () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    const externalTraceId = '4bf92f3577b34da6a3ce929d0e0e4736'; // request.headers.get("x-trace-id")
    const observability = OpenTelemetry.observability({ externalTraceId });
    observability.scope('service-handler', () => scope('handle-service-request', () => undefined));
    expect(telemetry.span('service-handler').spanContext().traceId).toBe(externalTraceId);
    expect(telemetry.span('handle-service-request').spanContext().traceId).toBe(externalTraceId);
  });

  it('Trace Context Propagation: concurrent children each get their own span under the parent', async () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    const childOperation = (taskId: number) => scope(`child-${taskId}`, () => sleep(1));
    await OpenTelemetry.observability().scope('parent', () => Promise.all([0, 1, 2].map((i) => childOperation(i))));
    const parent = telemetry.span('parent').spanContext();
    for (const i of [0, 1, 2]) {
      const child = telemetry.span(`child-${i}`);
      expect([parentOf(child), child.spanContext().traceId]).toEqual([parent.spanId, parent.traceId]);
    }
  });
});

describe('Metrics Collection', () => {
  it('counter, histogram and gauge, with attributes and units', async () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    OpenTelemetry.observability().scope('metrics', () => {
      recordMetric('requests.total', { value: 1, kind: 'counter' });
      recordMetric('request.duration', { value: 150, unit: 'ms', kind: 'histogram' });
      recordMetric('active_connections', { value: 42, kind: 'gauge' });
      recordMetric('requests.processed', {
        value: 1,
        kind: 'counter',
        attributes: { method: 'POST', endpoint: '/api/users', status: 'success' },
      });
      recordMetric('response.size', { value: 1024, unit: 'byte', kind: 'histogram' });
      recordMetric('cpu.usage', { value: 75.5, unit: 'percent', kind: 'gauge' });
      recordMetric('request.rate', { value: 150, unit: '1/s', kind: 'gauge' });
    });
    const metrics = await telemetry.metrics();
    expect(points(metrics.get('requests.total'))).toEqual([[{}, 1]]);
    expect(points(metrics.get('request.duration'))).toEqual([[{}, expect.objectContaining({ count: 1, sum: 150 })]]);
    expect(points(metrics.get('active_connections'))).toEqual([[{}, 42]]);
    expect(points(metrics.get('requests.processed'))).toEqual([[{ method: 'POST', endpoint: '/api/users', status: 'success' }, 1]]);
    expect(['response.size', 'cpu.usage', 'request.rate'].map((n) => metrics.get(n)?.descriptor.unit)).toEqual(['byte', 'percent', '1/s']);
    expect(points(metrics.get('cpu.usage'))).toEqual([[{}, 75.5]]);
  });
});

describe('Structured Logging', () => {
  it('Context-Aware Logging: logs carry the active span; an error log carries the exception', () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    // exception.type is the error's `name`, as the OpenTelemetry SDK records it: a subclass names itself.
    class UserNotFound extends Error {
      override name = 'UserNotFound';
    }
    const userId = 'user-123';
    OpenTelemetry.observability({ level: 'debug' }).scope('user-service', () => {
      logInfo('Processing user request'); // Correlated with span
      try {
        throw new UserNotFound(`no user ${userId}`);
      } catch (e) {
        logError('User not found', { user_id: userId }, e);
      }
      logDebug('User fetched successfully', { user_id: userId });
    });
    const span = telemetry.span('user-service').spanContext();
    const logs = telemetry.logs.getFinishedLogRecords();
    expect(logs.map((l) => [l.severityText, l.body, l.spanContext?.spanId])).toEqual([
      ['INFO', 'Processing user request', span.spanId],
      ['ERROR', 'User not found', span.spanId],
      ['DEBUG', 'User fetched successfully', span.spanId],
    ]);
    expect(logs[1]!.attributes).toMatchObject({
      user_id: userId,
      'exception.type': 'UserNotFound',
      'exception.message': 'no user user-123',
    });
  });

  it('Log Levels: at WARNING, debug is not recorded and warning is', () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    const observability = OpenTelemetry.observability({ level: 'warning' });
    observability.scope('critical-operation', () => {
      logDebug("This won't be recorded"); // Below threshold
      logWarning('This will be recorded'); // At or above threshold
    });
    expect(telemetry.logs.getFinishedLogRecords().map((l) => l.body)).toEqual(['This will be recorded']);
  });
});

describe('Event Recording', () => {
  it('custom and business events with their attributes on the active span', () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    OpenTelemetry.observability().scope('events', () => {
      recordEvent('user.login', { user_id: 'user-123', login_method: 'oauth', client_ip: '192.168.1.100', success: true });
      recordEvent('cache.miss', { cache_key: 'user:profile:123', ttl: 3600 });
      recordEvent('order.created', {
        order_id: 'ord-789',
        customer_id: 'cust-456',
        total_amount: 99.99,
        currency: 'USD',
        items_count: 3,
      });
    });
    expect(telemetry.span('events').events.map((e) => [e.name, e.attributes])).toEqual([
      ['user.login', { user_id: 'user-123', login_method: 'oauth', client_ip: '192.168.1.100', success: true }],
      ['cache.miss', { cache_key: 'user:profile:123', ttl: 3600 }],
      ['order.created', { order_id: 'ord-789', customer_id: 'cust-456', total_amount: 99.99, currency: 'USD', items_count: 3 }],
    ]);
  });
});

describe('Advanced Usage', () => {
  it('Custom Resource Attributes: an unset INSTANCE_ID is skipped, the rest are kept', () => {
    const telemetry = configureInMemory({
      service: 'payment-service',
      version: '2.1.0',
      environment: 'production',
      attributes: {
        'service.namespace': 'payments',
        'service.instance.id': process.env.SEED_TEST_UNSET_INSTANCE_ID,
        'deployment.version': 'v2.1.0-rc.1',
        team: 'payments-team',
        region: 'us-east-1',
      },
    });
    scope('probe', () => undefined);
    const attributes = telemetry.span('probe').resource.attributes;
    expect(attributes).toMatchObject({
      'service.name': 'payment-service',
      'service.namespace': 'payments',
      'deployment.version': 'v2.1.0-rc.1',
      team: 'payments-team',
      region: 'us-east-1',
    });
    expect(attributes['service.instance.id']).toBeUndefined();
  });

  it('Error Handling and Status: a failing scope is ERROR with the exception recorded, and the error reaches the caller', async () => {
    const telemetry = configureInMemory({ service: 'my-service' });
    const potentiallyFailingOperation = () => Promise.reject(new TypeError('upstream refused'));
    await expect(
      OpenTelemetry.observability().scope('risky-operation', async () => {
        try {
          await potentiallyFailingOperation();
        } catch (e) {
          logError('Operation failed', undefined, e);
          throw e;
        }
      }),
    ).rejects.toThrow('upstream refused');
    const span = telemetry.span('risky-operation');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream refused' });
    expect(span.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({ 'exception.type': 'TypeError' });
    expect(telemetry.logs.getFinishedLogRecords().map((l) => l.body)).toEqual(['Operation failed']);
  });
});

function spansOf(request: Decoded): Array<{ name: string; trace_id: string }> {
  return ((request.resource_spans as Decoded[]) ?? []).flatMap((rs) =>
    ((rs.scope_spans as Decoded[]) ?? []).flatMap((ss) =>
      ((ss.spans as Decoded[]) ?? []).map((s) => ({ name: s.name as string, trace_id: hex(s.trace_id) })),
    ),
  );
}

function metricNamesOf(request: Decoded): string[] {
  return ((request.resource_metrics as Decoded[]) ?? []).flatMap((rm) =>
    ((rm.scope_metrics as Decoded[]) ?? []).flatMap((sm) => ((sm.metrics as Decoded[]) ?? []).map((m) => m.name as string)),
  );
}

function logBodiesOf(request: Decoded): string[] {
  return ((request.resource_logs as Decoded[]) ?? []).flatMap((rl) =>
    ((rl.scope_logs as Decoded[]) ?? []).flatMap((sl) =>
      ((sl.log_records as Decoded[]) ?? []).map((l) => (l.body as { string_value?: string } | undefined)?.string_value ?? ''),
    ),
  );
}
