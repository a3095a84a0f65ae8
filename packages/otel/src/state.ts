// Process-wide state of the bridge, kept on globalThis so the ESM and CommonJS copies of this
// package share one configuration (configure() is once per process, whichever copy calls it).
import { metrics, trace, type MeterProvider, type Tracer } from '@opentelemetry/api';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import { logsApi } from './logs-api.js';
import type { LinkingIdGenerator } from './context/linking-id-generator.js';
import { LEVEL_RANK } from './levels.js';
import { InstrumentCache } from './metrics/instruments.js';
import type { DroppedCounts } from './export/drop-counter.js';

export const INSTRUMENTATION_NAME = '@sightline/otel';
/** The meter of the hooks' instruments (otelHooks), apart so the exposition can leave them out. */
export const HOOKS_SCOPE_NAME = '@sightline/otel/hooks';

/** What scopes and the recording functions use: the configured SDK, or the global API. */
export interface Bridge {
  readonly tracer: Tracer;
  readonly logger: OtelLogger;
  readonly instruments: InstrumentCache;
  /** Present when the tracer is ours: lets an external trace id start a true root span. */
  readonly idGenerator: LinkingIdGenerator | undefined;
  /** Rank of the level used outside any observability scope. */
  readonly defaultRank: number;
  /** What a scope's span is set to when its function succeeds. */
  readonly successStatus: 'unset' | 'ok';
}

export interface ConfiguredSdk {
  readonly service: string;
  readonly bridge: Bridge;
  readonly meterProvider: MeterProvider;
  /** What the pipelines this package built have dropped so far, per signal. */
  dropped(): DroppedCounts;
  flush(): Promise<void>;
  /** Flushes and shuts the providers down within the deadline, then removes the global registrations. */
  close(): Promise<void>;
}

interface OtelState {
  /** Set by configure(), cleared by close(). */
  sdk: ConfiguredSdk | undefined;
  /** The service configure() was called for; stays set after close(): configure is once per process. */
  configuredService: string | undefined;
  /** The promise of the close() under way or done, returned to every later call. */
  closing: Promise<void> | undefined;
  /** The drop counts of the last SDK closed, so stats() still answers after close(). */
  lastDropped: DroppedCounts | undefined;
  /** Bumped on configure and close, so cached instruments (otelHooks) know to rebuild. */
  generation: number;
  fallback: { readonly bridge: Bridge; readonly meterProvider: unknown } | undefined;
}

const STATE_KEY = Symbol.for('sightline.otel.state');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: OtelState };

let local: OtelState | undefined;

export function otelState(): OtelState {
  if (local) return local;
  const g = globalThis as GlobalWithState;
  let s = g[STATE_KEY];
  if (!s) {
    s = {
      sdk: undefined,
      configuredService: undefined,
      closing: undefined,
      lastDropped: undefined,
      generation: 0,
      fallback: undefined,
    };
    g[STATE_KEY] = s;
  }
  local = s;
  return s;
}

/**
 * Before configure() (or after close()) scopes still run and still record, through whatever the
 * global OpenTelemetry API has registered: nothing, or an SDK the application set up itself.
 */
function fallbackBridge(s: OtelState): Bridge {
  const meterProvider = metrics.getMeterProvider();
  // The metrics API hands out meters of the provider registered at call time (no proxy, unlike
  // traces and logs), so the fallback is rebuilt when that provider changes.
  if (s.fallback && s.fallback.meterProvider === meterProvider) return s.fallback.bridge;
  const bridge: Bridge = {
    tracer: trace.getTracer(INSTRUMENTATION_NAME),
    logger: logsApi.getLogger(INSTRUMENTATION_NAME),
    instruments: new InstrumentCache(meterProvider.getMeter(INSTRUMENTATION_NAME)),
    idGenerator: undefined,
    defaultRank: LEVEL_RANK.info,
    successStatus: 'unset',
  };
  s.fallback = { bridge, meterProvider };
  return bridge;
}

/** The meter provider metrics go to now: the configured SDK's, or the global API's. */
export function activeMeterProvider(): MeterProvider {
  const s = otelState();
  return s.sdk ? s.sdk.meterProvider : metrics.getMeterProvider();
}

export function activeBridge(): Bridge {
  const s = otelState();
  return s.sdk ? s.sdk.bridge : fallbackBridge(s);
}
