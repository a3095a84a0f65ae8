import { SpanStatusCode, trace } from '@opentelemetry/api';
import { OpenTelemetry, scope } from '../../src/index.js';
import { configureInMemory, parentOf, sleep, type InMemoryTelemetry } from '../helpers.js';

describe('scope', () => {
  let t: InMemoryTelemetry;
  beforeEach(() => {
    t = configureInMemory();
  });
  afterEach(() => OpenTelemetry.resetForTesting());

  it('runs a sync function in a span and returns its value, leaving the status UNSET on success', () => {
    const value = scope('sync', () => 42);
    expect(value).toBe(42);
    const span = t.span('sync');
    expect(span.ended).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentOf(span)).toBeUndefined();
  });

  it('runs an async function and ends the span when its promise settles', async () => {
    const pending = scope('async', async () => {
      await sleep(5);
      return 'done';
    });
    expect(t.spans.getFinishedSpans()).toHaveLength(0);
    await expect(pending).resolves.toBe('done');
    expect(t.span('async').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('nests: a scope inside a scope is its child, across awaits', async () => {
    await scope('outer', async () => {
      await sleep(1);
      await scope('middle', async () => {
        await sleep(1);
        scope('inner', () => undefined);
      });
    });
    const outer = t.span('outer');
    const middle = t.span('middle');
    const inner = t.span('inner');
    expect(parentOf(middle)).toBe(outer.spanContext().spanId);
    expect(parentOf(inner)).toBe(middle.spanContext().spanId);
    expect(new Set([outer, middle, inner].map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('gives concurrent scopes under one parent that same parent, not each other', async () => {
    await scope('parent', async () => {
      await Promise.all(
        [3, 1, 2].map((delay, i) =>
          scope(`child-${i}`, async () => {
            await sleep(delay);
            await scope(`grandchild-${i}`, () => sleep(delay));
          }),
        ),
      );
    });
    const parent = t.span('parent');
    for (let i = 0; i < 3; i++) {
      const child = t.span(`child-${i}`);
      expect(parentOf(child)).toBe(parent.spanContext().spanId);
      expect(parentOf(t.span(`grandchild-${i}`))).toBe(child.spanContext().spanId);
    }
    expect(t.spans.getFinishedSpans()).toHaveLength(7);
  });

  it('sets the attributes given at start, dropping null and undefined', () => {
    scope('attrs', { attributes: { 'user.id': 'u-1', retries: 2, cached: false, missing: undefined, none: null } }, () => 0);
    expect(t.span('attrs').attributes).toEqual({ 'user.id': 'u-1', retries: 2, cached: false });
  });

  it('marks a throwing sync scope ERROR, records the exception and rethrows the same error', () => {
    const error = new TypeError('bad input');
    expect(() =>
      scope('throws', () => {
        throw error;
      }),
    ).toThrow(error);
    const span = t.span('throws');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(span.events).toHaveLength(1);
    expect(span.events[0]!.name).toBe('exception');
    expect(span.events[0]!.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'bad input' });
    expect(span.events[0]!.attributes!['exception.stacktrace']).toContain('TypeError: bad input');
  });

  it('marks a rejecting async scope ERROR and rejects with the same error', async () => {
    class PaymentDeclined extends Error {
      override name = 'PaymentDeclined';
    }
    const error = new PaymentDeclined('card expired');
    await expect(
      scope('rejects', async () => {
        await sleep(1);
        throw error;
      }),
    ).rejects.toBe(error);
    const span = t.span('rejects');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card expired' });
    expect(span.events[0]!.attributes).toMatchObject({ 'exception.type': 'PaymentDeclined', 'exception.message': 'card expired' });
  });

  it('records a thrown non-Error value as the exception message', () => {
    expect(() =>
      scope('throws-string', () => {
        // A non-Error throw on purpose: what a careless caller can throw.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'plain string';
      }),
    ).toThrow('plain string');
    const span = t.span('throws-string');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'plain string' });
    expect(span.events[0]!.attributes).toEqual({ 'exception.message': 'plain string' });
  });

  it('ends the parent with ERROR but leaves a finished sibling OK', async () => {
    await expect(
      scope('parent', async () => {
        await scope('fine', () => sleep(1));
        await scope('broken', () => Promise.reject(new Error('no')));
      }),
    ).rejects.toThrow('no');
    expect(t.span('fine').status.code).toBe(SpanStatusCode.UNSET);
    expect(t.span('broken').status.code).toBe(SpanStatusCode.ERROR);
    expect(t.span('parent').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('interleaves with raw OpenTelemetry spans in both directions', () => {
    const tracer = trace.getTracer('raw');
    tracer.startActiveSpan('raw-outer', (raw) => {
      scope('bridge', () => tracer.startActiveSpan('raw-inner', (span) => span.end()));
      raw.end();
    });
    const rawOuter = t.span('raw-outer');
    const bridge = t.span('bridge');
    expect(parentOf(bridge)).toBe(rawOuter.spanContext().spanId);
    expect(parentOf(t.span('raw-inner'))).toBe(bridge.spanContext().spanId);
  });

  it('refuses options without a function', () => {
    expect(() => (scope as (n: string, o: object) => unknown)('x', {})).toThrow(
      'scope("x", options, fn): fn must be a function, got undefined',
    );
  });
});

describe('scope before configure', () => {
  it('still runs the function and returns its value (spans go to the global API, a no-op here)', async () => {
    expect(OpenTelemetry.isConfigured).toBe(false);
    expect(scope('unconfigured', () => 7)).toBe(7);
    await expect(scope('unconfigured-async', () => Promise.resolve(8))).resolves.toBe(8);
    await expect(scope('unconfigured-error', () => Promise.reject(new Error('still rethrown')))).rejects.toThrow('still rethrown');
  });
});
