import type { FinishedSpan } from '@sightline/core';
import { SpanStore } from '../src/span-store.js';

function span(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  startTimeMs: number,
  durationMs: number,
  extra: Partial<FinishedSpan> = {},
): FinishedSpan {
  return {
    traceId,
    spanId,
    name: spanId,
    kind: 'internal',
    startTimeMs,
    durationMs,
    status: 'unset',
    attributes: {},
    ...(parentSpanId ? { parentSpanId } : {}),
    ...extra,
  };
}

describe('SpanStore', () => {
  test('groups spans by trace; parents before children in the waterfall, with offsets', () => {
    const store = new SpanStore(10, 10);
    store.onSpanEnd(span('t1', 'child', 'root', 1000, 5));
    store.onSpanEnd(span('t1', 'grandchild', 'child', 1001, 2));
    store.onSpanEnd(span('t1', 'root', undefined, 1000, 10, { attributes: { 'order.id': 'o-1', big: 'x'.repeat(1000) } }));
    const [trace] = store.recent(5);
    expect(trace!.root).toBe('root');
    expect(trace!.durationMs).toBe(10);
    expect(trace!.spans.map((s) => [s.name, s.parent, s.offsetMs])).toEqual([
      ['root', null, 0],
      ['child', 'root', 0],
      ['grandchild', 'child', 1],
    ]);
    expect(trace!.spans[0]!.attributes['order.id']).toBe('o-1');
    expect(String(trace!.spans[0]!.attributes['big']).length).toBe(257); // 256 characters and an ellipsis
  });

  test("leaves out the page's own HTTP requests (its event stream would top the slowest), not the service's", () => {
    const store = new SpanStore(10, 10, '/status');
    store.onSpanEnd(span('page', 'GET', undefined, 0, 60_000, { kind: 'server', attributes: { 'url.path': '/status/stream' } }));
    store.onSpanEnd(span('page2', 'GET', undefined, 0, 5, { kind: 'server', attributes: { 'url.path': '/status' } }));
    store.onSpanEnd(span('api', 'GET /orders/:id', undefined, 0, 3, { kind: 'server', attributes: { 'url.path': '/orders/7' } }));
    store.onSpanEnd(span('lookalike', 'GET', undefined, 0, 4, { kind: 'server', attributes: { 'url.path': '/statusboard' } }));
    expect(
      store
        .recent(10)
        .map((t) => t.traceId)
        .sort(),
    ).toEqual(['api', 'lookalike']);
  });

  test('failed traces first, then the slowest', () => {
    const store = new SpanStore(10, 10);
    store.onSpanEnd(span('fast', 'a', undefined, 0, 1));
    store.onSpanEnd(span('slow', 'b', undefined, 0, 50));
    store.onSpanEnd(span('failed', 'c', undefined, 0, 2, { status: 'error', statusMessage: 'boom' }));
    expect(store.recent(3).map((t) => [t.traceId, t.error])).toEqual([
      ['failed', true],
      ['slow', false],
      ['fast', false],
    ]);
    expect(store.recent(3)[0]!.spans[0]!.statusMessage).toBe('boom');
  });

  test('bounded: the oldest trace goes, spans past the limit are counted', () => {
    const store = new SpanStore(3, 2);
    for (let i = 0; i < 10; i++) store.onSpanEnd(span(`t${i}`, `s${i}`, undefined, i, 1));
    expect(store.size).toBe(3);
    expect(store.evictedTraces).toBe(7);
    expect(
      store
        .recent(10)
        .map((t) => t.traceId)
        .sort(),
    ).toEqual(['t7', 't8', 't9']);
    for (let i = 0; i < 5; i++) store.onSpanEnd(span('t9', `extra${i}`, 's9', 9, 1));
    expect(store.recent(10).find((t) => t.traceId === 't9')!.spans).toHaveLength(2);
    expect(store.droppedSpans).toBe(4);
    expect(store.recent(10).find((t) => t.traceId === 't9')!.droppedSpans).toBe(4);
  });

  test('a parent cycle (malformed input) keeps every span', () => {
    const store = new SpanStore(3, 10);
    store.onSpanEnd(span('t', 'a', 'b', 0, 1));
    store.onSpanEnd(span('t', 'b', 'a', 0, 1));
    expect(store.recent(1)[0]!.spans).toHaveLength(2);
  });

  test('maxTraces 0 keeps nothing', () => {
    const store = new SpanStore(0, 10);
    store.onSpanEnd(span('t', 'a', undefined, 0, 1));
    expect(store.size).toBe(0);
  });
});
