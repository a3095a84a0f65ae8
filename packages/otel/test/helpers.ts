// Test doubles built from the SDK's own in-memory exporters.
import { SimpleLogRecordProcessor, InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type DataPoint,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { setLogSink, type LogRecord } from '@sightline/core';
import { OpenTelemetry, type OpenTelemetryOptions } from '../src/index.js';

export interface InMemoryTelemetry {
  /** The metric reader configure() was given. */
  readonly reader: PeriodicExportingMetricReader;
  readonly spans: InMemorySpanExporter;
  readonly logs: InMemoryLogRecordExporter;
  /** Collects now and returns every metric exported, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  span(name: string): ReadableSpan;
}

export function configureInMemory(options: OpenTelemetryOptions = {}): InMemoryTelemetry {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
    exportTimeoutMillis: 1000,
  });
  OpenTelemetry.configure({
    service: 'test-service',
    // The host detector's machine id arrives asynchronously, and the SDK holds span export until it
    // does: tests that read spans synchronously go without detectors (resource.test.ts covers them).
    resourceDetectors: false,
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    metricReaders: [reader],
    logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logs })],
    ...options,
  });
  return {
    spans,
    logs,
    reader,
    async metrics() {
      metricExporter.reset();
      await reader.forceFlush();
      const byName = new Map<string, MetricData>();
      for (const resourceMetrics of metricExporter.getMetrics()) {
        for (const scopeMetrics of resourceMetrics.scopeMetrics) {
          for (const metric of scopeMetrics.metrics) byName.set(metric.descriptor.name, metric);
        }
      }
      return byName;
    },
    span(name: string) {
      const found = spans.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}`);
      return found[0]!;
    },
  };
}

/** Data points of a metric as [attributes, value] pairs, for exact comparison. */
export function points(metric: MetricData | undefined): Array<[Record<string, unknown>, unknown]> {
  if (!metric) throw new Error('metric not exported');
  return (metric.dataPoints as Array<DataPoint<unknown>>).map((p) => [{ ...p.attributes }, p.value]);
}

/** Captures what the core logger emits, until the returned restore function is called. */
export function captureLogs(): { records: LogRecord[]; restore(): void } {
  const records: LogRecord[] = [];
  const previous = setLogSink((record) => records.push(record));
  return { records, restore: () => setLogSink(previous) };
}

export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
