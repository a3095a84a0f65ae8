// Scopes as spans. The active OpenTelemetry context (carried by AsyncLocalStorage through the
// context manager configure() registers) holds the current span, so a scope's parent is whatever
// span is active where it starts: nested scopes nest, concurrent scopes share their parent, and
// spans from other OpenTelemetry instrumentation interleave with scopes naturally.
import { getLogger } from '@sightline/core';
import { errorText, runSettled, WarningThrottle } from '@sightline/core/internal';
import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import { activeBridge, type Bridge } from '../state.js';
import { sanitizeAttributes, type ScopeAttributes } from './attributes.js';

const log = getLogger('sightline.otel');
const badAttributes = new WarningThrottle(log, { intervalMs: 60_000 });

/** The context value a root scope sets: the observability (level, trace link) of its subtree. */
export const OBSERVABILITY_KEY = createContextKey('sightline.otel.observability');

/** A span kind by name, as the semantic conventions write them, or the API's `SpanKind`. */
export type ScopeKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer' | SpanKind;

/** Options of one scope. */
export interface ScopeOptions {
  /** Attributes set on the span when it starts (`null` / `undefined` values are dropped). */
  readonly attributes?: ScopeAttributes;
  /** The span's kind; default `internal`. */
  readonly kind?: ScopeKind;
  /** Span links, e.g. to the message a consumer scope processes. */
  readonly links?: readonly Link[];
}

const KINDS: Readonly<Record<string, SpanKind>> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

function spanKind(name: string, kind: ScopeKind): SpanKind {
  if (typeof kind === 'number' && SpanKind[kind] !== undefined) return kind;
  const found = typeof kind === 'string' ? KINDS[kind.toLowerCase()] : undefined;
  if (found === undefined) {
    throw new TypeError(
      `scope(${JSON.stringify(name)}): invalid kind ${JSON.stringify(kind)}, expected internal, server, client, producer or consumer`,
    );
  }
  return found;
}

/** The SpanOptions for a scope's options (undefined when there is nothing to pass). */
function spanOptions(name: string, options: ScopeOptions | undefined, extraLinks: readonly Link[] | undefined): SpanOptions | undefined {
  if (options === undefined && extraLinks === undefined) return undefined;
  const out: SpanOptions = {};
  if (options?.attributes) {
    // A getter or Proxy trap that throws costs the span its attributes, never the caller its call.
    try {
      out.attributes = sanitizeAttributes(options.attributes);
    } catch (error) {
      badAttributes.warn(
        `attributes:${name}`,
        `scope(${JSON.stringify(name)}): attributes could not be read; the span starts without them`,
        {
          error: errorText(error),
        },
      );
    }
  }
  if (options?.kind !== undefined) out.kind = spanKind(name, options.kind);
  const links = options?.links
    ? extraLinks
      ? [...options.links, ...extraLinks]
      : [...options.links]
    : extraLinks
      ? [...extraLinks]
      : undefined;
  if (links) out.links = links;
  return out;
}

/** The `exception` event OpenTelemetry records for a thrown value (Errors keep type and stack). */
export function recordException(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : errorText(error));
}

/** Records a thrown value on the span the way OpenTelemetry's own instrumentations do. */
export function recordFailure(span: Span, error: unknown): void {
  recordException(span, error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error && typeof error.message === 'string' ? error.message : errorText(error),
  });
}

const OK = Object.freeze({ code: SpanStatusCode.OK });

/** Never throws: what the caller's function threw goes on to the caller unchanged. */
function fail(span: Span, error: unknown): void {
  try {
    recordFailure(span, error);
  } catch {
    // A thrown value the span cannot describe (a Proxy whose traps throw) still marks it failed.
    try {
      span.setStatus({ code: SpanStatusCode.ERROR });
    } catch {
      // nothing more to record
    }
  }
  try {
    span.end();
  } catch {
    // Ending a span is telemetry: it never replaces the caller's error.
  }
}

/**
 * Starts a span under `parent`, runs `fn` with that span active and ends the span when `fn`
 * returns or its promise settles. A throw or rejection marks the span ERROR, records the
 * exception, and goes on to the caller unchanged. Success leaves the status UNSET, as the
 * OpenTelemetry specification asks of instrumentation, or sets OK when configured with
 * `successStatus: 'ok'`.
 */
export function runScope<T>(
  bridge: Bridge,
  parent: Context,
  name: string,
  options: ScopeOptions | undefined,
  fn: () => T,
  pendingTraceId?: string,
  links?: readonly Link[],
): T {
  const startOptions = spanOptions(name, options, links);
  let span: Span;
  // spanOptions() reads the attributes once; the SDK reads them again in startSpan, so a getter or
  // Proxy trap that throws only then is caught there: the span starts without them.
  if (pendingTraceId !== undefined && bridge.idGenerator) {
    bridge.idGenerator.pendingTraceId = pendingTraceId;
    try {
      span = startSpan(bridge, name, startOptions, parent);
    } finally {
      bridge.idGenerator.pendingTraceId = undefined;
    }
  } else {
    span = startSpan(bridge, name, startOptions, parent);
  }
  const ok = bridge.successStatus === 'ok';
  return runSettled(
    () => context.with(trace.setSpan(parent, span), fn),
    () => {
      if (ok) span.setStatus(OK);
      span.end();
    },
    (error) => fail(span, error),
  );
}

function startSpan(bridge: Bridge, name: string, startOptions: SpanOptions | undefined, parent: Context): Span {
  if (startOptions?.attributes === undefined) return bridge.tracer.startSpan(name, startOptions, parent);
  try {
    return bridge.tracer.startSpan(name, startOptions, parent);
  } catch (error) {
    badAttributes.warn(`attributes:${name}`, `scope(${JSON.stringify(name)}): attributes could not be read; the span starts without them`, {
      error: errorText(error),
    });
    const { attributes: _dropped, ...rest } = startOptions;
    return bridge.tracer.startSpan(name, rest, parent);
  }
}

/**
 * Runs `fn` in a new scope (a span, ended when `fn` returns or its promise settles) and returns what `fn`
 * returns.
 */
export type ScopeFunction = {
  <T>(name: string, fn: () => T): T;
  <T>(name: string, options: ScopeOptions, fn: () => T): T;
};

/** For `(name, options, fn)`: the function, checked. */
export function scopeFunction<T>(name: string, maybeFn: (() => T) | undefined): () => T {
  if (typeof maybeFn !== 'function') {
    throw new TypeError(`scope(${JSON.stringify(name)}, options, fn): fn must be a function, got ${typeof maybeFn}`);
  }
  return maybeFn;
}

/**
 * Runs `fn` (sync or async) in a new scope: a span named `name`, child of the current scope.
 * Returns what `fn` returns (its promise, for an async `fn`).
 */
export const scope: ScopeFunction = <T>(name: string, optionsOrFn: ScopeOptions | (() => T), maybeFn?: () => T): T => {
  if (typeof optionsOrFn === 'function') return runScope(activeBridge(), context.active(), name, undefined, optionsOrFn);
  return runScope(activeBridge(), context.active(), name, optionsOrFn, scopeFunction(name, maybeFn));
};
