// The entry point: configure once at startup, then observability() for the root of each tree of
// scopes; close() flushes everything at exit.
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { getLogger } from '@sightline/core';
import { withoutCredentials } from './config/endpoint.js';
import { resolveSettings, type OpenTelemetryOptions } from './config/options.js';
import { ObservabilityScope, type ObservabilityScopeOptions } from './context/observability-scope.js';
import { AlreadyConfiguredError } from './errors.js';
import type { DroppedCounts } from './export/drop-counter.js';
import { createSdk } from './sdk.js';
import { otelState } from './state.js';

const log = getLogger('sightline.otel');

/** configure() plus span processors and metric readers of the plugin's own (kept out of the public options). */
export function configureWithProcessors(
  options: OpenTelemetryOptions,
  extraSpanProcessors: readonly SpanProcessor[],
  extraMetricReaders: () => readonly IMetricReader[] = () => [],
): void {
  const s = otelState();
  if (s.configuredService !== undefined) throw new AlreadyConfiguredError(s.configuredService);
  const resolved = resolveSettings(options);
  for (const warning of resolved.warnings) log.warn(warning);
  if (resolved.disabled) {
    // OTEL_SDK_DISABLED: no providers, no exporters, no globals; scopes run on the no-op API.
    s.configuredService = resolved.service;
    s.closing = undefined;
    log.info('OpenTelemetry SDK disabled by OTEL_SDK_DISABLED=true', { service: resolved.service });
    return;
  }
  const sdk = createSdk(resolved, {}, extraSpanProcessors, extraMetricReaders());
  s.sdk = sdk;
  s.lastDropped = undefined;
  s.configuredService = resolved.service;
  s.closing = undefined;
  s.generation++;
  const exportsTo: Record<string, string> = {};
  for (const [signal, names] of Object.entries(resolved.exporters)) {
    const target = resolved.otlp[signal as keyof typeof resolved.otlp];
    exportsTo[signal] =
      names
        .map((n) => (n === 'otlp' && target ? `otlp ${target.protocol} ${withoutCredentials(target.url)}` : n === 'console' ? 'logger' : n))
        .join(', ') || 'none';
  }
  log.info('OpenTelemetry configured', { service: resolved.service, ...exportsTo });
}

const NOTHING_TO_CLOSE: Promise<void> = Promise.resolve();

function close(): Promise<void> {
  const s = otelState();
  if (s.closing) return s.closing;
  const sdk = s.sdk;
  if (!sdk) return NOTHING_TO_CLOSE;
  s.sdk = undefined;
  s.generation++;
  s.closing = sdk.close().finally(() => {
    s.lastDropped = sdk.dropped();
  });
  s.lastDropped = sdk.dropped();
  return s.closing;
}

/** What this package's export pipelines have counted so far. */
export interface OpenTelemetryStats {
  /**
   * Items dropped since configure(), per signal (spans, metric points, log records): past the
   * batch queue bound, in a failed export, or abandoned at the close deadline. Pipelines built
   * from injected `spanProcessors`, `metricReaders` or `logRecordProcessors` are not counted.
   */
  readonly dropped: DroppedCounts;
}

const NONE_DROPPED: DroppedCounts = Object.freeze({ traces: 0, metrics: 0, logs: 0 });

function stats(): OpenTelemetryStats {
  const s = otelState();
  return Object.freeze({ dropped: s.sdk?.dropped() ?? s.lastDropped ?? NONE_DROPPED });
}

const api = {
  /**
   * Sets up tracing, metrics and logs for this process: the resource, the exporters (OTLP when an
   * endpoint is given or in OTEL_EXPORTER_OTLP_ENDPOINT, else the `sightline.otel` logger) and the
   * global OpenTelemetry registrations. Once per process: a second call throws AlreadyConfiguredError.
   */
  configure(options: OpenTelemetryOptions = {}): void {
    configureWithProcessors(options, []);
  },

  /** The observability of a tree of scopes: its level and, optionally, the external trace it joins. */
  observability(options?: ObservabilityScopeOptions): ObservabilityScope {
    return new ObservabilityScope(options);
  },

  /** True once configure() has succeeded in this process (and until resetForTesting()). */
  get isConfigured(): boolean {
    return otelState().configuredService !== undefined;
  },

  /** Exports everything recorded so far, within `shutdownTimeoutMs`; failures are logged, never thrown. */
  flush(): Promise<void> {
    return otelState().sdk?.flush() ?? Promise.resolve();
  },

  /**
   * Flushes and shuts down the providers and removes the global registrations this bridge made,
   * within one deadline (`shutdownTimeoutMs`, default 5000 ms) covering every signal: what is
   * still pending then is abandoned, counted in `stats().dropped` and logged. Never rejects.
   * A second call returns the same promise; before configure() there is nothing to close.
   * configure() stays once per process.
   */
  close(): Promise<void> {
    return close();
  },

  /** Same as `close()`: `await using` closes it too. */
  [Symbol.asyncDispose](): Promise<void> {
    return close();
  },

  /** Counts from the export pipelines: what was dropped, per signal. Still answers after close(). */
  stats(): OpenTelemetryStats {
    return stats();
  },

  /** Test only: closes, then forgets that configure() was called so a test can call it again. */
  async resetForTesting(): Promise<void> {
    await close();
    const s = otelState();
    s.configuredService = undefined;
    s.closing = undefined;
    s.fallback = undefined;
    s.lastDropped = undefined;
  },
};

// Node 20.0 to 20.3 predate Symbol.asyncDispose; TypeScript's `await using` falls back to this one there.
if (typeof Symbol.asyncDispose !== 'symbol') Object.defineProperty(api, Symbol.for('Symbol.asyncDispose'), { value: close });

/** The bridge to OpenTelemetry: `configure()` once per process, then observability scopes, `flush()` and `close()`. */
export const OpenTelemetry = Object.freeze(api);
