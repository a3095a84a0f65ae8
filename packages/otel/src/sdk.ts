// Builds the OpenTelemetry SDK for one configure() call: the three providers over one resource,
// the exporters each signal asks for, and the globals (context manager, providers, propagator, diag).
import {
  context,
  diag,
  DiagLogLevel,
  metrics,
  propagation,
  trace,
  type DiagLogger,
  type Meter,
  type TextMapPropagator,
} from '@opentelemetry/api';
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
import { attachProducer, ServerHistograms } from './http/server-histograms.js';
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

/** Where the pipelines built here count what they drop (injected processors and readers are the caller's). */
interface Counting {
  readonly drops: DropCounters;
  /** One per pipeline built here: what each has queued, abandoned at the close deadline. */
  readonly ledgers: QueueLedger[];
}

function ledger(counting: Counting, counter: DropCounters['traces'], bound: number): QueueLedger {
  const created = new QueueLedger(counter, bound);
  counting.ledgers.push(created);
  return created;
}

/** The span processors: injected ones, or a batch over the injected exporter, or one per configured exporter. */
function spanProcessorsOf(options: OtelSettings, loaders: SdkLoaders, counting: Counting): SpanProcessor[] {
  const batch = (exporter: SpanExporter): SpanProcessor => {
    const queue = ledger(counting, counting.drops.traces, options.bsp.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE);
    return new CountingSpanProcessor(new BatchSpanProcessor({ exporter: countingSpanExporter(exporter, queue), ...options.bsp }), queue);
  };
  if (options.spanProcessors) return [...options.spanProcessors];
  if (options.spanExporter) return [batch(options.spanExporter)];
  return options.exporters.traces.map((name) =>
    name === 'otlp'
      ? batch(createSpanExporter(options.otlp.traces!, loaders.grpc))
      : new SimpleSpanProcessor({ exporter: new LoggerSpanExporter() }),
  );
}

/** The metric readers: injected ones, or a periodic reader over the injected exporter or each configured one. */
function metricReadersOf(options: OtelSettings, loaders: SdkLoaders, counting: Counting): IMetricReader[] {
  const periodic = (exporter: PushMetricExporter): IMetricReader =>
    new PeriodicExportingMetricReader({
      exporter: countingMetricExporter(exporter, ledger(counting, counting.drops.metrics, Infinity)),
      exportIntervalMillis: options.exportIntervalMs,
      exportTimeoutMillis: options.exportTimeoutMs,
    });
  if (options.metricReaders) return [...options.metricReaders];
  if (options.metricExporter) return [periodic(options.metricExporter)];
  return options.exporters.metrics.map((name) =>
    periodic(name === 'otlp' ? createMetricExporter(options.otlp.metrics!, loaders.grpc) : new LoggerMetricExporter()),
  );
}

/** The log record processors: injected ones, or a batch over the injected exporter, or one per configured exporter. */
function logProcessorsOf(options: OtelSettings, loaders: SdkLoaders, counting: Counting): LogRecordProcessor[] {
  const batch = (exporter: LogRecordExporter): LogRecordProcessor => {
    const queue = ledger(counting, counting.drops.logs, options.blrp.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE);
    return new CountingLogRecordProcessor(
      new BatchLogRecordProcessor({ exporter: countingLogExporter(exporter, queue), ...options.blrp }),
      queue,
    );
  };
  if (options.logRecordProcessors) return [...options.logRecordProcessors];
  if (options.logRecordExporter) return [batch(options.logRecordExporter)];
  return options.exporters.logs.map((name) =>
    name === 'otlp'
      ? batch(createLogExporter(options.otlp.logs!, loaders.grpc))
      : new SimpleLogRecordProcessor({ exporter: new LoggerLogRecordExporter() }),
  );
}

interface Providers {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly loggerProvider: LoggerProvider;
}

/**
 * Registers the providers, the propagator, the context manager and the diag logger globally, so
 * other OpenTelemetry instrumentation shares this SDK. Whatever was registered before stays (the API
 * refuses a second registration) and is left alone by the returned function, which removes the rest.
 */
function registerGlobals(providers: Providers, propagator: TextMapPropagator, logLevel: DiagLogLevel | undefined): () => void {
  const ownsDiag = diag.setLogger(diagLogger(), { logLevel: logLevel ?? DiagLogLevel.WARN, suppressOverrideMessage: true });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownsContext = context.setGlobalContextManager(contextManager);
  if (!ownsContext) contextManager.disable();
  setEnterableContextManager(ownsContext ? contextManager : undefined);
  const ownsTrace = trace.setGlobalTracerProvider(providers.tracerProvider);
  const ownsMetrics = metrics.setGlobalMeterProvider(providers.meterProvider);
  const ownsLogs = registerLoggerProvider(providers.loggerProvider);
  const ownsPropagation = propagation.setGlobalPropagator(propagator);
  if (!ownsContext) log.info('an OpenTelemetry context manager was already registered; scopes use it');
  return () => {
    if (ownsTrace) trace.disable();
    if (ownsMetrics) metrics.disable();
    if (ownsLogs) logsApi.disable();
    if (ownsPropagation) propagation.disable();
    if (ownsContext) {
      setEnterableContextManager(undefined);
      context.disable();
    }
    if (ownsDiag) diag.disable();
  };
}

type Work = ReadonlyArray<readonly [string, () => Promise<void>]>;

/**
 * Runs every signal's flush or shutdown under one deadline, logging what failed; at close, what is
 * still pending then is abandoned, counted as dropped and named in the log.
 */
async function settle(what: 'flush' | 'shutdown', work: Work, deadlineMs: number, counting: Counting): Promise<void> {
  const outcome = await withDeadline(work, deadlineMs);
  outcome.failed.forEach(([signal, reason]) => log.warn(`${what} of ${signal} failed`, { error: errorText(reason) }));
  if (outcome.pending.length === 0) return;
  if (what === 'flush') {
    // The pipelines go on: what is pending may still be exported (or dropped and counted later).
    log.warn(`flush did not finish within ${deadlineMs} ms`, { pending: outcome.pending.join(', ') });
    return;
  }
  const abandoned = counting.ledgers.reduce((sum, queue) => sum + queue.abandon(), 0);
  log.warn(`shutdown abandoned after the ${deadlineMs} ms deadline`, {
    pending: outcome.pending.join(', '),
    abandoned,
    ...counting.drops.counts(),
  });
}

export function createSdk(
  options: OtelSettings,
  loaders: SdkLoaders = {},
  // Processors a plugin adds next to the configured ones (the status page's span sink).
  extraSpanProcessors: readonly SpanProcessor[] = [],
  // Readers a plugin adds next to the configured or injected ones (the /metrics exposition's pull reader).
  extraMetricReaders: readonly IMetricReader[] = [],
): ConfiguredSdk {
  // Everything that may fail (a missing optional package, a bad exporter) is built before anything
  // global changes.
  const propagator = buildPropagator(options.propagators, loaders.b3);
  const resource = buildResource(options);
  const counting: Counting = { drops: new DropCounters(), ledgers: [] };

  const idGenerator = new LinkingIdGenerator();
  const sampler = options.sampler ? samplerFromEnv(options.sampler, (m) => log.warn(m)) : undefined;
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [...spanProcessorsOf(options, loaders, counting), ...extraSpanProcessors],
    idGenerator,
    spanLimits: { ...options.spanLimits },
    ...(sampler ? { sampler } : {}),
  });
  const readers = [...metricReadersOf(options, loaders, counting), ...extraMetricReaders];
  // The HTTP server histograms are accumulated by the instrumentation and produced into every reader.
  const serverHistograms = options.http ? new ServerHistograms(resource) : undefined;
  if (serverHistograms) {
    for (const reader of readers) {
      if (!attachProducer(reader, serverHistograms))
        log.warn('a metric reader without producers gets no HTTP server histograms (http.server.request.duration, body sizes)');
    }
  }
  const meterProvider = new MeterProvider({ resource, readers });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: logProcessorsOf(options, loaders, counting),
    logRecordLimits: { ...options.logRecordLimits },
  });

  const unregister = registerGlobals({ tracerProvider, meterProvider, loggerProvider }, propagator, options.logLevel);
  const bridge = {
    tracer: tracerProvider.getTracer(INSTRUMENTATION_NAME),
    logger: loggerProvider.getLogger(INSTRUMENTATION_NAME),
    instruments: new InstrumentCache(meterProvider.getMeter(INSTRUMENTATION_NAME)),
    idGenerator,
    defaultRank: LEVEL_RANK[options.level],
    successStatus: options.successStatus,
  };
  // What was dropped, as a metric next to the application's (exported when the collector is back);
  // only when some pipeline here counts.
  if (counting.ledgers.length > 0) registerDroppedMetric(bridge.instruments.meter, counting.drops);
  const http = serverHistograms
    ? instrumentHttp({ tracerProvider, meterProvider, serverHistograms, redactQueryParams: options.redactQueryParams })
    : undefined;

  // The same step of each signal's provider, named by signal for the deadline's report.
  const everySignal = (step: 'forceFlush' | 'shutdown'): Work => [
    ['traces', () => tracerProvider[step]()],
    ['metrics', () => meterProvider[step]()],
    ['logs', () => loggerProvider[step]()],
  ];

  return {
    service: options.service,
    bridge,
    meterProvider,
    dropped: () => counting.drops.counts(),
    flush: () => settle('flush', everySignal('forceFlush'), options.shutdownTimeoutMs, counting),
    async close() {
      http?.disable();
      await settle('shutdown', everySignal('shutdown'), options.shutdownTimeoutMs, counting);
      counting.drops.endOutages();
      unregister();
    },
  };
}
