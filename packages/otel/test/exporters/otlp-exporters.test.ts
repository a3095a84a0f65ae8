import { OTLPLogExporter as JsonLogs } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogs } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetrics } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetrics } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraces } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraces } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcTraces } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter as GrpcMetrics } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPLogExporter as GrpcLogs } from '@opentelemetry/exporter-logs-otlp-grpc';
import { trace } from '@opentelemetry/api';
import { MissingExporterError, OpenTelemetry } from '../../src/index.js';
import { createSdk } from '../../src/sdk.js';
import { resolveSettings } from '../../src/config/options.js';
import { loadGrpcExporters } from '../../src/exporters/grpc-exporters.js';
import { createLogExporter, createMetricExporter, createSpanExporter } from '../../src/exporters/otlp-exporters.js';
import type { OtelSettings } from '../../src/config/options.js';

function exportersOf(options: OtelSettings) {
  return {
    span: createSpanExporter(options.otlp.traces!),
    metric: createMetricExporter(options.otlp.metrics!),
    log: createLogExporter(options.otlp.logs!),
  };
}

async function shutdownAll(e: ReturnType<typeof exportersOf>): Promise<void> {
  await Promise.all([e.span.shutdown(), e.metric.shutdown(), e.log.shutdown()]);
}

const urls = (o: OtelSettings) => [o.otlp.traces?.url, o.otlp.metrics?.url, o.otlp.logs?.url];

describe('per-signal OTLP targets', () => {
  it('appends /v1/<signal> over HTTP and uses the endpoint itself over gRPC', () => {
    expect(urls(resolveSettings({ service: 's', otlpEndpoint: 'collector' }, {}))).toEqual([
      'http://collector:4318/v1/traces',
      'http://collector:4318/v1/metrics',
      'http://collector:4318/v1/logs',
    ]);
    const grpc = resolveSettings({ service: 's', otlpEndpoint: 'collector', protocol: 'grpc', insecure: false }, {});
    expect(grpc.otlp.traces!.url).toBe('https://collector:4317');
  });

  it('a signal own OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT is used as is, over the generic one', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/t' };
    expect(urls(resolveSettings({ service: 's' }, env))).toEqual([
      'http://traces:4318/t',
      'http://generic:4318/v1/metrics',
      'http://generic:4318/v1/logs',
    ]);
    // A signal endpoint alone exports that signal over OTLP; the others stay on the logger.
    const alone = resolveSettings({ service: 's' }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/t' });
    expect(alone.exporters).toEqual({ traces: ['otlp'], metrics: ['console'], logs: ['console'] });
    // An explicit otlpEndpoint is explicit: it wins.
    expect(resolveSettings({ service: 's', otlpEndpoint: 'http://mine:4318' }, env).otlp.traces!.url).toBe('http://mine:4318/v1/traces');
  });
});

describe('OTLP exporters by protocol', () => {
  it('http/protobuf uses the proto exporters', async () => {
    const e = exportersOf(resolveSettings({ service: 's', otlpEndpoint: 'http://127.0.0.1:1' }, {}));
    expect([e.span instanceof ProtoTraces, e.metric instanceof ProtoMetrics, e.log instanceof ProtoLogs]).toEqual([true, true, true]);
    await shutdownAll(e);
  });

  it('http/json uses the JSON exporters', async () => {
    const e = exportersOf(resolveSettings({ service: 's', otlpEndpoint: 'http://127.0.0.1:1', protocol: 'http/json' }, {}));
    expect([e.span instanceof JsonTraces, e.metric instanceof JsonMetrics, e.log instanceof JsonLogs]).toEqual([true, true, true]);
    await shutdownAll(e);
  });

  it('grpc loads the optional gRPC exporters, headers going as metadata', async () => {
    const e = exportersOf(
      resolveSettings({ service: 's', otlpEndpoint: 'http://127.0.0.1:1', protocol: 'grpc', headers: { 'X-Tenant': 'acme' } }, {}),
    );
    expect([e.span instanceof GrpcTraces, e.metric instanceof GrpcMetrics, e.log instanceof GrpcLogs]).toEqual([true, true, true]);
    await shutdownAll(e);
    const metadata = loadGrpcExporters().metadata({ 'X-Tenant': 'acme' }) as { get(key: string): string[] };
    expect(metadata.get('x-tenant')).toEqual(['acme']);
  });
});

describe('gRPC exporters not installed', () => {
  const notFound = (id: string) => Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });

  it('fails with MissingExporterError naming what to install', () => {
    const require = ((id: string) => {
      if (id === '@opentelemetry/exporter-metrics-otlp-grpc') return { OTLPMetricExporter: class {} };
      throw notFound(id);
    }) as unknown as NodeJS.Require;
    expect(() => loadGrpcExporters(require)).toThrow(MissingExporterError);
    expect(() => loadGrpcExporters(require)).toThrow(
      'OTLP protocol "grpc" needs @opentelemetry/exporter-trace-otlp-grpc, @opentelemetry/exporter-logs-otlp-grpc, ' +
        'which could not be loaded: install them (npm install @opentelemetry/exporter-trace-otlp-grpc @opentelemetry/exporter-logs-otlp-grpc)',
    );
  });

  it('passes on other load errors unchanged', () => {
    const broken = new SyntaxError('Unexpected token');
    const require = (() => {
      throw broken;
    }) as unknown as NodeJS.Require;
    expect(() => loadGrpcExporters(require)).toThrow(broken);
  });

  it('building the SDK fails before any global registration when a protocol cannot be served', () => {
    const missing = () => {
      throw new MissingExporterError('grpc', ['@opentelemetry/exporter-trace-otlp-grpc']);
    };
    expect(() => createSdk(resolveSettings({ service: 's', otlpEndpoint: 'x', protocol: 'grpc' }, {}), { grpc: missing })).toThrow(
      MissingExporterError,
    );
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(OpenTelemetry.isConfigured).toBe(false);
  });
});
