// The OTLP exporter of each signal, by its resolved target: http/protobuf (default), http/json or
// grpc, with the endpoint, headers, timeout and compression resolved from options and OTEL_*. The
// http/json and grpc exporters are optional peers, loaded only when chosen.
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpTarget } from '../config/otlp-targets.js';
import { MissingExporterError } from '../errors.js';
import { load, loadGrpcExporters, localRequire, type GrpcExporterClasses } from './grpc-exporters.js';

const JSON_PACKAGES = {
  traces: '@opentelemetry/exporter-trace-otlp-http',
  metrics: '@opentelemetry/exporter-metrics-otlp-http',
  logs: '@opentelemetry/exporter-logs-otlp-http',
} as const;

/** The http/json exporter class of one signal, or MissingExporterError naming its package. */
function jsonExporter<T>(signal: keyof typeof JSON_PACKAGES, className: string): new (config: HttpConfig) => T {
  const missing: string[] = [];
  const loaded = load<Record<string, new (config: HttpConfig) => T>>(localRequire(), JSON_PACKAGES[signal], missing);
  if (!loaded) throw new MissingExporterError('http/json', missing);
  return loaded[className]!;
}

type HttpConfig = NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>;

function httpConfig(target: OtlpTarget): HttpConfig {
  const config: HttpConfig = { url: target.url };
  if (Object.keys(target.headers).length > 0) config.headers = { ...target.headers };
  if (target.timeoutMs !== undefined) config.timeoutMillis = target.timeoutMs;
  if (target.compression !== undefined) config.compression = target.compression as NonNullable<HttpConfig['compression']>;
  return config;
}

function grpcConfig(target: OtlpTarget, grpc: GrpcExporterClasses): Record<string, unknown> {
  const config: Record<string, unknown> = { url: target.url };
  if (Object.keys(target.headers).length > 0) config.metadata = grpc.metadata(target.headers);
  if (target.timeoutMs !== undefined) config.timeoutMillis = target.timeoutMs;
  if (target.compression !== undefined) config.compression = target.compression;
  return config;
}

export function createSpanExporter(target: OtlpTarget, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): SpanExporter {
  if (target.protocol === 'grpc') {
    const grpc = loadGrpc();
    return new grpc.OTLPTraceExporter(grpcConfig(target, grpc));
  }
  if (target.protocol === 'http/json') return new (jsonExporter<SpanExporter>('traces', 'OTLPTraceExporter'))(httpConfig(target));
  return new ProtoTraceExporter(httpConfig(target));
}

export function createMetricExporter(target: OtlpTarget, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): PushMetricExporter {
  if (target.protocol === 'grpc') {
    const grpc = loadGrpc();
    return new grpc.OTLPMetricExporter(grpcConfig(target, grpc));
  }
  if (target.protocol === 'http/json') return new (jsonExporter<PushMetricExporter>('metrics', 'OTLPMetricExporter'))(httpConfig(target));
  return new ProtoMetricExporter(httpConfig(target));
}

export function createLogExporter(target: OtlpTarget, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): LogRecordExporter {
  if (target.protocol === 'grpc') {
    const grpc = loadGrpc();
    return new grpc.OTLPLogExporter(grpcConfig(target, grpc));
  }
  if (target.protocol === 'http/json') return new (jsonExporter<LogRecordExporter>('logs', 'OTLPLogExporter'))(httpConfig(target));
  return new ProtoLogExporter(httpConfig(target));
}
