// OTEL_PROPAGATORS / the propagators option through the SDK's propagators, and the optional B3.
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { MissingPropagatorError, OpenTelemetry, extractTraceparent, injectTraceparent, scope } from '../../src/index.js';
import { buildPropagator, loadB3 } from '../../src/propagation/propagators.js';
import { configureInMemory } from '../helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('propagators', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('b3 and b3multi come from @opentelemetry/propagator-b3 when it is installed', () => {
    const headers: Record<string, string> = {};
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    buildPropagator(['b3']).inject(ctx, headers, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
    expect(headers).toEqual({ b3: `${TRACE_ID}-${SPAN_ID}-1` });
    const multi: Record<string, string> = {};
    buildPropagator(['b3multi']).inject(ctx, multi, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
    expect(multi).toEqual({ 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': SPAN_ID, 'x-b3-sampled': '1' });
  });

  it('a missing propagator-b3 is a MissingPropagatorError saying what to install', () => {
    const notFound = (() => {
      throw Object.assign(new Error("Cannot find module '@opentelemetry/propagator-b3'"), { code: 'MODULE_NOT_FOUND' });
    }) as unknown as NodeJS.Require;
    expect(() => buildPropagator(['tracecontext', 'b3'], () => loadB3(notFound))).toThrow(MissingPropagatorError);
    expect(() => buildPropagator(['b3'], () => loadB3(notFound))).toThrow(
      'The b3 / b3multi propagator needs @opentelemetry/propagator-b3, which could not be loaded: install it (npm install @opentelemetry/propagator-b3)',
    );
  });

  it('configure({ propagators }) registers them globally; injectTraceparent writes what they write', () => {
    configureInMemory({ propagators: ['b3multi'] });
    const headers = scope('s', () => injectTraceparent<Record<string, string>>({}));
    expect(Object.keys(headers).sort()).toEqual(['x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
    expect(propagation.fields().sort()).toEqual(['x-b3-flags', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
  });

  it("propagators ['none'] injects nothing; the default writes traceparent", async () => {
    configureInMemory({ propagators: ['none'] });
    expect(scope('s', () => injectTraceparent<Record<string, string>>({}))).toEqual({});
    await OpenTelemetry.resetForTesting();
    configureInMemory();
    const headers = scope('s', () => injectTraceparent<Record<string, string>>({}));
    const active = scope('t', () => trace.getSpanContext(context.active()));
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(active).toBeDefined();
    // extractTraceparent reads what injectTraceparent wrote.
    expect(extractTraceparent(headers)).toEqual({ traceparent: headers.traceparent });
  });
});
