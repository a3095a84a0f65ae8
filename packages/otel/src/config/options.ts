// What OpenTelemetry.configure() accepts, and its resolution against the OTEL_* environment:
// validated once, defaults in one place, explicit options winning over the environment.
import type { AttributeValue } from '@opentelemetry/api';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { opt, validateOptions, type OptionsErrorFactory, type Shape } from '@sightline/core';
import { OtelConfigError } from '../errors.js';
import { parseObservabilityLevel, type ObservabilityLevel } from '../levels.js';
import { parseKeyValueList } from './key-value-list.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = Object.freeze(['http/protobuf', 'http/json', 'grpc']);

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
  /** Metrics export interval; falls back to `OTEL_METRIC_EXPORT_INTERVAL`, default 5000. */
  readonly exportIntervalMillis?: number;
  /** More resource attributes, on top of `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  /** Level of scopes started outside any `observability().scope()`; default `info`. */
  readonly level?: ObservabilityLevel;
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

export interface ResolvedOptions {
  readonly service: string;
  readonly version: string | undefined;
  readonly environment: string | undefined;
  /** Normalised base URL of the collector, or undefined for console mode. */
  readonly endpoint: string | undefined;
  /** Where the endpoint came from: a signal-specific OTEL_* variable then still wins over it. */
  readonly endpointFromEnv: boolean;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly exportIntervalMillis: number;
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
  attributes: opt.record(opt.any({ check: (v: unknown) => (isAttributeValue(v) ? undefined : 'expected a string, finite number, boolean or an array of them') })),
  level: opt.string(),
  spanExporter: opt.any({ env: false }),
  spanProcessors: opt.array(opt.any(), { env: false }),
  metricExporter: opt.any({ env: false }),
  metricReaders: opt.array(opt.any(), { env: false }),
  logRecordExporter: opt.any({ env: false }),
  logRecordProcessors: opt.array(opt.any(), { env: false }),
});

const otelError: OptionsErrorFactory = (message, details) => new OtelConfigError(message, details);

const DEFAULT_PORTS: Readonly<Record<OtlpProtocol, string>> = { 'http/protobuf': '4318', 'http/json': '4318', grpc: '4317' };

export const DEFAULT_EXPORT_INTERVAL_MILLIS = 5000;

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

/**
 * Normalises an endpoint to a base URL. `collector` and `collector:4318` (no scheme) get `http://` or
 * `https://` from `insecure` and the protocol's default port when none is given; a full URL is kept.
 */
export function normaliseEndpoint(raw: string, protocol: OtlpProtocol, insecure: boolean, source: string): string {
  const text = raw.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `${insecure ? 'http' : 'https'}://${text}`);
  } catch {
    throw new OtelConfigError(
      `Invalid ${source} ${JSON.stringify(raw)}: expected a URL such as "http://collector:${DEFAULT_PORTS[protocol]}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OtelConfigError(`Invalid ${source} ${JSON.stringify(raw)}: expected an http:// or https:// URL`);
  }
  if (!hasScheme && url.port === '') url.port = DEFAULT_PORTS[protocol];
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

export function resolveOptions(
  options: OpenTelemetryOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  source = 'OpenTelemetry.configure()',
): ResolvedOptions {
  validateOptions(OPENTELEMETRY_SHAPE, options, { source, error: otelError });
  const warnings: string[] = [];

  const envResource = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES');
  warnings.push(...envResource.problems);

  const service =
    optionalString(options, 'service') ?? nonEmpty(env, 'OTEL_SERVICE_NAME') ?? envResource.values['service.name'];
  if (!service) {
    throw new OtelConfigError(
      'service is required: pass { service: "my-service" } or set OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES)',
    );
  }
  const version = optionalString(options, 'version');
  const environment = optionalString(options, 'environment');

  let protocol: OtlpProtocol;
  if (options.protocol !== undefined) {
    if (!OTLP_PROTOCOLS.includes(options.protocol)) {
      throw new OtelConfigError(`Invalid protocol ${JSON.stringify(options.protocol)}: expected one of ${OTLP_PROTOCOLS.join(', ')}`);
    }
    protocol = options.protocol;
  } else {
    const fromEnv = nonEmpty(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
    if (fromEnv !== undefined && !OTLP_PROTOCOLS.includes(fromEnv as OtlpProtocol)) {
      throw new OtelConfigError(
        `Invalid OTEL_EXPORTER_OTLP_PROTOCOL ${JSON.stringify(fromEnv)}: expected one of ${OTLP_PROTOCOLS.join(', ')}`,
      );
    }
    protocol = (fromEnv as OtlpProtocol | undefined) ?? 'http/protobuf';
  }

  if (options.insecure !== undefined && typeof options.insecure !== 'boolean') {
    throw new OtelConfigError(`Invalid insecure ${JSON.stringify(options.insecure)}: expected true or false`);
  }
  const insecure = options.insecure ?? true;

  let endpoint: string | undefined;
  let endpointFromEnv = false;
  if (options.otlpEndpoint !== undefined) {
    if (typeof options.otlpEndpoint !== 'string' || options.otlpEndpoint.trim() === '') {
      throw new OtelConfigError(`Invalid otlpEndpoint ${JSON.stringify(options.otlpEndpoint)}: expected a URL such as "http://collector:4318"`);
    }
    endpoint = normaliseEndpoint(options.otlpEndpoint, protocol, insecure, 'otlpEndpoint');
  } else {
    const fromEnv = nonEmpty(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    if (fromEnv !== undefined) {
      endpoint = normaliseEndpoint(fromEnv, protocol, insecure, 'OTEL_EXPORTER_OTLP_ENDPOINT');
      endpointFromEnv = true;
    }
  }

  let headers: Readonly<Record<string, string>>;
  if (options.headers !== undefined) {
    if (options.headers === null || typeof options.headers !== 'object' || Array.isArray(options.headers)) {
      throw new OtelConfigError('Invalid headers: expected an object of header name to string value');
    }
    for (const [name, value] of Object.entries(options.headers)) {
      // The value may be a secret: name the header, never the value.
      if (typeof value !== 'string') throw new OtelConfigError(`Invalid header ${JSON.stringify(name)}: expected a string value`);
    }
    headers = Object.freeze({ ...options.headers });
  } else {
    const parsed = parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS');
    warnings.push(...parsed.problems);
    headers = Object.freeze({ ...parsed.values });
  }

  let exportIntervalMillis = DEFAULT_EXPORT_INTERVAL_MILLIS;
  if (options.exportIntervalMillis !== undefined) {
    if (!Number.isInteger(options.exportIntervalMillis) || options.exportIntervalMillis <= 0) {
      throw new OtelConfigError(`Invalid exportIntervalMillis ${JSON.stringify(options.exportIntervalMillis)}: expected a positive integer`);
    }
    exportIntervalMillis = options.exportIntervalMillis;
  } else {
    const fromEnv = nonEmpty(env, 'OTEL_METRIC_EXPORT_INTERVAL');
    if (fromEnv !== undefined) {
      const n = Number(fromEnv);
      if (Number.isInteger(n) && n > 0) exportIntervalMillis = n;
      else warnings.push(`OTEL_METRIC_EXPORT_INTERVAL ${JSON.stringify(fromEnv)} is not a positive integer; using ${exportIntervalMillis}`);
    }
  }

  const resourceAttributes: Record<string, AttributeValue> = { ...envResource.values };
  if (options.attributes !== undefined) {
    if (options.attributes === null || typeof options.attributes !== 'object' || Array.isArray(options.attributes)) {
      throw new OtelConfigError('Invalid attributes: expected an object of attribute name to string, number, boolean or array');
    }
    for (const [key, value] of Object.entries(options.attributes)) {
      if (!isAttributeValue(value)) {
        throw new OtelConfigError(
          `Invalid resource attribute ${JSON.stringify(key)}: expected a string, finite number, boolean or an array of them`,
        );
      }
      resourceAttributes[key] = value;
    }
  }

  const level = options.level === undefined ? 'info' : parseObservabilityLevel(options.level, 'level');

  validateInjection(options, 'spanExporter', 'spanProcessors');
  validateInjection(options, 'metricExporter', 'metricReaders');
  validateInjection(options, 'logRecordExporter', 'logRecordProcessors');

  return Object.freeze({
    service,
    version,
    environment,
    endpoint,
    endpointFromEnv,
    protocol,
    headers,
    exportIntervalMillis,
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
