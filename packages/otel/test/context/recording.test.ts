import { SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { DataPointType, type Histogram } from '@opentelemetry/sdk-metrics';
import {
  logDebug,
  logError,
  logInfo,
  logWarning,
  OpenTelemetry,
  recordAttributes,
  recordEvent,
  recordMetric,
  scope,
} from '../../src/index.js';
import { captureLogs, configureInMemory, points, type InMemoryTelemetry } from '../helpers.js';

describe('recording inside a scope', () => {
  let t: InMemoryTelemetry;
  beforeEach(() => {
    t = configureInMemory();
  });
  afterEach(() => OpenTelemetry.resetForTesting());

  describe('recordMetric', () => {
    it('adds counter values per attribute set', async () => {
      scope('work', () => {
        recordMetric('requests.processed', { value: 10, kind: 'counter' });
        recordMetric('requests.processed', { value: 5, kind: 'counter' });
        recordMetric('requests.processed', { value: 1, kind: 'counter', attributes: { method: 'POST', status: 'success' } });
      });
      const metric = (await t.metrics()).get('requests.processed')!;
      expect(metric.dataPointType).toBe(DataPointType.SUM);
      expect(points(metric)).toEqual([
        [{}, 15],
        [{ method: 'POST', status: 'success' }, 1],
      ]);
    });

    it('records histogram values with their unit', async () => {
      scope('work', () => {
        for (const v of [100, 20, 3]) recordMetric('request.duration', { value: v, kind: 'histogram', unit: 'ms' });
      });
      const metric = (await t.metrics()).get('request.duration')!;
      expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
      expect(metric.descriptor.unit).toBe('ms');
      const value = metric.dataPoints[0]!.value as Histogram;
      expect([value.count, value.sum, value.min, value.max]).toEqual([3, 123, 3, 100]);
    });

    it('keeps the last gauge value per attribute set', async () => {
      scope('work', () => {
        recordMetric('active_connections', { value: 42, kind: 'gauge' });
        recordMetric('active_connections', { value: 40, kind: 'gauge' });
        recordMetric('cpu.usage', { value: 75.5, kind: 'gauge', unit: 'percent', attributes: { core: 0 } });
      });
      const metrics = await t.metrics();
      expect(metrics.get('active_connections')!.dataPointType).toBe(DataPointType.GAUGE);
      expect(points(metrics.get('active_connections'))).toEqual([[{}, 40]]);
      expect(points(metrics.get('cpu.usage'))).toEqual([[{ core: 0 }, 75.5]]);
    });

    it('records outside any scope too (metrics need no span)', async () => {
      recordMetric('startup.count', { value: 1, kind: 'counter' });
      expect(points((await t.metrics()).get('startup.count'))).toEqual([[{}, 1]]);
    });

    it('drops NaN, infinite and negative counter values without throwing, reporting each once', async () => {
      const logs = captureLogs();
      try {
        scope('work', () => {
          recordMetric('bad', { value: Number.NaN, kind: 'histogram' });
          recordMetric('bad', { value: Number.NaN, kind: 'histogram' });
          recordMetric('bad.inf', { value: Infinity, kind: 'gauge' });
          recordMetric('bad.neg', { value: -1, kind: 'counter' });
          recordMetric('bad.kind', { value: 1, kind: 'summary' as 'counter' });
        });
      } finally {
        logs.restore();
      }
      const metrics = await t.metrics();
      expect([...metrics.keys()]).toEqual([]);
      expect(logs.records.map((r) => [r.logger, r.level, r.message])).toEqual([
        ['sightline.otel', 'warn', 'metric "bad": value NaN is not a finite number; dropped'],
        ['sightline.otel', 'warn', 'metric "bad.inf": value Infinity is not a finite number; dropped'],
        ['sightline.otel', 'warn', 'metric "bad.neg": a counter only goes up, got -1; dropped'],
        ['sightline.otel', 'warn', 'metric "bad.kind": unknown kind "summary", expected counter, histogram or gauge; dropped'],
      ]);
    });
  });

  it('recordEvent adds a span event with attributes, dropping null values', () => {
    scope('user-service', () => {
      recordEvent('user.login', { user_id: 'user-123', success: true, client_ip: null });
      recordEvent('cache.miss');
    });
    const events = t.span('user-service').events;
    expect(events.map((e) => [e.name, e.attributes])).toEqual([
      ['user.login', { user_id: 'user-123', success: true }],
      ['cache.miss', {}],
    ]);
  });

  it('recordAttributes sets attributes on the current span only', () => {
    scope('outer', () => {
      scope('inner', () => recordAttributes({ 'request.id': 'req-123', 'user.id': undefined }));
      recordAttributes({ 'batch.size': 10 });
    });
    expect(t.span('inner').attributes).toEqual({ 'request.id': 'req-123' });
    expect(t.span('outer').attributes).toEqual({ 'batch.size': 10 });
  });

  it('emits log records carrying the trace and span id of the scope they were written in', async () => {
    await scope('outer', async () => {
      logInfo('processing batch', { batch: 7 });
      await scope('inner', () => Promise.resolve(logWarning('slow dependency', { ms: 250 })));
    });
    const outer = t.span('outer').spanContext();
    const inner = t.span('inner').spanContext();
    const records = t.logs.getFinishedLogRecords();
    expect(
      records.map((r) => [r.body, r.severityNumber, r.severityText, r.attributes, r.spanContext?.traceId, r.spanContext?.spanId]),
    ).toEqual([
      ['processing batch', SeverityNumber.INFO, 'INFO', { batch: 7 }, outer.traceId, outer.spanId],
      ['slow dependency', SeverityNumber.WARN, 'WARN', { ms: 250 }, inner.traceId, inner.spanId],
    ]);
    expect(records[0]!.resource.attributes['service.name']).toBe('test-service');
  });

  it('logError with an exception puts it on the record and on the span, without failing the span', () => {
    scope('lookup', () => logError('user not found', { user_id: 'u-9' }, new RangeError('no row')));
    const [record] = t.logs.getFinishedLogRecords();
    expect(record!.severityNumber).toBe(SeverityNumber.ERROR);
    expect(record!.attributes).toMatchObject({ user_id: 'u-9', 'exception.type': 'RangeError', 'exception.message': 'no row' });
    const span = t.span('lookup');
    expect(span.events.map((e) => [e.name, e.attributes!['exception.message']])).toEqual([['exception', 'no row']]);
    expect(span.status.code).toBe(SpanStatusCode.UNSET); // the scope itself completed
  });

  it('logs outside any scope carry no span context', () => {
    logInfo('starting');
    const [record] = t.logs.getFinishedLogRecords();
    expect(record!.body).toBe('starting');
    expect(record!.spanContext).toBeUndefined();
  });

  describe('observability level', () => {
    it('drops records below the level (default info drops debug)', () => {
      scope('default-level', () => {
        logDebug('not recorded');
        logInfo('recorded');
      });
      expect(t.logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['recorded']);
    });

    it('applies the observability level to the whole subtree, across awaits', async () => {
      const observability = OpenTelemetry.observability({ level: 'warning' });
      await observability.scope('critical-operation', async () => {
        logDebug('debug dropped');
        logInfo('info dropped');
        logWarning('warning kept');
        await scope('nested', async () => {
          await Promise.resolve();
          logInfo('nested info dropped');
          logError('nested error kept');
          recordEvent('info.event');
          recordEvent('error.event', { code: 1 }, 'error');
          recordAttributes({ a: 1 });
          recordAttributes({ b: 2 }, 'warning');
          recordMetric('dropped.metric', { value: 1, kind: 'counter' });
          recordMetric('kept.metric', { value: 2, kind: 'counter', level: 'error' });
        });
      });
      expect(t.logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['warning kept', 'nested error kept']);
      const nested = t.span('nested');
      expect(nested.events.map((e) => e.name)).toEqual(['error.event']);
      expect(nested.attributes).toEqual({ b: 2 });
      const metrics = await t.metrics();
      expect([...metrics.keys()]).toEqual(['kept.metric']);
    });

    it('debug level keeps everything', () => {
      OpenTelemetry.observability({ level: 'debug' }).scope('verbose', () => logDebug('kept'));
      expect(t.logs.getFinishedLogRecords().map((r) => [r.body, r.severityText])).toEqual([['kept', 'DEBUG']]);
    });

    it('rejects an unknown level', () => {
      expect(() => OpenTelemetry.observability({ level: 'verbose' as 'debug' })).toThrow(
        'Invalid observability level "verbose": expected one of debug, info, warning, error',
      );
    });
  });
});

describe('configure({ level })', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('sets the level of scopes started outside any observability', () => {
    const t = configureInMemory({ level: 'debug' });
    scope('plain', () => logDebug('kept at debug'));
    expect(t.logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['kept at debug']);
  });
});
