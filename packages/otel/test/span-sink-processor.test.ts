// Finished spans reach core SpanSinks (the status page's recent traces) through the otel plugin.
import type { FinishedSpan } from '@sightline/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { setup } from '@sightline/setup';
import { OpenTelemetry, otel, scope, SpanSinkProcessor } from '../src/index.js';

describe('span sinks', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('a plugin bringing a spanSink gets every finished span, parents and errors included, next to the exporter', async () => {
    const received: FinishedSpan[] = [];
    const exporter = new InMemorySpanExporter();
    const obs = setup({
      service: 'sinks',
      plugins: [{ name: 'page', spanSink: { onSpanEnd: (s) => received.push(s) } }, otel({ spanExporter: exporter })],
    });
    await obs.start();
    await OpenTelemetry.observability().scope('parent', { attributes: { 'order.id': 'o-1' } }, async () => {
      await scope('child', () => Promise.resolve());
      await scope('failing', () => Promise.reject(new Error('card declined'))).catch(() => undefined);
    });
    await OpenTelemetry.flush();
    const parent = received.find((s) => s.name === 'parent')!;
    const child = received.find((s) => s.name === 'child')!;
    const failing = received.find((s) => s.name === 'failing')!;
    expect(parent.parentSpanId).toBeUndefined();
    expect(parent.attributes['order.id']).toBe('o-1');
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(child.traceId).toBe(parent.traceId);
    expect(failing.status).toBe('error');
    expect(parent.durationMs).toBeGreaterThanOrEqual(child.durationMs);
    expect(parent.kind).toBe('internal');
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['child', 'failing', 'parent']);
    await obs.close();
  });

  it('a sink that throws is logged once and the others still get the span', () => {
    const good: string[] = [];
    const processor = new SpanSinkProcessor(
      {
        onSpanEnd: () => {
          throw new Error('bad sink');
        },
      },
      { onSpanEnd: (s) => good.push(s.name) },
    );
    const span = {
      name: 'x',
      kind: 0,
      spanContext: () => ({ traceId: 't', spanId: 's', traceFlags: 1 }),
      startTime: [1, 0],
      duration: [0, 1_000_000],
      status: { code: 0 },
      attributes: {},
    };
    expect(() => processor.onEnd(span as never)).not.toThrow();
    expect(() => processor.onEnd(span as never)).not.toThrow();
    expect(good).toEqual(['x', 'x']);
  });
});
