// Every span, log record and metric point the batch pipelines lose is counted, per signal: past the
// queue bound, in a failed export, or still pending at the shutdown deadline; one warning when an
// outage starts, one with the count when it ends; the counts in stats() and as a metric.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { logInfo, OpenTelemetry, recordMetric, scope } from '../../src/index.js';
import { captureLogs } from '../helpers.js';

const BSP = {
  OTEL_BSP_MAX_QUEUE_SIZE: '10',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '5',
  OTEL_BLRP_MAX_QUEUE_SIZE: '10',
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '5',
};
const FAILED: ExportResult = { code: ExportResultCode.FAILED, error: new Error('collector down') };
const OK: ExportResult = { code: ExportResultCode.SUCCESS };

type Answer = (result: ExportResult) => void;

/** At the end of a test, held exporters fail what they hold and all that comes later, so the SDK's export timers stop. */
const toRelease: Array<() => void> = [];

/** An exporter whose answers the test gives: held until `answerAll`. */
function heldExporter<T>() {
  const held: Array<{ items: T[]; done: Answer }> = [];
  let released = false;
  const answerAll = (result: ExportResult) => {
    for (const { done } of held.splice(0)) done(result);
  };
  toRelease.push(() => {
    released = true;
    answerAll(FAILED);
  });
  return {
    held,
    exporter: {
      export: (items: T[], done: Answer) => (released ? done(FAILED) : void held.push({ items, done })),
      shutdown: () => Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    },
    answerAll,
  };
}

describe('drop counting', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [k, v] of Object.entries(BSP)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(async () => {
    await OpenTelemetry.resetForTesting();
    for (const release of toRelease.splice(0)) release();
    for (const k of Object.keys(BSP)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('counts spans past the queue bound and in failed exports, warns once when the outage starts and once with the count when it ends', async () => {
    const logs = captureLogs();
    try {
      const spans = heldExporter<ReadableSpan>();
      OpenTelemetry.configure({
        service: 'drops',
        spanExporter: spans.exporter,
        http: false,
        resourceDetectors: false,
        shutdownTimeoutMs: 100,
      });
      for (let i = 0; i < 100; i++) scope(`s${i}`, () => undefined);
      // The exporter holds one batch; the queue holds 10 more; the rest were dropped and counted.
      const inExport = spans.held.reduce((n, h) => n + h.items.length, 0);
      expect(OpenTelemetry.stats().dropped.traces).toBe(100 - 10 - inExport);
      const warnings = () => logs.records.filter((r) => r.logger === 'sightline.otel' && r.level === 'warn').map((r) => r.message);
      expect(warnings()).toEqual(['dropping spans (queue full); counting them until an export succeeds']);

      spans.answerAll(FAILED); // the batch in flight is lost too
      expect(OpenTelemetry.stats().dropped.traces).toBe(100 - 10);
      expect(warnings()).toHaveLength(1);

      await new Promise((resolve) => setImmediate(resolve)); // the processor sends its next batch
      spans.answerAll(OK); // the collector is back: one line with the outage's count
      const ended = logs.records.filter((r) => r.message.includes('dropped during an export outage'));
      expect(ended).toHaveLength(1);
      expect(ended[0]!.message).toBe('90 spans dropped during an export outage (recovered)');
      expect(ended[0]!.fields).toMatchObject({ signal: 'traces', dropped: 90, dropped_total: 90 });
    } finally {
      logs.restore();
    }
  });

  it('counts log records past the queue bound', () => {
    const records = heldExporter<ReadableLogRecord>();
    OpenTelemetry.configure({
      service: 'drops',
      logRecordExporter: records.exporter,
      http: false,
      resourceDetectors: false,
      shutdownTimeoutMs: 100,
    });
    for (let i = 0; i < 50; i++) logInfo(`line ${i}`);
    const inExport = records.held.reduce((n, h) => n + h.items.length, 0);
    expect(OpenTelemetry.stats().dropped).toEqual({ traces: 0, metrics: 0, logs: 50 - 10 - inExport });
  });

  it('counts the points of failed metric exports', async () => {
    const failing = {
      export: (_m: ResourceMetrics, done: Answer) => done(FAILED),
      shutdown: () => Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    };
    OpenTelemetry.configure({ service: 'drops', metricExporter: failing, http: false, resourceDetectors: false });
    scope('m', () => {
      recordMetric('a', { value: 1, kind: 'counter' });
      recordMetric('b', { value: 2, kind: 'gauge' });
    });
    await OpenTelemetry.flush();
    // a, b and the drop counter's own three points (one per signal)
    expect(OpenTelemetry.stats().dropped.metrics).toBe(5);
  });

  it('exposes the counts as the sightline.otel.dropped metric, per signal', async () => {
    const spans = heldExporter<ReadableSpan>();
    const exported: ResourceMetrics[] = [];
    OpenTelemetry.configure({
      service: 'drops',
      spanExporter: spans.exporter,
      shutdownTimeoutMs: 100,
      metricExporter: {
        export: (m, done) => (exported.push(m), done(OK)),
        shutdown: () => Promise.resolve(),
        forceFlush: () => Promise.resolve(),
      },
      http: false,
      resourceDetectors: false,
    });
    for (let i = 0; i < 30; i++) scope(`s${i}`, () => undefined);
    const dropped = OpenTelemetry.stats().dropped.traces;
    expect(dropped).toBeGreaterThan(0);
    await OpenTelemetry.flush();
    const metric = exported
      .flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics))
      .find((m) => m.descriptor.name === 'sightline.otel.dropped');
    const bySignal = Object.fromEntries((metric?.dataPoints ?? []).map((p) => [String(p.attributes.signal), p.value] as const));
    expect(bySignal).toEqual({ traces: dropped, metrics: 0, logs: 0 });
  });

  it('close() is bounded by shutdownTimeoutMs: what is pending is abandoned, counted and logged', async () => {
    const logs = captureLogs();
    try {
      const spans = heldExporter<ReadableSpan>(); // never answers: a collector that accepts and stalls
      OpenTelemetry.configure({
        service: 'drops',
        spanExporter: spans.exporter,
        http: false,
        resourceDetectors: false,
        shutdownTimeoutMs: 50,
      });
      for (let i = 0; i < 12; i++) scope(`s${i}`, () => undefined);
      await OpenTelemetry.close(); // without the deadline: never settles
      // Nothing was exported: every span was dropped at the queue or abandoned at the deadline.
      expect(OpenTelemetry.stats().dropped.traces).toBe(12);
      const abandoned = logs.records.find((r) => r.message === 'shutdown abandoned after the 50 ms deadline');
      expect(abandoned?.fields).toMatchObject({ pending: 'traces', traces: 12 });
      expect(logs.records.some((r) => r.message === '12 spans dropped during an export outage (at shutdown)')).toBe(true);
    } finally {
      logs.restore();
    }
  });

  it('rejects a shutdownTimeoutMs that is not a positive integer', () => {
    expect(() => OpenTelemetry.configure({ service: 'drops', shutdownTimeoutMs: 0 })).toThrow(/shutdownTimeoutMs/);
  });
});
