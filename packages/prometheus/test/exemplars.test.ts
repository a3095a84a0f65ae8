// Exemplars on http_request_duration_seconds: the active OpenTelemetry trace (real SDK, real
// AsyncLocalStorage context manager), in the OpenMetrics body only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { httpMetrics, MetricsCollector } from '../src/index.js';
import { fakeDateOnly, get } from './helpers.js';

const EXEMPLAR_LINE =
  /^http_request_duration_seconds_bucket\{method="GET",endpoint="\/orders\/:id",le="([^"]+)"\} (\d+) # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} ([0-9.e-]+) (\d+\.?\d*)$/;

describe('exemplars carrying the active trace', () => {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  let tracer: Tracer;
  let unsampled: Tracer;
  const collector = new MetricsCollector();
  // A first bucket no loopback request can miss, however loaded the machine.
  const http = httpMetrics(collector, { buckets: [600, 6000] });
  const traced: string[] = [];
  let server: Server;
  let base = '';

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager);
    tracer = new BasicTracerProvider().getTracer('test');
    unsampled = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('off');
    // What an HTTP instrumentation does: the request is handled inside its server span.
    server = createServer((req, res) => {
      const use = req.url?.includes('unsampled') ? unsampled : req.url?.includes('untraced') ? undefined : tracer;
      const handle = () => {
        http.track(req, res, { route: '/orders/:id' });
        res.end('ok');
      };
      if (!use) return handle();
      use.startActiveSpan('GET /orders/:id', (span) => {
        traced.push(`${span.spanContext().traceId}/${span.spanContext().spanId}`);
        handle();
        span.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    context.disable();
  });

  it('puts the sampled trace of the last request in its bucket, in OpenMetrics only', async () => {
    // The exemplar's timestamp is read from Date.now(): frozen here, timers and I/O left real.
    fakeDateOnly(1_700_000_000_250);
    try {
      await get(`${base}/orders/1`);
      await get(`${base}/orders/2`);
      await get(`${base}/orders/3?unsampled`);
      await get(`${base}/orders/4?untraced`);
    } finally {
      jest.useRealTimers();
    }
    const body = await collector.render('openmetrics');
    const exemplars = body.split('\n').filter((l) => l.includes(' # {'));
    expect(exemplars).toHaveLength(1);
    const [, le, count, traceId, spanId, value, timestamp] = EXEMPLAR_LINE.exec(exemplars[0]!)!;
    // The latest sampled request's trace, in the first bucket, stamped when it was observed.
    expect([le, count, `${traceId}/${spanId}`, timestamp]).toEqual(['600', '4', traced[1], '1700000000.25']);
    expect(Number(value)).toBeGreaterThan(0);
    expect(await collector.render('prometheus')).not.toContain('#{');
    expect(await collector.render('prometheus')).not.toContain(' # ');
  });

  it('records none without an active sampled trace, or with exemplars: false', async () => {
    const plain = new MetricsCollector();
    const off = httpMetrics(plain, { exemplars: false });
    tracer.startActiveSpan('work', (span) => {
      off.observe('GET', '/x', 200, 0.1);
      span.end();
    });
    expect(await plain.render('openmetrics')).not.toContain(' # {');
    const other = new MetricsCollector();
    httpMetrics(other).observe('GET', '/y', 200, 0.1);
    expect(await other.render('openmetrics')).not.toContain(' # {');
    // observe() inside a span: that span's trace, in the bucket the value falls in (+Inf here).
    const inSpan = new MetricsCollector();
    const metrics = httpMetrics(inSpan, { buckets: [0.5, 5] });
    let id = '';
    tracer.startActiveSpan('job', (span) => {
      id = span.spanContext().traceId;
      metrics.observe('POST', '/jobs', 202, 7);
      span.end();
    });
    expect(await inSpan.render('openmetrics')).toMatch(
      new RegExp(
        `^http_request_duration_seconds_bucket\\{method="POST",endpoint="/jobs",le="\\+Inf"\\} 1 # \\{trace_id="${id}",span_id="[0-9a-f]{16}"\\} 7 \\d+\\.?\\d*$`,
        'm',
      ),
    );
  });
});

// The OpenTelemetry api stays optional: the trace lookup works without it ever being loaded.
describe('without OpenTelemetry set up', () => {
  it('observes without exemplars', async () => {
    const collector = new MetricsCollector();
    httpMetrics(collector).observe('GET', '/z', 200, 0.2);
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(await collector.render('openmetrics')).toContain('http_request_duration_seconds_count{method="GET",endpoint="/z"} 1\n');
  });
});
