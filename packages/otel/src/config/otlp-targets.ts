// Per signal: its exporters, and for OTLP where it sends. Code wins over the signal's own OTEL_*
// variable, which wins over the generic one, which wins over the default.
import { GrpcEndpointError } from '../errors.js';
import { normaliseEndpoint, portWarning, withoutCredentials } from './endpoint.js';
import { SIGNALS, type Compression, type ExporterName, type OtelEnv, type OtlpProtocol, type Signal } from './otel-env.js';

/** Where one signal's OTLP exporter sends, resolved from options, then OTEL_* variables, then defaults. */
export interface OtlpTarget {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number | undefined;
  readonly compression: Compression | undefined;
}

/** What the options contribute to a signal's target. */
export interface OtlpOptions {
  /** Given in code, or the default: the endpoint of every signal. */
  readonly otlpEndpoint: string | undefined;
  /** From code, `OTEL_EXPORTER_OTLP_PROTOCOL` or the default. */
  readonly protocol: OtlpProtocol;
  readonly insecure: boolean;
  /** From code only: they replace the `OTEL_*` headers. */
  readonly headers: Readonly<Record<string, string>> | undefined;
}

export interface SignalTargets {
  readonly exporters: Readonly<Record<Signal, readonly ExporterName[]>>;
  readonly otlp: Readonly<Partial<Record<Signal, OtlpTarget>>>;
}

const DEFAULT_ENDPOINTS: Readonly<Record<OtlpProtocol, string>> = {
  'http/protobuf': 'http://localhost:4318',
  'http/json': 'http://localhost:4318',
  grpc: 'http://localhost:4317',
};

/** The base URL of a signal's exporter and the setting it came from (named in messages). */
function endpointOf(options: OtlpOptions, otelEnv: OtelEnv, signal: Signal, protocol: OtlpProtocol): { base: string; source: string } {
  const own = otelEnv.otlp[signal].signalEndpoint;
  const [raw, source] =
    options.otlpEndpoint !== undefined
      ? [options.otlpEndpoint, 'otlpEndpoint']
      : own !== undefined
        ? [own, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]
        : [otelEnv.endpoint, 'OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (raw === undefined) return { base: DEFAULT_ENDPOINTS[protocol], source: 'the default endpoint' };
  return { base: normaliseEndpoint(raw, protocol, options.insecure, source), source };
}

/** The well-known OTLP/gRPC port: an endpoint on it with no protocol set means gRPC. */
const GRPC_PORT = '4317';

/**
 * Each signal's exporters and OTLP target. `protocolInCode` tells a protocol given in code (it wins
 * over a signal's own `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`) from one that came from the generic
 * variable or the default. With no protocol set anywhere, an endpoint on port 4317 is exported to
 * over gRPC when `missingGrpc()` finds the exporters, and is a GrpcEndpointError when it does not.
 * Port warnings are added to `warnings`.
 */
export function otlpTargets(
  options: OtlpOptions,
  protocolInCode: boolean,
  otelEnv: OtelEnv,
  warnings: string[],
  missingGrpc: () => readonly string[] = () => [],
): SignalTargets {
  const exporters = {} as Record<Signal, readonly ExporterName[]>;
  const otlp: Partial<Record<Signal, OtlpTarget>> = {};
  for (const signal of SIGNALS) {
    const own = otelEnv.otlp[signal];
    const hasEndpoint = options.otlpEndpoint !== undefined || own.signalEndpoint !== undefined || otelEnv.endpoint !== undefined;
    const names = otelEnv.exporters[signal] ?? [hasEndpoint ? 'otlp' : 'console'];
    exporters[signal] = names.includes('none') ? Object.freeze([]) : names;
    if (!exporters[signal].includes('otlp')) continue;
    let protocol = protocolInCode ? options.protocol : (own.protocol ?? options.protocol);
    let { base, source } = endpointOf(options, otelEnv, signal, protocol);
    const protocolSet = protocolInCode || own.protocol !== undefined || otelEnv.protocol !== undefined;
    if (!protocolSet && new URL(base).port === GRPC_PORT) {
      // The seed's endpoints are all gRPC (`http://collector:4317`): copied as written, they work.
      const missing = missingGrpc();
      if (missing.length > 0) throw new GrpcEndpointError(withoutCredentials(base), source, missing);
      protocol = 'grpc';
      ({ base, source } = endpointOf(options, otelEnv, signal, protocol));
    }
    // A signal's own endpoint is used as is; the others get the signal's path over HTTP.
    const url = source === `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT` || protocol === 'grpc' ? base : `${base}/v1/${signal}`;
    const warning = portWarning(base, protocol, source);
    if (warning !== undefined && !warnings.includes(warning)) warnings.push(warning);
    otlp[signal] = Object.freeze({
      url,
      protocol,
      // As the SDK's exporters do: the signal's own headers over the generic ones, key by key.
      headers: Object.freeze({ ...(options.headers ?? { ...otelEnv.headers, ...own.headers }) }),
      timeoutMs: own.timeoutMs,
      compression: own.compression,
    });
  }
  return { exporters: Object.freeze(exporters), otlp: Object.freeze(otlp) };
}
