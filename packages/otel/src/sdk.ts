// Builds the OpenTelemetry SDK for one configure() call: the three providers over one resource,
// console or OTLP exporters, and the globals (context manager, providers, propagator, diag).
import { context, diag, DiagLogLevel, metrics, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { getLogger } from '@sightline/core';
import type { ResolvedOptions } from './config/options.js';
import { buildResource } from './config/resource.js';
import { LinkingIdGenerator } from './context/linking-id-generator.js';
import { LoggerLogRecordExporter } from './exporters/logger-log-record-exporter.js';
import { LoggerMetricExporter } from './exporters/logger-metric-exporter.js';
import { LoggerSpanExporter } from './exporters/logger-span-exporter.js';
import { createOtlpExporters, type SignalExporters } from './exporters/otlp-exporters.js';
import type { GrpcExporterClasses } from './exporters/grpc-exporters.js';
import { LEVEL_RANK } from './levels.js';
import { InstrumentCache } from './metrics/instruments.js';
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

function exportersFor(options: ResolvedOptions, loadGrpc: (() => GrpcExporterClasses) | undefined): SignalExporters {
  if (options.endpoint !== undefined) return createOtlpExporters(options, loadGrpc);
  return { span: new LoggerSpanExporter(), metric: new LoggerMetricExporter(), log: new LoggerLogRecordExporter() };
}

export function createSdk(
  options: ResolvedOptions,
  loadGrpc?: () => GrpcExporterClasses,
  // Processors a plugin adds next to the configured ones (the status page's span sink).
  extraSpanProcessors: readonly SpanProcessor[] = [],
): ConfiguredSdk {
  const consoleMode = options.endpoint === undefined;
  // Exporters first: a missing optional package fails here, before anything global changes.
  const needsDefault =
    (!options.spanExporter && !options.spanProcessors) ||
    (!options.metricExporter && !options.metricReaders) ||
    (!options.logRecordExporter && !options.logRecordProcessors);
  const defaults = needsDefault ? exportersFor(options, loadGrpc) : undefined;
  const resource = buildResource(options);

  // Console mode prints as things finish; OTLP batches spans and logs, as the seed does.
  const spanProcessors: SpanProcessor[] = options.spanProcessors
    ? [...options.spanProcessors]
    : options.spanExporter
      ? [new BatchSpanProcessor(options.spanExporter)]
      : [consoleMode ? new SimpleSpanProcessor(defaults!.span) : new BatchSpanProcessor(defaults!.span)];
  spanProcessors.push(...extraSpanProcessors);
  const idGenerator = new LinkingIdGenerator();
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors, idGenerator });

  const readers: IMetricReader[] = options.metricReaders
    ? [...options.metricReaders]
    : [
        new PeriodicExportingMetricReader({
          exporter: options.metricExporter ?? defaults!.metric,
          exportIntervalMillis: options.exportIntervalMillis,
          exportTimeoutMillis: Math.min(options.exportIntervalMillis, 30_000),
        }),
      ];
  const meterProvider = new MeterProvider({ resource, readers });

  const logProcessors: LogRecordProcessor[] = options.logRecordProcessors
    ? [...options.logRecordProcessors]
    : options.logRecordExporter
      ? [new BatchLogRecordProcessor({ exporter: options.logRecordExporter })]
      : [
          consoleMode
            ? new SimpleLogRecordProcessor({ exporter: defaults!.log })
            : new BatchLogRecordProcessor({ exporter: defaults!.log }),
        ];
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors });

  // Globals, so other OpenTelemetry instrumentation shares this SDK. Whatever was registered
  // before us stays (the API refuses a second registration) and is left alone at shutdown.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownsContext = context.setGlobalContextManager(contextManager);
  if (!ownsContext) contextManager.disable();
  const ownsTrace = trace.setGlobalTracerProvider(tracerProvider);
  const ownsMetrics = metrics.setGlobalMeterProvider(meterProvider);
  const ownsLogs = logs.setGlobalLoggerProvider(loggerProvider) === loggerProvider;
  const ownsPropagation = propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const ownsDiag = diag.setLogger(diagLogger(), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  if (!ownsContext) log.info('an OpenTelemetry context manager was already registered; scopes use it');

  const bridge = {
    tracer: tracerProvider.getTracer(INSTRUMENTATION_NAME),
    logger: loggerProvider.getLogger(INSTRUMENTATION_NAME),
    instruments: new InstrumentCache(meterProvider.getMeter(INSTRUMENTATION_NAME)),
    idGenerator,
    defaultRank: LEVEL_RANK[options.level],
  };

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
      await settle('shutdown', [
        ['traces', () => tracerProvider.shutdown()],
        ['metrics', () => meterProvider.shutdown()],
        ['logs', () => loggerProvider.shutdown()],
      ]);
      if (ownsTrace) trace.disable();
      if (ownsMetrics) metrics.disable();
      if (ownsLogs) logs.disable();
      if (ownsPropagation) propagation.disable();
      if (ownsContext) context.disable();
      if (ownsDiag) diag.disable();
    },
  };
}
