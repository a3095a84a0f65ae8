// OTLP over gRPC needs @grpc/grpc-js, which most applications never want: its exporters are
// optional peer dependencies, loaded only when protocol 'grpc' is chosen, with a clear error when
// they are not installed. The load is synchronous so configure() stays synchronous.
import { createRequire } from 'node:module';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { MissingExporterError } from '../errors.js';

export const GRPC_PACKAGES = Object.freeze({
  traces: '@opentelemetry/exporter-trace-otlp-grpc',
  metrics: '@opentelemetry/exporter-metrics-otlp-grpc',
  logs: '@opentelemetry/exporter-logs-otlp-grpc',
});

/** The part of the gRPC exporters' config this bridge sets. */
interface GrpcExporterConfig {
  url?: string;
  metadata?: unknown;
  timeoutMillis?: number;
  compression?: string;
}

type Ctor<T> = new (config?: GrpcExporterConfig) => T;

export interface GrpcExporterClasses {
  readonly OTLPTraceExporter: Ctor<SpanExporter>;
  readonly OTLPMetricExporter: Ctor<PushMetricExporter>;
  readonly OTLPLogExporter: Ctor<LogRecordExporter>;
  /** Builds grpc-js `Metadata` from headers, with the grpc-js the exporters themselves use. */
  metadata(headers: Readonly<Record<string, string>>): unknown;
}

/** `require` that resolves from this file, in the ESM build (tsup shims `__filename`) and in CommonJS. */
export function localRequire(): NodeJS.Require {
  return createRequire(__filename);
}

/** Loads an optional package, or records it as missing (other load errors go on unchanged). */
export function load<T>(req: NodeJS.Require, id: string, missing: string[]): T | undefined {
  try {
    return req(id) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' || (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      missing.push(id);
      return undefined;
    }
    throw error;
  }
}

/** The gRPC exporter packages that cannot be resolved from here (none: gRPC can be used). */
export function missingGrpcPackages(req: NodeJS.Require = localRequire()): readonly string[] {
  return Object.values(GRPC_PACKAGES).filter((id) => {
    try {
      req.resolve(id);
      return false;
    } catch {
      return true;
    }
  });
}

export function loadGrpcExporters(req: NodeJS.Require = localRequire()): GrpcExporterClasses {
  const missing: string[] = [];
  const traces = load<{ OTLPTraceExporter: Ctor<SpanExporter> }>(req, GRPC_PACKAGES.traces, missing);
  const metrics = load<{ OTLPMetricExporter: Ctor<PushMetricExporter> }>(req, GRPC_PACKAGES.metrics, missing);
  const logs = load<{ OTLPLogExporter: Ctor<LogRecordExporter> }>(req, GRPC_PACKAGES.logs, missing);
  if (!traces || !metrics || !logs) throw new MissingExporterError('grpc', missing);
  return {
    OTLPTraceExporter: traces.OTLPTraceExporter,
    OTLPMetricExporter: metrics.OTLPMetricExporter,
    OTLPLogExporter: logs.OTLPLogExporter,
    metadata(headers) {
      // grpc-js is a dependency of the exporters, not of this package: resolve it from there.
      let grpc: { Metadata: new () => { set(key: string, value: string): void } };
      try {
        const fromExporter = createRequire(req.resolve(GRPC_PACKAGES.traces));
        const fromBase = createRequire(fromExporter.resolve('@opentelemetry/otlp-grpc-exporter-base'));
        grpc = fromBase('@grpc/grpc-js') as typeof grpc;
      } catch (error) {
        throw new MissingExporterError('grpc', ['@grpc/grpc-js'], { cause: error });
      }
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
      return metadata;
    },
  };
}
