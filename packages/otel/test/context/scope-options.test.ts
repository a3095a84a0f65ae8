// scope(name, { kind, links }), the configurable success status, and externalTraceId's two modes.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OpenTelemetry, scope } from '../../src/index.js';
import { configureInMemory, type InMemoryTelemetry } from '../helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('scope options', () => {
  let t: InMemoryTelemetry;
  afterEach(() => OpenTelemetry.resetForTesting());

  describe('with the default success status', () => {
    beforeEach(() => {
      t = configureInMemory();
    });

    it.each([
      ['internal', SpanKind.INTERNAL],
      ['server', SpanKind.SERVER],
      ['client', SpanKind.CLIENT],
      ['producer', SpanKind.PRODUCER],
      ['consumer', SpanKind.CONSUMER],
      [SpanKind.CONSUMER, SpanKind.CONSUMER],
    ] as const)('kind %s gives a span of that kind', (kind, expected) => {
      scope('k', { kind }, () => undefined);
      expect(t.span('k').kind).toBe(expected);
    });

    it('the default kind is INTERNAL and the default success status UNSET', () => {
      scope('plain', () => undefined);
      expect(t.span('plain').kind).toBe(SpanKind.INTERNAL);
      expect(t.span('plain').status.code).toBe(SpanStatusCode.UNSET);
    });

    it('an unknown kind is a TypeError naming it, and runs nothing', () => {
      let ran = false;
      expect(() => scope('k', { kind: 'sideways' as never }, () => (ran = true))).toThrow(
        'scope("k"): invalid kind "sideways", expected internal, server, client, producer or consumer',
      );
      expect(ran).toBe(false);
    });

    it('links given to a scope are on its span', () => {
      const context = { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: 1 };
      scope('linked', { links: [{ context, attributes: { why: 'batch' } }] }, () => undefined);
      expect(t.span('linked').links).toMatchObject([{ context, attributes: { why: 'batch' } }]);
    });

    it("externalTraceMode 'link': the root stays in its own trace, under the active span, linked to the external one", () => {
      scope('outer', () => {
        OpenTelemetry.observability({ externalTraceId: TRACE_ID, externalTraceMode: 'link' }).scope('linked', () => undefined);
      });
      const linked = t.span('linked');
      expect(linked.spanContext().traceId).toBe(t.span('outer').spanContext().traceId);
      expect(linked.parentSpanContext?.spanId).toBe(t.span('outer').spanContext().spanId);
      expect(linked.links).toHaveLength(1);
      expect(linked.links[0]!.context.traceId).toBe(TRACE_ID);
      expect(linked.links[0]!.attributes).toEqual({ 'sightline.link.source': 'externalTraceId' });
    });

    it("externalTraceMode 'join' (default) makes the root part of the external trace", () => {
      OpenTelemetry.observability({ externalTraceId: TRACE_ID, externalTraceMode: 'join' }).scope('joined', () => undefined);
      expect(t.span('joined').spanContext().traceId).toBe(TRACE_ID);
      expect(t.span('joined').links).toEqual([]);
    });

    it('an unknown externalTraceMode is refused', () => {
      expect(() => OpenTelemetry.observability({ externalTraceId: TRACE_ID, externalTraceMode: 'merge' as never })).toThrow(
        'Invalid externalTraceMode "merge": expected "join" or "link"',
      );
    });
  });

  describe("successStatus: 'ok'", () => {
    beforeEach(() => {
      t = configureInMemory({ successStatus: 'ok' });
    });

    it('sets OK on success, sync and async, and still ERROR on failure', async () => {
      scope('sync', () => undefined);
      await scope('async', () => Promise.resolve());
      await expect(scope('fails', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
      expect(t.span('sync').status.code).toBe(SpanStatusCode.OK);
      expect(t.span('async').status.code).toBe(SpanStatusCode.OK);
      expect(t.span('fails').status).toEqual({ code: SpanStatusCode.ERROR, message: 'no' });
    });
  });
});
