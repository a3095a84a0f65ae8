// Builds the OpenTelemetry SDK for one configure() call: the three providers over one resource,
// the exporters each signal asks for, and the globals (context manager, providers, propagator, diag).
import { context, diag, DiagLogLevel, metrics, propagation, trace, type DiagLogger, type Meter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { getLogger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import type { OtelSettings } from './config/options.js';
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
import {
  CountingLogRecordProcessor,
  countingLogExporter,
  countingMetricExporter,
  CountingSpanProcessor,
  countingSpanExporter,
  QueueLedger,
} from './export/counting-pipeline.js';
import { DropCounters } from './export/drop-counter.js';
import { withDeadline } from './export/deadline.js';
import { INSTRUMENTATION_NAME, type ConfiguredSdk } from './state.js';

const log = getLogger('sightline.otel');

/** The SDK's default queue bound (OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_QUEUE_SIZE). */
const DEFAULT_MAX_QUEUE_SIZE = 2048;

/**
 * The SDK's own diagnostics (export failures, dropped spans) go to `sightline.otel.sdk`. A collector
 * that is down fails every export: each distinct message is logged at most once a minute, with the
 * number of repeats held back in between.
 */
export function diagLogger(now: () => number = Date.now, intervalMs = 60_000): DiagLogger {
  const sdkLog = getLogger('sightline.otel.sdk');
  const seen = new Map<string, { last: number; suppressed: number }>();
  const emit =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]) => {
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

function registerDroppedMetric(meter: Meter, drops: DropCounters): void {
  meter
    .createObservableCounter('sightline.otel.dropped', {
      description: 'Telemetry items dropped by this process: queue full, export failed or abandoned at the shutdown deadline',
      unit: '{item}',
    })
    .addCallback((result) => {
      const counts = drops.counts();
      for (const signal of ['traces', 'metrics', 'logs'] as const) result.observe(counts[signal], { signal });
    });
}

export interface SdkLoaders {
  readonly grpc?: () => GrpcExporterClasses;
  readonly b3?: LoadB3;
}

export function createSdk(
  options: OtelSettings,
  loaders: SdkLoaders = {},
  // Processors a plugin adds next to the configured ones (the status page's span sink).
  extraSpanProcessors: readonly SpanProcessor[] = [],
): ConfiguredSdk {
  // Everything that may fail (a missing optional package, a bad exporter) is built before anything
  // global changes.
  const propagator = buildPropagator(options.propagators, loaders.b3);
  const resource = buildResource(options);

  // The batch pipelines this package builds count what they drop; injected processors are the caller's.
  const drops = new DropCounters();
  const ledgers: QueueLedger[] = [];
  const batchSpans = (exporter: SpanExporter): SpanProcessor => {
    const ledger = new QueueLedger(drops.traces, options.bsp.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE);
    ledgers.push(ledger);
    return new CountingSpanProcessor(new BatchSpanProcessor({ exporter: countingSpanExporter(exporter, ledger), ...options.bsp }), ledger);
  };
  const spanProcessors: SpanProcessor[] = options.spanProcessors
    ? [...options.spanProcessors]
    : options.spanExporter
      ? [batchSpans(options.spanExporter)]
      : options.exporters.traces.map((name) =>
          name === 'otlp'
            ? batchSpans(createSpanExporter(options.otlp.traces!, loaders.grpc))
            : new SimpleSpanProcessor({ exporter: new LoggerSpanExporter() }),
        );
  spanProcessors.push(...extraSpanProcessors);
  const idGenerator = new LinkingIdGenerator();
  const sampler = options.sampler ? samplerFromEnv(options.sampler, (m) => log.warn(m)) : undefined;
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors,
    idGenerator,
    spanLimits: { ...options.spanLimits },
    ...(sampler ? { sampler } : {}),
  });

  const metricReader = (exporter: PushMetricExporter): IMetricReader => {
    const ledger = new QueueLedger(drops.metrics, Infinity);
    ledgers.push(ledger);
    return new PeriodicExportingMetricReader({
      exporter: countingMetricExporter(exporter, ledger),
      exportIntervalMillis: options.exportIntervalMs,
      exportTimeoutMillis: options.exportTimeoutMs,
    });
  };
  const readers: IMetricReader[] = options.metricReaders
    ? [...options.metricReaders]
    : options.metricExporter
      ? [metricReader(options.metricExporter)]
      : options.exporters.metrics.map((name) =>
          metricReader(name === 'otlp' ? createMetricExporter(options.otlp.metrics!, loaders.grpc) : new LoggerMetricExporter()),
        );
  const meterProvider = new MeterProvider({ resource, readers });

  const batchLogs = (exporter: LogRecordExporter): LogRecordProcessor => {
    const ledger = new QueueLedger(drops.logs, options.blrp.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE);
    ledgers.push(ledger);
    return new CountingLogRecordProcessor(
      new BatchLogRecordProcessor({ exporter: countingLogExporter(exporter, ledger), ...options.blrp }),
      ledger,
    );
  };
  const logProcessors: LogRecordProcessor[] = options.logRecordProcessors
    ? [...options.logRecordProcessors]
    : options.logRecordExporter
      ? [batchLogs(options.logRecordExporter)]
      : options.exporters.logs.map((name) =>
          name === 'otlp'
            ? batchLogs(createLogExporter(options.otlp.logs!, loaders.grpc))
            : new SimpleLogRecordProcessor({ exporter: new LoggerLogRecordExporter() }),
        );
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors, logRecordLimits: { ...options.logRecordLimits } });

  // Globals, so other OpenTelemetry instrumentation shares this SDK. Whatever was registered
  // before us stays (the API refuses a second registration) and is left alone at shutdown.
  const ownsDiag = diag.setLogger(diagLogger(), { logLevel: options.logLevel ?? DiagLogLevel.WARN, suppressOverrideMessage: true });
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
  // What was dropped, as a metric next to the application's (exported when the collector is back);
  // only when some pipeline here counts (injected processors and readers are the caller's).
  if (ledgers.length > 0) registerDroppedMetric(bridge.instruments.meter, drops);
  const http = options.http ? instrumentHttp({ tracerProvider, meterProvider }) : undefined;

  // Every signal's flush and export share one deadline; what is still pending then is abandoned,
  // counted as dropped and named in the log.
  const settle = async (what: 'flush' | 'shutdown', work: ReadonlyArray<readonly [string, () => Promise<void>]>): Promise<void> => {
    const outcome = await withDeadline(work, options.shutdownTimeoutMs);
    outcome.failed.forEach(([signal, reason]) => log.warn(`${what} of ${signal} failed`, { error: errorText(reason) }));
    if (outcome.pending.length === 0) return;
    if (what === 'flush') {
      // The pipelines go on: what is pending may still be exported (or dropped and counted later).
      log.warn(`flush did not finish within ${options.shutdownTimeoutMs} ms`, { pending: outcome.pending.join(', ') });
      return;
    }
    const abandoned = ledgers.reduce((sum, ledger) => sum + ledger.abandon(), 0);
    log.warn(`shutdown abandoned after the ${options.shutdownTimeoutMs} ms deadline`, {
      pending: outcome.pending.join(', '),
      abandoned,
      ...drops.counts(),
    });
  };

  return {
    service: options.service,
    bridge,
    meterProvider,
    dropped: () => drops.counts(),
    flush: () =>
      settle('flush', [
        ['traces', () => tracerProvider.forceFlush()],
        ['metrics', () => meterProvider.forceFlush()],
        ['logs', () => loggerProvider.forceFlush()],
      ]),
    async close() {
      http?.disable();
      await settle('shutdown', [
        ['traces', () => tracerProvider.shutdown()],
        ['metrics', () => meterProvider.shutdown()],
        ['logs', () => loggerProvider.shutdown()],
      ]);
      drops.endOutages();
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
