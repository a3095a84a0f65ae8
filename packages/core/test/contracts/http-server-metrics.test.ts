import {
  claimHttpServerMetrics,
  httpMethodOf,
  httpServerMetricsRecordedElsewhere,
  httpServerMetricsRecorders,
} from '../../src/internal.js';

describe('who records the HTTP server metrics', () => {
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
