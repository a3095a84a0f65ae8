// What OpenTelemetry.configure() accepts, and its resolution against the OTEL_* environment:
// validated once, defaults in one place, explicit options winning over the environment.
import { DiagLogLevel, type AttributeValue } from '@opentelemetry/api';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { opt, validateOptions, type OptionsErrorFactory, type Shape } from '@sightline/core/internal';
import { OtelConfigError } from '../errors.js';
import { parseObservabilityLevel, type ObservabilityLevel } from '../levels.js';
import { normaliseEndpoint, portWarning } from './endpoint.js';
import { parseKeyValueList } from './key-value-list.js';
import {
  OTLP_PROTOCOLS,
  PROPAGATOR_NAMES,
  readOtelEnv,
  SIGNALS,
  type BatchEnv,
  type Compression,
  type ExporterName,
  type LogRecordLimitsEnv,
  type OtlpProtocol,
  type PropagatorName,
  type SamplerEnv,
  type Signal,
  type SpanLimitsEnv,
} from './otel-env.js';

export type { OtlpProtocol, PropagatorName } from './otel-env.js';
export { OTLP_PROTOCOLS } from './otel-env.js';

/** The status a scope's span gets when its function succeeds. */
export type SuccessStatus = 'unset' | 'ok';

/**
 * Options of `OpenTelemetry.configure()` and the `otel()` plugin; each falls back to its `OTEL_*` variable,
 * then to its default.
 */
export interface OpenTelemetryOptions {
  /** `service.name`; falls back to `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly service?: string;
  /** `service.version`. */
  readonly version?: string;
  /** `deployment.environment.name`, e.g. `production`. */
  readonly environment?: string;
  /** OTLP endpoint (falls back to `OTEL_EXPORTER_OTLP_ENDPOINT`); without one, telemetry goes to the logger. */
  readonly otlpEndpoint?: string;
  /** Falls back to `OTEL_EXPORTER_OTLP_PROTOCOL`; default `http/protobuf`. */
  readonly protocol?: OtlpProtocol;
  /** Scheme for an endpoint given without one: `http://` when true (default), `https://` when false. */
  readonly insecure?: boolean;
  /** Sent with every export; falls back to `OTEL_EXPORTER_OTLP_HEADERS`. Never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Metrics export interval; falls back to `OTEL_METRIC_EXPORT_INTERVAL`, default 60000 (the specification's). */
  readonly exportIntervalMillis?: number;
  /** More resource attributes, on top of `OTEL_RESOURCE_ATTRIBUTES`; `undefined` / `null` values are skipped. */
  readonly attributes?: Readonly<Record<string, AttributeValue | null | undefined>>;
  /** Host, OS, process, runtime and `service.instance.id` from the SDK's detectors; default true. */
  readonly resourceDetectors?: boolean;
  /** Falls back to `OTEL_PROPAGATORS`, default `['tracecontext', 'baggage']`; `b3` / `b3multi` need `@opentelemetry/propagator-b3`. */
  readonly propagators?: readonly PropagatorName[];
  /** Status of a scope's span when its function succeeds: `'unset'` (default, as the SDK does) or `'ok'` (as the seed did). */
  readonly successStatus?: SuccessStatus;
  /** HTTP server and client spans and duration metrics from Node's diagnostics channels; default true. */
  readonly http?: boolean;
  /** Level of scopes started outside any `observability().scope()`; default `info`. */
  readonly level?: ObservabilityLevel;
  /**
   * One deadline for `shutdown()` (and `flush()`), covering every signal's flush and export; default
   * 5000 ms, well inside Kubernetes' 30 s grace period. What is still pending then is abandoned,
   * counted as dropped and logged.
   */
  readonly shutdownTimeoutMillis?: number;
  /** Replaces the console or OTLP span exporter (still batched). */
  readonly spanExporter?: SpanExporter;
  /** Replaces the span processor entirely (e.g. a SimpleSpanProcessor over an in-memory exporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Replaces the console or OTLP metric exporter (still read every `exportIntervalMillis`). */
  readonly metricExporter?: PushMetricExporter;
  /** Replaces the periodic reader entirely. */
  readonly metricReaders?: readonly IMetricReader[];
  /** Replaces the console or OTLP log record exporter (still batched). */
  readonly logRecordExporter?: LogRecordExporter;
  /** Replaces the log record processor entirely. */
  readonly logRecordProcessors?: readonly LogRecordProcessor[];
}

/** Where one signal's OTLP exporter sends, resolved from options, then OTEL_* variables, then defaults. */
export interface OtlpTarget {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number | undefined;
  readonly compression: Compression | undefined;
}

export interface ResolvedOptions {
  readonly service: string;
  readonly version: string | undefined;
  readonly environment: string | undefined;
  /** `OTEL_SDK_DISABLED=true`: nothing is set up or exported; scopes still run. */
  readonly disabled: boolean;
  /** Level of the SDK's own diagnostics (`OTEL_LOG_LEVEL`), default WARN. */
  readonly logLevel: DiagLogLevel;
  /** The exporters of each signal: `otlp`, `console` (the `sightline.otel` logger) or none. */
  readonly exporters: Readonly<Record<Signal, readonly ExporterName[]>>;
  /** Set for each signal whose exporters include `otlp`. */
  readonly otlp: Readonly<Partial<Record<Signal, OtlpTarget>>>;
  readonly propagators: readonly PropagatorName[];
  readonly exportIntervalMillis: number;
  readonly exportTimeoutMillis: number;
  readonly shutdownTimeoutMillis: number;
  readonly bsp: BatchEnv;
  readonly blrp: BatchEnv;
  readonly spanLimits: SpanLimitsEnv;
  readonly logRecordLimits: LogRecordLimitsEnv;
  readonly sampler: SamplerEnv | undefined;
  /** The detectors to run: any of env, host, os, process, serviceinstance. */
  readonly resourceDetectors: readonly string[];
  readonly successStatus: SuccessStatus;
  readonly http: boolean;
  /** OTEL_RESOURCE_ATTRIBUTES, then `attributes`; service.* and deployment.* are added by the resource. */
  readonly resourceAttributes: Readonly<Record<string, AttributeValue>>;
  readonly level: ObservabilityLevel;
  readonly spanExporter: SpanExporter | undefined;
  readonly spanProcessors: readonly SpanProcessor[] | undefined;
  readonly metricExporter: PushMetricExporter | undefined;
  readonly metricReaders: readonly IMetricReader[] | undefined;
  readonly logRecordExporter: LogRecordExporter | undefined;
  readonly logRecordProcessors: readonly LogRecordProcessor[] | undefined;
  /** Problems with OTEL_* variables: reported once at configure, then ignored. */
  readonly warnings: readonly string[];
}

/** What `configure()` and `otel()` accept, checked by core's one rule before the cross-option checks. */
export const OPENTELEMETRY_SHAPE: Shape = Object.freeze({
  service: opt.string({ nonEmpty: true }),
  version: opt.string({ nonEmpty: true }),
  environment: opt.string({ nonEmpty: true }),
  otlpEndpoint: opt.string({ nonEmpty: true, expected: 'a URL such as "http://collector:4318"' }),
  protocol: opt.enum(OTLP_PROTOCOLS),
  insecure: opt.boolean(),
  // Header values may be secrets: named, never echoed.
  headers: opt.record(opt.string({ secret: true })),
  exportIntervalMillis: opt.integer({ min: 1 }),
  shutdownTimeoutMillis: opt.integer({ min: 1 }),
  // Values that are null or undefined (the seed's unset os.environ.get(...)) are removed before this check.
  attributes: opt.record(
    opt.any({ check: (v: unknown) => (isAttributeValue(v) ? undefined : 'expected a string, finite number, boolean or an array of them') }),
  ),
  resourceDetectors: opt.boolean(),
  propagators: opt.array(opt.enum(PROPAGATOR_NAMES)),
  successStatus: opt.enum(['unset', 'ok']),
  http: opt.boolean(),
  level: opt.string(),
  spanExporter: opt.any({ env: false }),
  spanProcessors: opt.array(opt.any(), { env: false }),
  metricExporter: opt.any({ env: false }),
  metricReaders: opt.array(opt.any(), { env: false }),
  logRecordExporter: opt.any({ env: false }),
  logRecordProcessors: opt.array(opt.any(), { env: false }),
});

const otelError: OptionsErrorFactory = (message, details) => new OtelConfigError(message, details);

export const DEFAULT_EXPORT_INTERVAL_MILLIS = 60_000;
export const DEFAULT_EXPORT_TIMEOUT_MILLIS = 30_000;
/** shutdown() and flush() give up after this long: well inside Kubernetes' default 30 s grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5_000;
const DEFAULT_PROPAGATORS: readonly PropagatorName[] = Object.freeze(['tracecontext', 'baggage']);
const ALL_DETECTORS: readonly string[] = Object.freeze(['env', 'host', 'os', 'process', 'serviceinstance']);
const DEFAULT_ENDPOINTS: Readonly<Record<OtlpProtocol, string>> = {
  'http/protobuf': 'http://localhost:4318',
  'http/json': 'http://localhost:4318',
  grpc: 'http://localhost:4317',
};

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function optionalString(options: OpenTelemetryOptions, key: 'service' | 'version' | 'environment'): string | undefined {
  const value: unknown = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OtelConfigError(`Invalid ${key} ${JSON.stringify(value)}: expected a non-empty string`);
  }
  return value;
}

/** The options with unset (null / undefined) attribute values dropped: absent, not an error. */
function withoutUnsetAttributes(options: OpenTelemetryOptions): OpenTelemetryOptions {
  const attributes = options.attributes;
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return options;
  if (!Object.values(attributes).some((v) => v === undefined || v === null)) return options;
  return { ...options, attributes: Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined && v !== null)) };
}

function isAttributeValue(value: unknown): value is AttributeValue {
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return Number.isFinite(value);
  if (!Array.isArray(value)) return false;
  return value.every((v) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v));
}

function validateInjection(options: OpenTelemetryOptions, single: keyof OpenTelemetryOptions, many: keyof OpenTelemetryOptions): void {
  if (options[single] !== undefined && options[many] !== undefined) {
    throw new OtelConfigError(`Pass either ${single} or ${many}, not both: ${many} replaces the processor that would carry ${single}`);
  }
  const list = options[many];
  if (list !== undefined && !Array.isArray(list)) {
    throw new OtelConfigError(`Invalid ${many}: expected an array, got ${typeof list}`);
  }
}

function signalUrl(base: string, protocol: OtlpProtocol, signal: Signal): string {
  return protocol === 'grpc' ? base : `${base}/v1/${signal}`;
}

export function resolveOptions(
  options: OpenTelemetryOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  source = 'OpenTelemetry.configure()',
): ResolvedOptions {
  options = withoutUnsetAttributes(options);
  validateOptions(OPENTELEMETRY_SHAPE, options, { source, error: otelError });
  const otelEnv = withEnv(env, readOtelEnv);
  const warnings: string[] = [...otelEnv.warnings];

  const envResource = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES');
  warnings.push(...envResource.problems);

  const service = optionalString(options, 'service') ?? nonEmpty(env, 'OTEL_SERVICE_NAME') ?? envResource.values['service.name'];
  if (!service) {
    throw new OtelConfigError(
      'service is required: pass { service: "my-service" } or set OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES)',
    );
  }
  const version = optionalString(options, 'version');
  const environment = optionalString(options, 'environment');

  const insecure = options.insecure ?? true;
  const codeHeaders = options.headers === undefined ? undefined : Object.freeze({ ...options.headers });

  // Per signal: exporters, then (for otlp) protocol, endpoint and headers. Code wins over the
  // signal's own OTEL_* variable, which wins over the generic one, which wins over the default.
  const exporters = {} as Record<Signal, readonly ExporterName[]>;
  const otlp: Partial<Record<Signal, OtlpTarget>> = {};
  for (const signal of SIGNALS) {
    const own = otelEnv.otlp[signal];
    const hasEndpoint = options.otlpEndpoint !== undefined || own.signalEndpoint !== undefined || otelEnv.endpoint !== undefined;
    const names = otelEnv.exporters[signal] ?? [hasEndpoint ? 'otlp' : 'console'];
    exporters[signal] = names.includes('none') ? Object.freeze([]) : names;
    if (!exporters[signal].includes('otlp')) continue;
    const protocol: OtlpProtocol = options.protocol ?? own.protocol ?? otelEnv.protocol ?? 'http/protobuf';
    let base: string;
    let source: string;
    if (options.otlpEndpoint !== undefined) {
      source = 'otlpEndpoint';
      base = normaliseEndpoint(options.otlpEndpoint, protocol, insecure, source);
    } else if (own.signalEndpoint !== undefined) {
      source = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
      base = normaliseEndpoint(own.signalEndpoint, protocol, insecure, source);
    } else if (otelEnv.endpoint !== undefined) {
      source = 'OTEL_EXPORTER_OTLP_ENDPOINT';
      base = normaliseEndpoint(otelEnv.endpoint, protocol, insecure, source);
    } else {
      source = 'the default endpoint';
      base = DEFAULT_ENDPOINTS[protocol];
    }
    // A signal's own endpoint is used as is; the others get the signal's path over HTTP.
    const url = source.endsWith('_ENDPOINT') && source !== 'OTEL_EXPORTER_OTLP_ENDPOINT' ? base : signalUrl(base, protocol, signal);
    const warning = portWarning(base, protocol, source);
    if (warning !== undefined && !warnings.includes(warning)) warnings.push(warning);
    otlp[signal] = Object.freeze({
      url,
      protocol,
      // As the SDK's exporters do: the signal's own headers over the generic ones, key by key.
      headers: codeHeaders ?? Object.freeze({ ...otelEnv.headers, ...own.headers }),
      timeoutMillis: own.timeoutMillis,
      compression: own.compression,
    });
  }

  const exportIntervalMillis = options.exportIntervalMillis ?? otelEnv.metricExportIntervalMillis ?? DEFAULT_EXPORT_INTERVAL_MILLIS;
  // The SDK refuses a timeout longer than the interval.
  const exportTimeoutMillis = Math.min(otelEnv.metricExportTimeoutMillis ?? DEFAULT_EXPORT_TIMEOUT_MILLIS, exportIntervalMillis);

  const resourceAttributes: Record<string, AttributeValue> = { ...envResource.values };
  for (const [key, value] of Object.entries(options.attributes ?? {})) {
    if (value !== undefined && value !== null) resourceAttributes[key] = value;
  }

  let resourceDetectors: readonly string[];
  if (options.resourceDetectors === false) resourceDetectors = [];
  else if (options.resourceDetectors === true || otelEnv.resourceDetectors === undefined) resourceDetectors = ALL_DETECTORS;
  else if (otelEnv.resourceDetectors.includes('all')) resourceDetectors = ALL_DETECTORS;
  else {
    resourceDetectors = otelEnv.resourceDetectors.filter((d) => ALL_DETECTORS.includes(d));
    const unknown = otelEnv.resourceDetectors.filter((d) => d !== 'none' && !ALL_DETECTORS.includes(d));
    if (unknown.length > 0) {
      warnings.push(
        `OTEL_NODE_RESOURCE_DETECTORS: ${unknown.join(', ')} not available here; known: all, none, ${ALL_DETECTORS.join(', ')}`,
      );
    }
  }

  let propagators = options.propagators ? Object.freeze([...options.propagators]) : (otelEnv.propagators ?? DEFAULT_PROPAGATORS);
  if (propagators.includes('none')) propagators = Object.freeze([]);

  const level = options.level === undefined ? 'info' : parseObservabilityLevel(options.level, 'level');

  validateInjection(options, 'spanExporter', 'spanProcessors');
  validateInjection(options, 'metricExporter', 'metricReaders');
  validateInjection(options, 'logRecordExporter', 'logRecordProcessors');

  return Object.freeze({
    service,
    version,
    environment,
    disabled: otelEnv.sdkDisabled,
    logLevel: otelEnv.logLevel ?? DiagLogLevel.WARN,
    exporters: Object.freeze(exporters),
    otlp: Object.freeze(otlp),
    propagators,
    exportIntervalMillis,
    exportTimeoutMillis,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    bsp: otelEnv.bsp,
    blrp: otelEnv.blrp,
    spanLimits: otelEnv.spanLimits,
    logRecordLimits: otelEnv.logRecordLimits,
    sampler: otelEnv.sampler,
    resourceDetectors,
    successStatus: options.successStatus ?? 'unset',
    http: options.http ?? true,
    resourceAttributes: Object.freeze(resourceAttributes),
    level,
    spanExporter: options.spanExporter,
    spanProcessors: options.spanProcessors,
    metricExporter: options.metricExporter,
    metricReaders: options.metricReaders,
    logRecordExporter: options.logRecordExporter,
    logRecordProcessors: options.logRecordProcessors,
    warnings: Object.freeze(warnings),
  });
}

/**
 * The SDK's environment helpers read `process.env`; an explicit `env` (tests, the setup plugin's
 * dry run) is lent to them for the duration of the synchronous read.
 */
function withEnv<T>(env: NodeJS.ProcessEnv, read: () => T): T {
  if (env === process.env) return read();
  const saved = process.env;
  process.env = env;
  try {
    return read();
  } finally {
    process.env = saved;
  }
}
