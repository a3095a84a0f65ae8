// The OTLP exporters for each signal, by protocol: http/protobuf (default), http/json or grpc.
import { OTLPLogExporter as HttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as HttpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as HttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ResolvedOptions } from '../config/options.js';
import { loadGrpcExporters, type GrpcExporterClasses } from './grpc-exporters.js';

export interface SignalExporters {
  readonly span: SpanExporter;
  readonly metric: PushMetricExporter;
  readonly log: LogRecordExporter;
}

type Signal = 'traces' | 'metrics' | 'logs';

/**
 * The URL for one signal: `<endpoint>/v1/<signal>` over HTTP, the endpoint itself over gRPC. When
 * the endpoint came from OTEL_EXPORTER_OTLP_ENDPOINT and the signal's own variable
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT...) is set, the exporter is left to read that one.
 */
export function signalUrl(options: ResolvedOptions, signal: Signal, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (options.endpointFromEnv && env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]?.trim()) return undefined;
  if (options.endpoint === undefined) return undefined;
  return options.protocol === 'grpc' ? options.endpoint : `${options.endpoint}/v1/${signal}`;
}

function httpConfig(options: ResolvedOptions, signal: Signal): { url?: string; headers?: Record<string, string> } {
  const url = signalUrl(options, signal);
  const config: { url?: string; headers?: Record<string, string> } = {};
  if (url !== undefined) config.url = url;
  if (Object.keys(options.headers).length > 0) config.headers = { ...options.headers };
  return config;
}

export function createOtlpExporters(options: ResolvedOptions, loadGrpc: () => GrpcExporterClasses = loadGrpcExporters): SignalExporters {
  switch (options.protocol) {
    case 'http/protobuf':
      return {
        span: new ProtoTraceExporter(httpConfig(options, 'traces')),
        metric: new ProtoMetricExporter(httpConfig(options, 'metrics')),
        log: new ProtoLogExporter(httpConfig(options, 'logs')),
      };
    case 'http/json':
      return {
        span: new HttpJsonTraceExporter(httpConfig(options, 'traces')),
        metric: new HttpJsonMetricExporter(httpConfig(options, 'metrics')),
        log: new HttpJsonLogExporter(httpConfig(options, 'logs')),
      };
    case 'grpc': {
      const grpc = loadGrpc();
      const metadata = Object.keys(options.headers).length > 0 ? grpc.metadata(options.headers) : undefined;
      const config = (signal: Signal) => {
        const url = signalUrl(options, signal);
        return { ...(url !== undefined ? { url } : {}), ...(metadata !== undefined ? { metadata } : {}) };
      };
      return {
        span: new grpc.OTLPTraceExporter(config('traces')),
        metric: new grpc.OTLPMetricExporter(config('metrics')),
        log: new grpc.OTLPLogExporter(config('logs')),
      };
    }
  }
}
