import {
  claimHttpServerMetrics,
  httpMethodOf,
  httpServerMetricsRecordedElsewhere,
  httpServerMetricsRecorders,
} from '../../src/internal.js';

const OTEL_STATE = Symbol.for('sightline.otel.state');
type WithOtel = typeof globalThis & { [OTEL_STATE]?: { sdk?: unknown } };

describe('who records the HTTP server metrics', () => {
  afterEach(() => delete (globalThis as WithOtel)[OTEL_STATE]);

  it('lists the recorders that claimed them, each until its claim is released (once)', () => {
    expect(httpServerMetricsRecorders()).toEqual([]);
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(false);
    const mine = claimHttpServerMetrics('prometheus');
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(false);
    const first = claimHttpServerMetrics('otel');
    const second = claimHttpServerMetrics('otel');
    expect(httpServerMetricsRecorders('prometheus')).toEqual(['otel']);
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(true);
    first();
    first();
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(true);
    second();
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(false);
    mine();
    expect(httpServerMetricsRecorders()).toEqual([]);
  });

  it('counts a configured @sightline/otel bridge as a recorder, from its process-wide state', () => {
    (globalThis as WithOtel)[OTEL_STATE] = { sdk: undefined };
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(false);
    (globalThis as WithOtel)[OTEL_STATE] = { sdk: {} };
    expect(httpServerMetricsRecordedElsewhere('prometheus')).toBe(true);
    expect(httpServerMetricsRecorders('prometheus')).toEqual(['otel']);
    expect(httpServerMetricsRecordedElsewhere('otel')).toBe(false);
  });
});

describe('httpMethodOf', () => {
  it('keeps the standard methods (upper-cased), and bounds the rest as _OTHER', () => {
    expect(['GET', 'post', 'QUERY', undefined, 'PURGE', 'get2'].map(httpMethodOf)).toEqual([
      'GET',
      'POST',
      'QUERY',
      'GET',
      '_OTHER',
      '_OTHER',
    ]);
  });
});
