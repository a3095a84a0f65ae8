// The recent traces: spans grouped by trace as they end, at most `maxTraces` traces (the oldest
// goes first) and `maxSpansPerTrace` spans each; what does not fit is counted.
import type { FinishedSpan, SpanSink } from '@sightline/core';

interface TraceEntry {
  readonly traceId: string;
  readonly spans: FinishedSpan[];
  error: boolean;
  droppedSpans: number;
}

export interface SpanView {
  readonly id: string;
  readonly parent: string | null;
  readonly name: string;
  readonly kind: string;
  /** Milliseconds after the trace's first span started. */
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly status: string;
  readonly statusMessage?: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

export interface TraceView {
  readonly traceId: string;
  readonly root: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly error: boolean;
  readonly droppedSpans: number;
  readonly spans: readonly SpanView[];
}

const MAX_ATTRIBUTES = 32;
const MAX_TEXT = 256;

function attributeValue(value: unknown): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function attributesOf(span: FinishedSpan): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const key in span.attributes) {
    if (n++ >= MAX_ATTRIBUTES) break;
    out[key] = attributeValue(span.attributes[key]);
  }
  return out;
}

export class SpanStore implements SpanSink {
  readonly #traces = new Map<string, TraceEntry>();
  readonly #maxTraces: number;
  readonly #maxSpans: number;
  /** Bumped on every change, so the page is sent traces only when they changed. */
  version = 0;
  evictedTraces = 0;
  droppedSpans = 0;

  // The page's own requests (its event stream lives as long as the tab) are not the service's work:
  // HTTP server spans under this path are left out, or they would top "slowest first".
  readonly #ownPath: string | undefined;

  constructor(maxTraces: number, maxSpansPerTrace: number, ownPath?: string) {
    this.#maxTraces = maxTraces;
    this.#maxSpans = maxSpansPerTrace;
    this.#ownPath = ownPath;
  }

  #isOwnRequest(span: FinishedSpan): boolean {
    if (this.#ownPath === undefined || span.parentSpanId !== undefined) return false;
    const path = span.attributes['url.path'];
    return typeof path === 'string' && (path === this.#ownPath || path.startsWith(`${this.#ownPath}/`));
  }

  get size(): number {
    return this.#traces.size;
  }

  onSpanEnd(span: FinishedSpan): void {
    if (this.#maxTraces === 0 || this.#isOwnRequest(span)) return;
    let entry = this.#traces.get(span.traceId);
    if (!entry) {
      if (this.#traces.size >= this.#maxTraces) {
        const oldest = this.#traces.keys().next().value as string;
        this.#traces.delete(oldest);
        this.evictedTraces++;
      }
      entry = { traceId: span.traceId, spans: [], error: false, droppedSpans: 0 };
      this.#traces.set(span.traceId, entry);
    }
    if (entry.spans.length >= this.#maxSpans) {
      entry.droppedSpans++;
      this.droppedSpans++;
    } else {
      entry.spans.push(span);
    }
    if (span.status === 'error') entry.error = true;
    this.version++;
  }

  /** Up to `limit` traces, failed first, then the slowest. */
  recent(limit: number): TraceView[] {
    const views = [...this.#traces.values()].map(view);
    views.sort((a, b) => (a.error !== b.error ? (a.error ? -1 : 1) : b.durationMs - a.durationMs));
    return views.slice(0, limit);
  }
}

function view(entry: TraceEntry): TraceView {
  let start = Infinity;
  let end = -Infinity;
  for (const s of entry.spans) {
    start = Math.min(start, s.startTimeMs);
    end = Math.max(end, s.startTimeMs + s.durationMs);
  }
  const ids = new Set(entry.spans.map((s) => s.spanId));
  // The root is the span whose parent is not in this trace (a remote parent counts as absent).
  const root = entry.spans.find((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId)) ?? entry.spans[0];
  const spans = treeOrder(entry.spans, ids).map((s): SpanView => {
    const v: { -readonly [K in keyof SpanView]: SpanView[K] } = {
      id: s.spanId,
      parent: s.parentSpanId ?? null,
      name: s.name,
      kind: s.kind,
      offsetMs: round(s.startTimeMs - start),
      durationMs: round(s.durationMs),
      status: s.status,
      attributes: attributesOf(s),
    };
    if (s.statusMessage) v.statusMessage = s.statusMessage.slice(0, MAX_TEXT);
    return v;
  });
  return {
    traceId: entry.traceId,
    root: root?.name ?? '?',
    startMs: start,
    durationMs: round(end - start),
    error: entry.error,
    droppedSpans: entry.droppedSpans,
    spans,
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Parents before their children, siblings by start time: the waterfall's rows, top to bottom. */
function treeOrder(spans: readonly FinishedSpan[], ids: ReadonlySet<string>): FinishedSpan[] {
  const byStart = [...spans].sort((a, b) => a.startTimeMs - b.startTimeMs);
  const children = new Map<string, FinishedSpan[]>();
  const roots: FinishedSpan[] = [];
  for (const span of byStart) {
    if (span.parentSpanId !== undefined && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      const list = children.get(span.parentSpanId);
      if (list) list.push(span);
      else children.set(span.parentSpanId, [span]);
    } else roots.push(span);
  }
  const out: FinishedSpan[] = [];
  const seen = new Set<string>();
  const visit = (span: FinishedSpan): void => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    out.push(span);
    for (const child of children.get(span.spanId) ?? []) visit(child);
  };
  for (const root of roots) visit(root);
  // A cycle of parents (malformed input) leaves spans unvisited: they go last rather than vanish.
  for (const span of byStart) if (!seen.has(span.spanId)) out.push(span);
  return out;
}
