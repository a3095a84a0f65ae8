// Scopes as spans. The active OpenTelemetry context (carried by AsyncLocalStorage through the
// context manager configure() registers) holds the current span, so a scope's parent is whatever
// span is active where it starts: nested scopes nest, concurrent scopes share their parent, and
// spans from other OpenTelemetry instrumentation interleave with scopes naturally.
import { runSettled } from '@sightline/core';
import { context, createContextKey, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { activeBridge, type Bridge } from '../state.js';
import { sanitizeAttributes, type ScopeAttributes } from './attributes.js';

/** The context value a root scope sets: the observability (level, trace link) of its subtree. */
export const OBSERVABILITY_KEY = createContextKey('sightline.otel.observability');

export interface ScopeOptions {
  /** Attributes set on the span when it starts (`null` / `undefined` values are dropped). */
  readonly attributes?: ScopeAttributes;
}

/** The `exception` event OpenTelemetry records for a thrown value (Errors keep type and stack). */
export function recordException(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
}

/** Records a thrown value on the span the way OpenTelemetry's own instrumentations do. */
export function recordFailure(span: Span, error: unknown): void {
  recordException(span, error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function fail(span: Span, error: unknown): void {
  try {
    recordFailure(span, error);
  } finally {
    span.end();
  }
}

/**
 * Starts a span under `parent`, runs `fn` with that span active and ends the span when `fn`
 * returns or its promise settles. A throw or rejection marks the span ERROR, records the
 * exception, and goes on to the caller unchanged. Success leaves the status UNSET, as the
 * OpenTelemetry specification asks of instrumentation (the seed's Python sets OK).
 */
export function runScope<T>(
  bridge: Bridge,
  parent: Context,
  name: string,
  options: ScopeOptions | undefined,
  fn: () => T,
  pendingTraceId?: string,
): T {
  const attributes: Attributes | undefined = options?.attributes ? sanitizeAttributes(options.attributes) : undefined;
  let span: Span;
  if (pendingTraceId !== undefined && bridge.idGenerator) {
    bridge.idGenerator.pendingTraceId = pendingTraceId;
    try {
      span = bridge.tracer.startSpan(name, attributes ? { attributes } : undefined, parent);
    } finally {
      bridge.idGenerator.pendingTraceId = undefined;
    }
  } else {
    span = bridge.tracer.startSpan(name, attributes ? { attributes } : undefined, parent);
  }
  return runSettled(
    () => context.with(trace.setSpan(parent, span), fn),
    () => span.end(),
    (error) => fail(span, error),
  );
}

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
