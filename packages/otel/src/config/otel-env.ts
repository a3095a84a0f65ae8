// The OTEL_* environment of the OpenTelemetry SDK specification that applies to traces, metrics and
// logs, read once into one typed object from the environment the caller gives (never from
// process.env behind its back), by the rules of the SDK's own helpers: a blank variable is unset,
// a list is comma-separated. Values that cannot be read become warnings (never with a header value
// in them) and fall back to the default.
import type { DiagLogLevel } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import type { Env } from '@sightline/core/internal';
import { OtelConfigError } from '../errors.js';
import { parseKeyValueList } from './key-value-list.js';

/**
 * How the OTLP exporters send: protobuf or JSON over HTTP, or gRPC (which needs the optional grpc exporter
 * packages).
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = Object.freeze(['http/protobuf', 'http/json', 'grpc']);

export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = Object.freeze(['traces', 'metrics', 'logs']);

/** What `OTEL_{TRACES,METRICS,LOGS}_EXPORTER` may name. */
export type ExporterName = 'otlp' | 'console' | 'none';
const EXPORTER_NAMES: readonly ExporterName[] = ['otlp', 'console', 'none'];

/**
 * A context propagator `OTEL_PROPAGATORS` may name; `b3` and `b3multi` need `@opentelemetry/propagator-b3`.
 */
export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'none';
export const PROPAGATOR_NAMES: readonly PropagatorName[] = Object.freeze(['tracecontext', 'baggage', 'b3', 'b3multi', 'none']);

export type Compression = 'gzip' | 'none';

/** The OTLP settings of one signal: its own variable, else the generic one (undefined: not set). */
export interface SignalOtlpEnv {
  /** The signal's own endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), used as is. */
  readonly signalEndpoint: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs: number | undefined;
  readonly compression: Compression | undefined;
  readonly protocol: OtlpProtocol | undefined;
}

/** A batch processor's settings, named as the SDK's processors take them. */
export interface BatchEnv {
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxQueueSize?: number;
  readonly maxExportBatchSize?: number;
}

export interface SpanLimitsEnv {
  readonly attributeValueLengthLimit?: number;
  readonly attributeCountLimit?: number;
  readonly eventCountLimit?: number;
  readonly linkCountLimit?: number;
  readonly attributePerEventCountLimit?: number;
  readonly attributePerLinkCountLimit?: number;
}

export interface LogRecordLimitsEnv {
  readonly attributeValueLengthLimit?: number;
  readonly attributeCountLimit?: number;
}

export interface SamplerEnv {
  readonly name: string;
  readonly arg: number | undefined;
}

export interface OtelEnv {
  /** `OTEL_SERVICE_NAME`. */
  readonly serviceName: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sdkDisabled: boolean;
  readonly logLevel: DiagLogLevel | undefined;
  readonly exporters: Readonly<Record<Signal, readonly ExporterName[] | undefined>>;
  readonly propagators: readonly PropagatorName[] | undefined;
  readonly endpoint: string | undefined;
  readonly protocol: OtlpProtocol | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly otlp: Readonly<Record<Signal, SignalOtlpEnv>>;
  readonly metricExportIntervalMs: number | undefined;
  readonly metricExportTimeoutMs: number | undefined;
  readonly bsp: BatchEnv;
  readonly blrp: BatchEnv;
  readonly spanLimits: SpanLimitsEnv;
  readonly logRecordLimits: LogRecordLimitsEnv;
  readonly sampler: SamplerEnv | undefined;
  /** `OTEL_NODE_RESOURCE_DETECTORS`: which detectors run (`all` by default). */
  readonly resourceDetectors: readonly string[] | undefined;
  readonly warnings: readonly string[];
}

/** The longest delay Node's timers take, in milliseconds (2^31 - 1). */
const MAX_TIMER_MS = 2_147_483_647;

/** A variable's text; a blank one is unset. */
function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw;
}

/** A comma-separated variable: entries trimmed, empty ones dropped. */
function entries(env: Env, name: string): string[] | undefined {
  return text(env, name)
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  const raw = text(env, name)?.trim().toLowerCase();
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new OtelConfigError(`Invalid ${name} ${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

function listOf<T extends string>(env: Env, name: string, allowed: readonly T[]): readonly T[] | undefined {
  const raw = entries(env, name)?.map((v) => v.toLowerCase());
  if (raw === undefined || raw.length === 0) return undefined;
  for (const value of raw) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new OtelConfigError(`Invalid ${name} entry ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`);
    }
  }
  return Object.freeze([...new Set(raw)]) as readonly T[];
}

/** Reads the OTEL_* variables of `env`. */
export function readOtelEnv(env: Env): OtelEnv {
  const warnings: string[] = [];

  const number = (name: string, min: number, integer = false): number | undefined => {
    const raw = text(env, name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      warnings.push(`${name} ${JSON.stringify(raw.trim())} is not ${integer ? 'an integer' : 'a number'} >= ${min}; ignored`);
      return undefined;
    }
    return value;
  };
  // A duration in milliseconds: Node's timers take at most 2^31 - 1 (about 24.8 days), and a longer
  // one fires at once with a TimeoutOverflowWarning each time it is set. Clamped, said once.
  const millis = (name: string, min: number, integer = false): number | undefined => {
    const value = number(name, min, integer);
    if (value === undefined || value <= MAX_TIMER_MS) return value;
    warnings.push(`${name} ${value} is longer than a timer can wait; using ${MAX_TIMER_MS} ms (about 24.8 days)`);
    return MAX_TIMER_MS;
  };
  const batch = (prefix: string): BatchEnv =>
    defined({
      scheduledDelayMillis: millis(`${prefix}_SCHEDULE_DELAY`, 0),
      exportTimeoutMillis: millis(`${prefix}_EXPORT_TIMEOUT`, 0),
      maxQueueSize: number(`${prefix}_MAX_QUEUE_SIZE`, 1),
      maxExportBatchSize: number(`${prefix}_MAX_EXPORT_BATCH_SIZE`, 1),
    });
  const headers = (name: string): Readonly<Record<string, string>> | undefined => {
    const raw = text(env, name);
    if (raw === undefined) return undefined;
    const parsed = parseKeyValueList(raw, name);
    warnings.push(...parsed.problems);
    return Object.freeze({ ...parsed.values });
  };

  const disabledRaw = text(env, 'OTEL_SDK_DISABLED')?.trim().toLowerCase();
  if (disabledRaw !== undefined && disabledRaw !== 'true' && disabledRaw !== 'false') {
    warnings.push(`OTEL_SDK_DISABLED ${JSON.stringify(disabledRaw)} is not true or false; the SDK stays enabled`);
  }

  const logLevelRaw = text(env, 'OTEL_LOG_LEVEL');
  const logLevel = logLevelRaw === undefined ? undefined : diagLogLevelFromString(logLevelRaw.trim());
  if (logLevelRaw !== undefined && logLevel === undefined) {
    warnings.push(`OTEL_LOG_LEVEL ${JSON.stringify(logLevelRaw.trim())} is not NONE, ERROR, WARN, INFO, DEBUG, VERBOSE or ALL; ignored`);
  }

  const otlp = {} as Record<Signal, SignalOtlpEnv>;
  const exporters = {} as Record<Signal, readonly ExporterName[] | undefined>;
  for (const signal of SIGNALS) {
    const upper = signal.toUpperCase();
    exporters[signal] = listOf(env, `OTEL_${upper}_EXPORTER`, EXPORTER_NAMES);
    otlp[signal] = {
      signalEndpoint: text(env, `OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`)?.trim(),
      headers: headers(`OTEL_EXPORTER_OTLP_${upper}_HEADERS`),
      timeoutMs: millis(`OTEL_EXPORTER_OTLP_${upper}_TIMEOUT`, 1),
      compression: oneOf<Compression>(env, `OTEL_EXPORTER_OTLP_${upper}_COMPRESSION`, ['gzip', 'none']),
      protocol: oneOf(env, `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`, OTLP_PROTOCOLS),
    };
  }
  const genericTimeout = millis('OTEL_EXPORTER_OTLP_TIMEOUT', 1);
  const genericCompression = oneOf<Compression>(env, 'OTEL_EXPORTER_OTLP_COMPRESSION', ['gzip', 'none']);
  for (const signal of SIGNALS) {
    const own = otlp[signal];
    otlp[signal] = Object.freeze({
      ...own,
      timeoutMs: own.timeoutMs ?? genericTimeout,
      compression: own.compression ?? genericCompression,
    });
  }

  // The attribute limits: a signal's own variable wins over the general OTEL_ATTRIBUTE_* one.
  const valueLength = number('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 0);
  const count = number('OTEL_ATTRIBUTE_COUNT_LIMIT', 0);
  const spanLimits = defined({
    attributeValueLengthLimit: number('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 0) ?? valueLength,
    attributeCountLimit: number('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 0) ?? count,
    eventCountLimit: number('OTEL_SPAN_EVENT_COUNT_LIMIT', 0),
    linkCountLimit: number('OTEL_SPAN_LINK_COUNT_LIMIT', 0),
    attributePerEventCountLimit: number('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', 0),
    attributePerLinkCountLimit: number('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', 0),
  });
  const logRecordLimits = defined({
    attributeValueLengthLimit: number('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', 0) ?? valueLength,
    attributeCountLimit: number('OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', 0) ?? count,
  });

  const samplerName = text(env, 'OTEL_TRACES_SAMPLER')?.trim().toLowerCase();
  const samplerArg = text(env, 'OTEL_TRACES_SAMPLER_ARG');
  let sampler: SamplerEnv | undefined;
  if (samplerName !== undefined) {
    const arg = samplerArg === undefined ? undefined : Number(samplerArg);
    if (arg !== undefined && !(Number.isFinite(arg) && arg >= 0 && arg <= 1)) {
      warnings.push(`OTEL_TRACES_SAMPLER_ARG ${JSON.stringify(samplerArg!.trim())} is not a ratio in [0, 1]; using 1`);
    }
    sampler = { name: samplerName, arg: arg !== undefined && Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : undefined };
  }

  const resource = parseKeyValueList(text(env, 'OTEL_RESOURCE_ATTRIBUTES'), 'OTEL_RESOURCE_ATTRIBUTES');
  warnings.push(...resource.problems);

  return Object.freeze({
    serviceName: text(env, 'OTEL_SERVICE_NAME')?.trim(),
    resourceAttributes: Object.freeze({ ...resource.values }),
    sdkDisabled: disabledRaw === 'true',
    logLevel,
    exporters: Object.freeze(exporters),
    propagators: listOf(env, 'OTEL_PROPAGATORS', PROPAGATOR_NAMES),
    endpoint: text(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')?.trim(),
    protocol: oneOf(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', OTLP_PROTOCOLS),
    headers: headers('OTEL_EXPORTER_OTLP_HEADERS'),
    otlp: Object.freeze(otlp),
    metricExportIntervalMs: millis('OTEL_METRIC_EXPORT_INTERVAL', 1, true),
    metricExportTimeoutMs: millis('OTEL_METRIC_EXPORT_TIMEOUT', 1),
    bsp: batch('OTEL_BSP'),
    blrp: batch('OTEL_BLRP'),
    spanLimits,
    logRecordLimits,
    sampler,
    resourceDetectors: entries(env, 'OTEL_NODE_RESOURCE_DETECTORS')?.map((v) => v.toLowerCase()),
    warnings: Object.freeze(warnings),
  });
}

/** The object without its undefined entries (exactOptionalPropertyTypes-friendly). */
export function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return Object.freeze(out) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
