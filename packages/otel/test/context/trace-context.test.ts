import { TraceFlags } from '@opentelemetry/api';
import {
  extractTraceparent,
  injectTraceparent,
  InvalidTraceContextError,
  InvalidTraceIdError,
  InvalidTraceparentError,
  OpenTelemetry,
  parseTraceId,
  parseTraceparent,
  scope,
} from '../../src/index.js';
import { configureInMemory, parentOf, type InMemoryTelemetry } from '../helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe('parseTraceId', () => {
  it('accepts 32 hex digits, upper case and the UUID form, returning lowercase hex', () => {
    expect(parseTraceId(TRACE_ID)).toBe(TRACE_ID);
    expect(parseTraceId(TRACE_ID.toUpperCase())).toBe(TRACE_ID);
    expect(parseTraceId('4bf92f35-77b3-4da6-a3ce-929d0e0e4736')).toBe(TRACE_ID);
  });

  it.each([
    ['too short', '4bf92f3577b34da6'],
    ['not hex', 'zz' + TRACE_ID.slice(2)],
    ['all zeros', '0'.repeat(32)],
    ['empty', ''],
  ])('rejects %s with InvalidTraceIdError', (_what, value) => {
    expect(() => parseTraceId(value)).toThrow(InvalidTraceIdError);
    expect(() => parseTraceId(value)).toThrow(`Invalid external trace id ${JSON.stringify(value)}: expected 32 hexadecimal digits`);
  });
});

describe('parseTraceparent', () => {
  it('reads trace id, parent span id and the sampled flag as a remote context', () => {
    expect(parseTraceparent(TRACEPARENT)).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`).traceFlags).toBe(TraceFlags.NONE);
    expect(parseTraceparent(TRACEPARENT, 'vendor=abc').traceState?.get('vendor')).toBe('abc');
  });

  it('accepts a future version with extra fields', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01-extra`).spanId).toBe(PARENT_ID);
  });

  it.each([
    ['a wrong shape', 'not-a-traceparent', 'not four dash-separated lowercase hex fields'],
    ['upper case', TRACEPARENT.toUpperCase(), 'not four dash-separated lowercase hex fields'],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`, 'version ff is forbidden'],
    ['version 00 with a fifth field', `${TRACEPARENT}-x`, 'version 00 has exactly four fields'],
    ['a zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`, 'the trace id is all zeros'],
    ['a zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`, 'the parent span id is all zeros'],
  ])('rejects %s with InvalidTraceparentError', (_what, value, reason) => {
    expect(() => parseTraceparent(value)).toThrow(InvalidTraceparentError);
    expect(() => parseTraceparent(value)).toThrow(`Invalid traceparent ${JSON.stringify(value)}: ${reason};`);
  });
});

describe('extractTraceparent', () => {
  it('reads traceparent and tracestate from Node headers, a fetch Headers, or mixed-case keys', () => {
    expect(extractTraceparent({ traceparent: TRACEPARENT, tracestate: 'a=1' })).toEqual({ traceparent: TRACEPARENT, tracestate: 'a=1' });
    expect(extractTraceparent(new Headers({ TraceParent: TRACEPARENT }))).toEqual({ traceparent: TRACEPARENT });
    expect(extractTraceparent({ Traceparent: ` ${TRACEPARENT} ` })).toEqual({ traceparent: TRACEPARENT });
  });

  it('returns undefined for a missing, malformed or repeated header instead of throwing', () => {
    expect(extractTraceparent({})).toBeUndefined();
    expect(extractTraceparent({ traceparent: 'garbage' })).toBeUndefined();
    expect(extractTraceparent({ traceparent: [TRACEPARENT, TRACEPARENT] })).toBeUndefined();
  });
});

// Header values from the network or a framework may be anything; none of them may throw.
const NOT_STRINGS: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['an object', { value: TRACEPARENT }],
  ['a null-prototype object', Object.create(null) as unknown],
  ['a Symbol', Symbol('traceparent')],
  ['a function', () => TRACEPARENT],
  [
    'a value whose toString throws',
    {
      toString: () => {
        throw new Error('no text');
      },
    },
  ],
  ['an array holding a non-string', [{ toString: () => TRACEPARENT }]],
  ['a number', 42],
  ['a boolean', true],
  ['a bigint', 10n],
];

describe('non-string trace context header values are absent, never thrown on', () => {
  it.each(NOT_STRINGS)('extractTraceparent: traceparent is %s', (_name, value) => {
    expect(extractTraceparent({ traceparent: value } as never)).toBeUndefined();
  });

  it.each(NOT_STRINGS)('extractTraceparent: tracestate is %s, traceparent still read', (_name, value) => {
    expect(extractTraceparent({ traceparent: TRACEPARENT, tracestate: value } as never)).toEqual({ traceparent: TRACEPARENT });
  });

  it.each(NOT_STRINGS)('observability({ tracestate }) with %s joins the traceparent without a tracestate', (_name, value) => {
    const observability = OpenTelemetry.observability({ traceparent: TRACEPARENT, tracestate: value as never });
    expect(observability.remoteParent).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID });
    expect(observability.remoteParent?.traceState).toBeUndefined();
  });
});

describe('external trace linking', () => {
  let t: InMemoryTelemetry;
  beforeEach(() => {
    t = configureInMemory();
  });
  afterEach(() => OpenTelemetry.resetForTesting());

  it('externalTraceId: the root scope starts that trace as a true root, children follow', async () => {
    const observability = OpenTelemetry.observability({ externalTraceId: TRACE_ID.toUpperCase() });
    await observability.scope('service-handler', async () => {
      await scope('db', () => Promise.resolve());
    });
    const root = t.span('service-handler');
    expect(root.spanContext().traceId).toBe(TRACE_ID);
    expect(root.parentSpanContext).toBeUndefined();
    expect(t.span('db').spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(t.span('db'))).toBe(root.spanContext().spanId);
  });

  it('externalTraceId wins over a span active where the root scope starts', () => {
    scope('unrelated', () => {
      OpenTelemetry.observability({ externalTraceId: TRACE_ID }).scope('linked', () => undefined);
    });
    expect(t.span('linked').spanContext().traceId).toBe(TRACE_ID);
    expect(t.span('linked').parentSpanContext).toBeUndefined();
    expect(t.span('unrelated').spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('traceparent: the root scope is a child of the remote parent span', () => {
    OpenTelemetry.observability({ traceparent: TRACEPARENT, tracestate: 'vendor=abc' }).scope('handler', () => undefined);
    const span = t.span('handler');
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, isRemote: true });
    expect(span.spanContext().traceState?.get('vendor')).toBe('abc');
  });

  it('an unsampled traceparent is honoured: nothing is exported', () => {
    OpenTelemetry.observability({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` }).scope('handler', () => undefined);
    expect(t.spans.getFinishedSpans()).toHaveLength(0);
  });

  it('an observability can be reused: each root scope joins the trace', () => {
    const observability = OpenTelemetry.observability({ externalTraceId: TRACE_ID });
    observability.scope('first', () => undefined);
    observability.scope('second', () => undefined);
    expect(t.spans.getFinishedSpans().map((s) => s.spanContext().traceId)).toEqual([TRACE_ID, TRACE_ID]);
    // Only the linked roots get the external id; a plain scope afterwards starts its own trace.
    scope('plain', () => undefined);
    expect(t.span('plain').spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('rejects bad ids at observability() with clear errors', () => {
    expect(() => OpenTelemetry.observability({ externalTraceId: 'req-123' })).toThrow(InvalidTraceIdError);
    expect(() => OpenTelemetry.observability({ traceparent: '00-abc-def-01' })).toThrow(InvalidTraceparentError);
    expect(() => OpenTelemetry.observability({ externalTraceId: 'f'.repeat(32), traceparent: TRACEPARENT })).toThrow(
      InvalidTraceContextError,
    );
    expect(OpenTelemetry.observability({ externalTraceId: TRACE_ID, traceparent: TRACEPARENT }).traceId).toBe(TRACE_ID);
  });

  it('round-trips over HTTP headers: inject in the caller, extract in the callee', () => {
    const outgoing: Record<string, string> = {};
    scope('client-call', () => injectTraceparent(outgoing));
    const client = t.span('client-call').spanContext();
    expect(outgoing).toEqual({ traceparent: `00-${client.traceId}-${client.spanId}-01` });

    const incoming = extractTraceparent(outgoing);
    OpenTelemetry.observability({ ...incoming }).scope('server-handler', () => undefined);
    const server = t.span('server-handler');
    expect(server.spanContext().traceId).toBe(client.traceId);
    expect(parentOf(server)).toBe(client.spanId);
  });

  it('injectTraceparent writes into a fetch Headers and leaves headers alone outside a scope', () => {
    const headers = new Headers();
    scope('fetch', () => injectTraceparent(headers));
    expect(headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const untouched: Record<string, string> = { accept: 'json' };
    expect(injectTraceparent(untouched)).toEqual({ accept: 'json' });
  });
});
