// The observability of a tree of scopes: its level and the optional external trace it joins, made
// by `OpenTelemetry.observability()`. Its `scope()` starts the root of that tree.
import { context, trace, TraceFlags, type Context, type Link, type SpanContext } from '@opentelemetry/api';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';
import { InvalidTraceContextError } from '../errors.js';
import { LEVEL_RANK, parseObservabilityLevel, type ObservabilityLevel } from '../levels.js';
import { activeBridge } from '../state.js';
import { OBSERVABILITY_KEY, runScope, scopeFunction, type ScopeFunction, type ScopeOptions } from './scope.js';
import { parseTraceId, parseTraceparent } from './trace-context.js';

/**
 * Options of `OpenTelemetry.observability()`: the level of a tree of scopes and the external trace it joins.
 */
export interface ObservabilityScopeOptions {
  /** Records below this level are dropped: `debug`, `info` (default), `warning`, `error`. */
  readonly level?: ObservabilityLevel;
  /** 32 hex digits (or a UUID): the root scope joins this trace, or links to it (`externalTraceMode`). */
  readonly externalTraceId?: string;
  /**
   * `'join'` (default): the root scope's span is a root of the external trace. `'link'`: it stays in
   * its own trace (under the active span, if any) with a span link to the external trace.
   */
  readonly externalTraceMode?: 'join' | 'link';
  /** A W3C `traceparent`: the root scope becomes a child of that remote span. */
  readonly traceparent?: string;
  /** The `tracestate` that came with `traceparent`. */
  readonly tracestate?: string;
}

const randomIds = new RandomIdGenerator();
const LINK_ATTRIBUTES = Object.freeze({ 'sightline.link.source': 'externalTraceId' });

/**
 * The observability of a tree of scopes: one level and, optionally, an external trace it joins; made by
 * `OpenTelemetry.observability()`.
 */
export class ObservabilityScope {
  /** Records below this level are dropped in this observability's scopes. */
  readonly level: ObservabilityLevel;
  /** The external trace the root scope joins, if any. */
  readonly traceId: string | undefined;
  /** The remote parent from `traceparent`, if any. */
  readonly remoteParent: SpanContext | undefined;
  /**
   * Whether the root scope joins the external trace (`join`, default) or starts its own trace linked to it
   * (`link`).
   */
  readonly externalTraceMode: 'join' | 'link';
  /** @internal numeric form of `level`, compared on every record. */
  readonly rank: number;

  /** Use `OpenTelemetry.observability(options)`; the options are checked here. */
  constructor(options: ObservabilityScopeOptions = {}) {
    this.level = options.level === undefined ? 'info' : parseObservabilityLevel(options.level);
    this.rank = LEVEL_RANK[this.level];
    this.remoteParent = options.traceparent === undefined ? undefined : parseTraceparent(options.traceparent, options.tracestate);
    const traceId = options.externalTraceId === undefined ? undefined : parseTraceId(options.externalTraceId);
    if (traceId !== undefined && this.remoteParent && this.remoteParent.traceId !== traceId) {
      throw new InvalidTraceContextError(
        `externalTraceId ${JSON.stringify(traceId)} and traceparent trace id ${JSON.stringify(this.remoteParent.traceId)} ` +
          'name different traces: pass one of them, or the same trace in both',
      );
    }
    this.traceId = traceId ?? this.remoteParent?.traceId;
    const mode: unknown = options.externalTraceMode ?? 'join';
    if (mode !== 'join' && mode !== 'link') {
      throw new InvalidTraceContextError(`Invalid externalTraceMode ${JSON.stringify(mode)}: expected "join" or "link"`);
    }
    this.externalTraceMode = mode;
    Object.freeze(this);
  }

  /**
   * Runs `fn` in the root scope of this observability: a span that is a child of the active span
   * (or of the remote `traceparent`, or the root of `externalTraceId`), whose subtree records at
   * this observability's level.
   */
  readonly scope: ScopeFunction = <T>(name: string, optionsOrFn: ScopeOptions | (() => T), maybeFn?: () => T): T => {
    const [options, fn] = typeof optionsOrFn === 'function' ? [undefined, optionsOrFn] : [optionsOrFn, scopeFunction(name, maybeFn)];
    const bridge = activeBridge();
    let parent: Context = context.active().setValue(OBSERVABILITY_KEY, this);
    if (this.remoteParent) return runScope(bridge, trace.setSpanContext(parent, this.remoteParent), name, options, fn);
    if (this.traceId === undefined) return runScope(bridge, parent, name, options, fn);
    if (this.externalTraceMode === 'link') {
      const link: Link = { context: this.standIn(), attributes: LINK_ATTRIBUTES };
      return runScope(bridge, parent, name, options, fn, undefined, [link]);
    }
    parent = trace.deleteSpan(parent);
    if (bridge.idGenerator) return runScope(bridge, parent, name, options, fn, this.traceId);
    // A tracer that is not ours cannot be handed a trace id: join the trace under a remote parent
    // standing in for the external caller.
    return runScope(bridge, trace.setSpanContext(parent, this.standIn()), name, options, fn);
  };

  /** A remote span context standing in for the external caller, who gave a trace id only. */
  private standIn(): SpanContext {
    return { traceId: this.traceId!, spanId: randomIds.generateSpanId(), traceFlags: TraceFlags.SAMPLED, isRemote: true };
  }
}
