// Scopes as spans. The active OpenTelemetry context (carried by AsyncLocalStorage through the
// context manager configure() registers) holds the current span, so a scope's parent is whatever
// span is active where it starts: nested scopes nest, concurrent scopes share their parent, and
// spans from other OpenTelemetry instrumentation interleave with scopes naturally.
import { runSettled } from '@sightline/core';
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

/** The context value a root scope sets: the observability (level, trace link) of its subtree. */
export const OBSERVABILITY_KEY = createContextKey('sightline.otel.observability');

/** A span kind by name, as the semantic conventions write them, or the API's `SpanKind`. */
export type ScopeKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer' | SpanKind;

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
  if (options?.attributes) out.attributes = sanitizeAttributes(options.attributes);
  if (options?.kind !== undefined) out.kind = spanKind(name, options.kind);
  const links = options?.links ? (extraLinks ? [...options.links, ...extraLinks] : [...options.links]) : extraLinks ? [...extraLinks] : undefined;
  if (links) out.links = links;
  return out;
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

const OK = Object.freeze({ code: SpanStatusCode.OK });

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
 * OpenTelemetry specification asks of instrumentation, or sets OK when configured with
 * `successStatus: 'ok'` (as the seed's Python does).
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
  if (pendingTraceId !== undefined && bridge.idGenerator) {
    bridge.idGenerator.pendingTraceId = pendingTraceId;
    try {
      span = bridge.tracer.startSpan(name, startOptions, parent);
    } finally {
      bridge.idGenerator.pendingTraceId = undefined;
    }
  } else {
    span = bridge.tracer.startSpan(name, startOptions, parent);
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
