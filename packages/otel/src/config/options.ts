// What OpenTelemetry.configure() and otel() accept, declared once (type, default, doc line), and
// what configure() sets up from it: options in code win over the OTEL_* environment, which wins
// over the defaults the shape declares.
import type { AttributeValue, DiagLogLevel } from '@opentelemetry/api';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  defineShape,
  isPlainObject,
  mergeOptions,
  opt,
  resolveOptions,
  validateOptions,
  type Env,
  type OptionsErrorFactory,
  type OptionsOf,
  type ResolvedOf,
} from '@sightline/core/internal';
import { OtelConfigError } from '../errors.js';
import { OBSERVABILITY_LEVELS } from '../levels.js';
import { DEFAULT_REDACTED_QUERY_PARAMS } from '../http/url-redaction.js';
import { missingGrpcPackages } from '../exporters/grpc-exporters.js';
import { otlpTargets, type OtlpTarget } from './otlp-targets.js';
import {
  OTLP_PROTOCOLS,
  PROPAGATOR_NAMES,
  readOtelEnv,
  type BatchEnv,
  type ExporterName,
  type LogRecordLimitsEnv,
  type OtelEnv,
  type SamplerEnv,
  type Signal,
  type SpanLimitsEnv,
} from './otel-env.js';

export type { OtlpProtocol, PropagatorName } from './otel-env.js';

/** The status a scope's span gets when its function succeeds. */
export type SuccessStatus = 'unset' | 'ok';

/** A resource attribute as given: `undefined` and `null` mean "not set" and are skipped. */
type GivenAttribute = AttributeValue | null | undefined;

function isAttributeValue(value: unknown): value is AttributeValue {
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return Number.isFinite(value);
  if (!Array.isArray(value)) return false;
  return value.every((v) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v));
}

const injected = { env: false } as const;

/** What `configure()` and `otel()` accept: each option's type, default and doc line. */
export const OPENTELEMETRY_SHAPE = defineShape({
  service: opt.string({
    nonEmpty: true,
    defaultText: '`OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`; required',
    doc: '`service.name` of every span, metric and log record.',
  }),
  version: opt.string({ nonEmpty: true, doc: '`service.version`.' }),
  environment: opt.string({ nonEmpty: true, doc: '`deployment.environment.name`, e.g. `production`.' }),
  otlpEndpoint: opt.string({
    nonEmpty: true,
    expected: 'a URL such as "http://collector:4318"',
    defaultText: '`OTEL_EXPORTER_OTLP_ENDPOINT`; none: telemetry goes to the `sightline.otel` logger',
    doc:
      'Collector URL. `collector` or `collector:4318` (no scheme) get `http://` (`https://` when `insecure: false`) and the ' +
      "protocol's port, 4318 for HTTP, 4317 for gRPC. HTTP exports go to `<endpoint>/v1/traces`, `/v1/metrics`, `/v1/logs`.",
  }),
  protocol: opt.enum(OTLP_PROTOCOLS, {
    default: 'http/protobuf',
    defaultText: '`OTEL_EXPORTER_OTLP_PROTOCOL`, else `"http/protobuf"`',
    doc: 'How the OTLP exporters send; `grpc` and `http/json` need their optional exporter packages.',
  }),
  insecure: opt.boolean({ default: true, doc: 'Scheme for an endpoint given without one: `http://` when true, `https://` when false.' }),
  // Header values may be secrets: named in messages, never echoed.
  headers: opt.record(opt.string({ secret: true }), {
    defaultText: '`OTEL_EXPORTER_OTLP_HEADERS`',
    doc: 'Sent with every export (gRPC: as metadata); never logged.',
  }),
  exportIntervalMs: opt.integer({
    min: 1,
    // The seed's default; the specification's is 60000, which OTEL_METRIC_EXPORT_INTERVAL can restore.
    default: 5_000,
    defaultText: "`OTEL_METRIC_EXPORT_INTERVAL`, else `5000` (the specification's is 60000)",
    doc: 'Milliseconds between metric exports.',
  }),
  shutdownTimeoutMs: opt.integer({
    min: 1,
    default: 5_000,
    doc:
      "One deadline for `close()` (and `flush()`) covering every signal's flush and export, well inside Kubernetes' default 30 s " +
      'grace period; what is still pending then is abandoned, counted as dropped and logged.',
  }),
  attributes: opt.record(
    opt.any<GivenAttribute>({
      check: (v: unknown) => (isAttributeValue(v) ? undefined : 'expected a string, finite number, boolean or an array of them'),
    }),
    {
      expected: 'an object of attribute values (strings, finite numbers, booleans or arrays of them)',
      defaultText: 'merged over `OTEL_RESOURCE_ATTRIBUTES`',
      doc:
        'More resource attributes (`service.namespace`, `team`...); `undefined` / `null` values are skipped. ' +
        'Through `setupFromEnv()`, one `SIGHTLINE_OTEL_ATTRIBUTES__<KEY>` variable per key.',
    },
  ),
  resourceDetectors: opt.boolean({
    defaultText: '`OTEL_NODE_RESOURCE_DETECTORS`, else all',
    doc: "`false` turns off the SDK's detectors (host, OS, process and runtime, `OTEL_RESOURCE_ATTRIBUTES`, `service.instance.id`).",
  }),
  propagators: opt.array(opt.enum(PROPAGATOR_NAMES), {
    default: ['tracecontext', 'baggage'],
    defaultText: '`OTEL_PROPAGATORS`, else `["tracecontext","baggage"]`',
    doc: 'Context propagators; `b3` and `b3multi` need `@opentelemetry/propagator-b3`, `none` turns propagation off.',
  }),
  successStatus: opt.enum(['unset', 'ok'] as const, {
    default: 'unset',
    doc: "Status of a scope's span when its function succeeds: `unset`, as the SDK's instrumentations leave it, or `ok`.",
  }),
  http: opt.boolean({ default: true, doc: "HTTP server and client spans and duration histograms from Node's diagnostics channels." }),
  exposeMetrics: opt.boolean({
    default: true,
    doc:
      "`otel()` only: what any OpenTelemetry meter records (the app's, instrumentation libraries', the HTTP metrics) joins " +
      "setup()'s `/metrics` and the status page, named as the OpenTelemetry Prometheus exporter names it. `false` leaves it to OTLP.",
  }),
  exposeHookMetrics: opt.boolean({
    default: false,
    doc:
      '`otel()` only: also expose the instruments `otelHooks()` records (`sightline.request.*`, `sightline.ws.*`, meter ' +
      '`@sightline/otel/hooks`) on `/metrics`; off because `prometheus()` records the same hooks under its own names.',
  }),
  redactQueryParams: opt.array(opt.string(), {
    default: DEFAULT_REDACTED_QUERY_PARAMS,
    defaultText: '`DEFAULT_REDACTED_QUERY_PARAMS`',
    doc:
      'Query parameters whose values HTTP spans record as `REDACTED` in `url.query` and `url.full` (any case); credentials in a URL ' +
      "always are, and so is `token`, the parameter Sightline's own pages read. `[]` keeps every other value.",
  }),
  level: opt.enum(OBSERVABILITY_LEVELS, { default: 'info', doc: 'Level of scopes started outside any `observability().scope()`.' }),
  spanExporter: opt.any<SpanExporter>({
    ...injected,
    expected: 'a SpanExporter',
    doc: 'Replaces the console or OTLP span exporter (still batched).',
  }),
  spanProcessors: opt.array(opt.any<SpanProcessor>(), {
    ...injected,
    expected: 'an array of SpanProcessors',
    doc: 'Replaces the span processors entirely (tests: a `SimpleSpanProcessor` over an `InMemorySpanExporter`).',
  }),
  metricExporter: opt.any<PushMetricExporter>({
    ...injected,
    expected: 'a PushMetricExporter',
    doc: 'Replaces the console or OTLP metric exporter (still periodic).',
  }),
  metricReaders: opt.array(opt.any<IMetricReader>(), {
    ...injected,
    expected: 'an array of MetricReaders',
    doc: 'Replaces the periodic metric reader entirely.',
  }),
  logRecordExporter: opt.any<LogRecordExporter>({
    ...injected,
    expected: 'a LogRecordExporter',
    doc: 'Replaces the console or OTLP log record exporter (still batched).',
  }),
  logRecordProcessors: opt.array(opt.any<LogRecordProcessor>(), {
    ...injected,
    expected: 'an array of LogRecordProcessors',
    doc: 'Replaces the log record processors entirely.',
  }),
});

/**
 * Options of `OpenTelemetry.configure()` and the `otel()` plugin; each falls back to its `OTEL_*` variable,
 * then to its default.
 */
export type OpenTelemetryOptions = OptionsOf<typeof OPENTELEMETRY_SHAPE>;

/** The options with their `OTEL_*` fallbacks and defaults applied. */
type Resolved = ResolvedOf<typeof OPENTELEMETRY_SHAPE>;

/** What `configure()` sets up: the resolved options, and what the `OTEL_*` environment adds to them. */
export type OtelSettings = Resolved & {
  readonly service: string;
  /** `OTEL_SDK_DISABLED=true`: nothing is set up or exported; scopes still run. */
  readonly disabled: boolean;
  /** Level of the SDK's own diagnostics (`OTEL_LOG_LEVEL`), default WARN. */
  readonly logLevel: DiagLogLevel | undefined;
  /** The exporters of each signal: `otlp`, `console` (the `sightline.otel` logger) or none. */
  readonly exporters: Readonly<Record<Signal, readonly ExporterName[]>>;
  /** Set for each signal whose exporters include `otlp`. */
  readonly otlp: Readonly<Partial<Record<Signal, OtlpTarget>>>;
  /** How long the metric reader waits for one export: `OTEL_METRIC_EXPORT_TIMEOUT`, at most the interval. */
  readonly exportTimeoutMs: number;
  readonly bsp: BatchEnv;
  readonly blrp: BatchEnv;
  readonly spanLimits: SpanLimitsEnv;
  readonly logRecordLimits: LogRecordLimitsEnv;
  readonly sampler: SamplerEnv | undefined;
  /** The detectors to run: any of env, host, os, process, serviceinstance. */
  readonly detectors: readonly string[];
  /** `OTEL_RESOURCE_ATTRIBUTES`, then `attributes`; service.* and deployment.* are added by the resource. */
  readonly resourceAttributes: Readonly<Record<string, AttributeValue>>;
  /** Problems with OTEL_* variables: reported once at configure, then ignored. */
  readonly warnings: readonly string[];
};

/** The metric reader's export timeout when `OTEL_METRIC_EXPORT_TIMEOUT` is not set (the specification's). */
const SPEC_METRIC_EXPORT_TIMEOUT_MS = 30_000;
const ALL_DETECTORS: readonly string[] = Object.freeze(['env', 'host', 'os', 'process', 'serviceinstance']);

/** The options with unset (null / undefined) attribute values dropped: absent, not an error. */
function withoutUnsetAttributes(options: OpenTelemetryOptions): OpenTelemetryOptions {
  const attributes: unknown = options.attributes;
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return options;
  const values = Object.entries(attributes as Record<string, unknown>);
  if (!values.some(([, v]) => v === undefined || v === null)) return options;
  return {
    ...options,
    attributes: Object.fromEntries(values.filter(([, v]) => v !== undefined && v !== null)) as Record<string, AttributeValue>,
  };
}

/** The options the OTEL_* environment gives, for the layer between code and the defaults. */
function optionsFromEnv(otelEnv: OtelEnv): OpenTelemetryOptions {
  const fromEnv: { -readonly [K in keyof OpenTelemetryOptions]: OpenTelemetryOptions[K] } = {};
  const service = otelEnv.serviceName || otelEnv.resourceAttributes['service.name'];
  if (service) fromEnv.service = service;
  if (otelEnv.protocol !== undefined) fromEnv.protocol = otelEnv.protocol;
  if (otelEnv.metricExportIntervalMs !== undefined) fromEnv.exportIntervalMs = otelEnv.metricExportIntervalMs;
  if (otelEnv.propagators !== undefined) fromEnv.propagators = otelEnv.propagators;
  return fromEnv;
}

function detectorsOf(option: boolean | undefined, named: readonly string[] | undefined, warnings: string[]): readonly string[] {
  if (option === false) return Object.freeze([]);
  if (option === true || named === undefined || named.includes('all')) return ALL_DETECTORS;
  const unknown = named.filter((d) => d !== 'none' && !ALL_DETECTORS.includes(d));
  if (unknown.length > 0) {
    warnings.push(`OTEL_NODE_RESOURCE_DETECTORS: ${unknown.join(', ')} not available here; known: all, none, ${ALL_DETECTORS.join(', ')}`);
  }
  return Object.freeze(named.filter((d) => ALL_DETECTORS.includes(d)));
}

/** An exporter and the processors that would carry it cannot both be given. */
function checkInjection(options: OpenTelemetryOptions, single: keyof OpenTelemetryOptions, many: keyof OpenTelemetryOptions): void {
  if (options[single] !== undefined && options[many] !== undefined) {
    throw new OtelConfigError(`Pass either ${single} or ${many}, not both: ${many} replaces the processor that would carry ${single}`);
  }
}

/**
 * What `configure()` sets up from `options` and the OTEL_* variables of `env` (read from it alone:
 * `process.env` is neither read nor changed unless it is the `env` given).
 */
export function resolveSettings(
  options: OpenTelemetryOptions = {},
  env: Env = process.env,
  source = 'OpenTelemetry.configure()',
  missingGrpc: () => readonly string[] = missingGrpcPackages,
): OtelSettings {
  const context = { source, error: otelError };
  // Anything but an options object is refused as it is, before it is laid over the environment.
  if (!isPlainObject(options)) validateOptions(OPENTELEMETRY_SHAPE, options, context);
  const code = withoutUnsetAttributes(options);
  const otelEnv = readOtelEnv(env);
  const resolved = resolveOptions(OPENTELEMETRY_SHAPE, mergeOptions(code, optionsFromEnv(otelEnv)) as OpenTelemetryOptions, context);
  if (resolved.service === undefined) {
    throw new OtelConfigError(
      'service is required: pass { service: "my-service" } or set OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES)',
    );
  }
  checkInjection(code, 'spanExporter', 'spanProcessors');
  checkInjection(code, 'metricExporter', 'metricReaders');
  checkInjection(code, 'logRecordExporter', 'logRecordProcessors');

  const warnings = [...otelEnv.warnings];
  const { exporters, otlp } = otlpTargets(resolved, code.protocol !== undefined, otelEnv, warnings, missingGrpc);
  return Object.freeze({
    ...resolved,
    service: resolved.service,
    disabled: otelEnv.sdkDisabled,
    logLevel: otelEnv.logLevel,
    exporters,
    otlp,
    // The SDK refuses a timeout longer than the interval.
    exportTimeoutMs: Math.min(otelEnv.metricExportTimeoutMs ?? SPEC_METRIC_EXPORT_TIMEOUT_MS, resolved.exportIntervalMs),
    bsp: otelEnv.bsp,
    blrp: otelEnv.blrp,
    spanLimits: otelEnv.spanLimits,
    logRecordLimits: otelEnv.logRecordLimits,
    sampler: otelEnv.sampler,
    detectors: detectorsOf(resolved.resourceDetectors, otelEnv.resourceDetectors, warnings),
    resourceAttributes: Object.freeze({
      ...otelEnv.resourceAttributes,
      ...(resolved.attributes as Readonly<Record<string, AttributeValue>>),
    }),
    warnings: Object.freeze(warnings),
  });
}

const otelError: OptionsErrorFactory = (message, details) => new OtelConfigError(message, details);
