// The OTLP exporter of each signal, by its resolved target: http/protobuf (default), http/json or
// grpc, with the endpoint, headers, timeout and compression resolved from options and OTEL_*.
import { OTLPLogExporter as HttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as HttpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as HttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpTarget } from '../config/options.js';
import { loadGrpcExporters, type GrpcExporterClasses } from './grpc-exporters.js';

type HttpConfig = NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>;

function httpConfig(target: OtlpTarget): HttpConfig {
  const config: HttpConfig = { url: target.url };
  if (Object.keys(target.headers).length > 0) config.headers = { ...target.headers };
  if (target.timeoutMillis !== undefined) config.timeoutMillis = target.timeoutMillis;
  if (target.compression !== undefined) config.compression = target.compression as NonNullable<HttpConfig['compression']>;
  return config;
}

function grpcConfig(target: OtlpTarget, grpc: GrpcExporterClasses): Record<string, unknown> {
  const config: Record<string, unknown> = { url: target.url };
  if (Object.keys(target.headers).length > 0) config.metadata = grpc.metadata(target.headers);
  if (target.timeoutMillis !== undefined) config.timeoutMillis = target.timeoutMillis;
  if (target.compression !== undefined) config.compression = target.compression;
  return config;
}

export function createSpanExporter(target: OtlpTarget, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): SpanExporter {
  if (target.protocol === 'grpc') {
    const grpc = loadGrpc();
    return new grpc.OTLPTraceExporter(grpcConfig(target, grpc));
  }
  return target.protocol === 'http/json' ? new HttpJsonTraceExporter(httpConfig(target)) : new ProtoTraceExporter(httpConfig(target));
}

export function createMetricExporter(target: OtlpTarget, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): PushMetricExporter {
  if (target.protocol === 'grpc') {
    const grpc = loadGrpc();
    return new grpc.OTLPMetricExporter(grpcConfig(target, grpc));
  }
  return target.protocol === 'http/json' ? new HttpJsonMetricExporter(httpConfig(target)) : new ProtoMetricExporter(httpConfig(target));
}

export function createLogExporter(target: OtlpTarget, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): LogRecordExporter {
  if (target.protocol === 'grpc') {
    const grpc = loadGrpc();
    return new grpc.OTLPLogExporter(grpcConfig(target, grpc));
  }
  return target.protocol === 'http/json' ? new HttpJsonLogExporter(httpConfig(target)) : new ProtoLogExporter(httpConfig(target));
}
