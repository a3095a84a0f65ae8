// Builds the OpenTelemetry SDK for one configure() call: the three providers over one resource,
// the exporters each signal asks for, and the globals (context manager, providers, propagator, diag).
import { context, diag, metrics, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { getLogger } from '@sightline/core';
import type { ResolvedOptions } from './config/options.js';
import { buildResource } from './config/resource.js';
import { samplerFromEnv } from './config/sampler.js';
import { setEnterableContextManager } from './context/enter-context.js';
import { LinkingIdGenerator } from './context/linking-id-generator.js';
import { LoggerLogRecordExporter } from './exporters/logger-log-record-exporter.js';
import { LoggerMetricExporter } from './exporters/logger-metric-exporter.js';
import { LoggerSpanExporter } from './exporters/logger-span-exporter.js';
import { createLogExporter, createMetricExporter, createSpanExporter } from './exporters/otlp-exporters.js';
import type { GrpcExporterClasses } from './exporters/grpc-exporters.js';
import { instrumentHttp } from './http/http-instrumentation.js';
import { LEVEL_RANK } from './levels.js';
import { registerLoggerProvider, logsApi } from './logs-api.js';
import { InstrumentCache } from './metrics/instruments.js';
import { buildPropagator, type LoadB3 } from './propagation/propagators.js';
import { INSTRUMENTATION_NAME, type ConfiguredSdk } from './state.js';

const log = getLogger('sightline.otel');

/**
 * The SDK's own diagnostics (export failures, dropped spans) go to `sightline.otel.sdk`. A collector
 * that is down fails every export: each distinct message is logged at most once a minute, with the
 * number of repeats held back in between.
 */
export function diagLogger(now: () => number = Date.now, intervalMs = 60_000): DiagLogger {
  const sdkLog = getLogger('sightline.otel.sdk');
  const seen = new Map<string, { last: number; suppressed: number }>();
  const emit = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string, ...args: unknown[]) => {
    const key = `${level}:${message.slice(0, 200)}`;
    const entry = seen.get(key);
    const t = now();
    if (entry && t - entry.last < intervalMs) {
      entry.suppressed++;
      return;
    }
    const fields: Record<string, unknown> = {};
    if (args.length) fields.args = args;
    if (entry?.suppressed) fields.repeated = entry.suppressed;
    if (seen.size < 1000 || entry) seen.set(key, { last: t, suppressed: 0 });
    sdkLog[level](message, Object.keys(fields).length ? fields : undefined);
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug'), verbose: emit('trace') };
}

export interface SdkLoaders {
  readonly grpc?: () => GrpcExporterClasses;
  readonly b3?: LoadB3;
}

export function createSdk(options: ResolvedOptions, loaders: SdkLoaders = {}): ConfiguredSdk {
  // Everything that may fail (a missing optional package, a bad exporter) is built before anything
  // global changes.
  const propagator = buildPropagator(options.propagators, loaders.b3);
  const resource = buildResource(options);

  const spanProcessors: SpanProcessor[] = options.spanProcessors
    ? [...options.spanProcessors]
    : options.spanExporter
      ? [new BatchSpanProcessor({ exporter: options.spanExporter, ...options.bsp })]
      : options.exporters.traces.map((name) =>
          name === 'otlp'
            ? new BatchSpanProcessor({ exporter: createSpanExporter(options.otlp.traces!, loaders.grpc), ...options.bsp })
            : new SimpleSpanProcessor({ exporter: new LoggerSpanExporter() }),
        );
  const idGenerator = new LinkingIdGenerator();
  const sampler = options.sampler ? samplerFromEnv(options.sampler, (m) => log.warn(m)) : undefined;
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors,
    idGenerator,
    spanLimits: { ...options.spanLimits },
    ...(sampler ? { sampler } : {}),
  });

  const metricReader = (exporter: ConstructorParameters<typeof PeriodicExportingMetricReader>[0]['exporter']): IMetricReader =>
    new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: options.exportIntervalMillis,
      exportTimeoutMillis: options.exportTimeoutMillis,
    });
  const readers: IMetricReader[] = options.metricReaders
    ? [...options.metricReaders]
    : options.metricExporter
      ? [metricReader(options.metricExporter)]
      : options.exporters.metrics.map((name) =>
          metricReader(name === 'otlp' ? createMetricExporter(options.otlp.metrics!, loaders.grpc) : new LoggerMetricExporter()),
        );
  const meterProvider = new MeterProvider({ resource, readers });

  const logProcessors: LogRecordProcessor[] = options.logRecordProcessors
    ? [...options.logRecordProcessors]
    : options.logRecordExporter
      ? [new BatchLogRecordProcessor({ exporter: options.logRecordExporter, ...options.blrp })]
      : options.exporters.logs.map((name) =>
          name === 'otlp'
            ? new BatchLogRecordProcessor({ exporter: createLogExporter(options.otlp.logs!, loaders.grpc), ...options.blrp })
            : new SimpleLogRecordProcessor({ exporter: new LoggerLogRecordExporter() }),
        );
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors, logRecordLimits: { ...options.logRecordLimits } });

  // Globals, so other OpenTelemetry instrumentation shares this SDK. Whatever was registered
  // before us stays (the API refuses a second registration) and is left alone at shutdown.
  const ownsDiag = diag.setLogger(diagLogger(), { logLevel: options.logLevel, suppressOverrideMessage: true });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownsContext = context.setGlobalContextManager(contextManager);
  if (!ownsContext) contextManager.disable();
  setEnterableContextManager(ownsContext ? contextManager : undefined);
  const ownsTrace = trace.setGlobalTracerProvider(tracerProvider);
  const ownsMetrics = metrics.setGlobalMeterProvider(meterProvider);
  const ownsLogs = registerLoggerProvider(loggerProvider);
  const ownsPropagation = propagation.setGlobalPropagator(propagator);
  if (!ownsContext) log.info('an OpenTelemetry context manager was already registered; scopes use it');

  const bridge = {
    tracer: tracerProvider.getTracer(INSTRUMENTATION_NAME),
    logger: loggerProvider.getLogger(INSTRUMENTATION_NAME),
    instruments: new InstrumentCache(meterProvider.getMeter(INSTRUMENTATION_NAME)),
    idGenerator,
    defaultRank: LEVEL_RANK[options.level],
    successStatus: options.successStatus,
  };
  const http = options.http ? instrumentHttp({ tracerProvider, meterProvider }) : undefined;

  const settle = async (what: string, work: ReadonlyArray<readonly [string, () => Promise<void>]>): Promise<void> => {
    const results = await Promise.allSettled(work.map(([, fn]) => fn()));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        log.warn(`${what} of ${work[i]![0]} failed`, { error: String(result.reason) });
      }
    });
  };

  return {
    service: options.service,
    bridge,
    meterProvider,
    flush: () =>
      settle('flush', [
        ['traces', () => tracerProvider.forceFlush()],
        ['metrics', () => meterProvider.forceFlush()],
        ['logs', () => loggerProvider.forceFlush()],
      ]),
    async shutdown() {
      http?.disable();
      await settle('shutdown', [
        ['traces', () => tracerProvider.shutdown()],
        ['metrics', () => meterProvider.shutdown()],
        ['logs', () => loggerProvider.shutdown()],
      ]);
      if (ownsTrace) trace.disable();
      if (ownsMetrics) metrics.disable();
      if (ownsLogs) logsApi.disable();
      if (ownsPropagation) propagation.disable();
      if (ownsContext) {
        setEnterableContextManager(undefined);
        context.disable();
      }
      if (ownsDiag) diag.disable();
    },
  };
}
