// Console mode for metrics: one line per data point on the `sightline.otel` logger, at info,
// each time the periodic reader collects.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { getLogger, type Logger } from '@sightline/core';

const TYPE_NAMES: Readonly<Record<DataPointType, string>> = {
  [DataPointType.SUM]: 'sum',
  [DataPointType.GAUGE]: 'gauge',
  [DataPointType.HISTOGRAM]: 'histogram',
  [DataPointType.EXPONENTIAL_HISTOGRAM]: 'exponential_histogram',
};

function pointValue(metric: MetricData, value: unknown): unknown {
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) return value;
  const h = value as { count: number; sum?: number; min?: number; max?: number };
  return { count: h.count, sum: h.sum, min: h.min, max: h.max };
}

export class LoggerMetricExporter implements PushMetricExporter {
  constructor(private readonly log: Logger = getLogger('sightline.otel')) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.log.isEnabled('info')) {
      for (const scopeMetrics of metrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          const { name, unit } = metric.descriptor;
          for (const point of metric.dataPoints) {
            const fields: Record<string, unknown> = { type: TYPE_NAMES[metric.dataPointType] };
            if (unit) fields.unit = unit;
            fields.value = pointValue(metric, point.value);
            if (Object.keys(point.attributes).length > 0) fields.attributes = point.attributes;
            this.log.info(`metric ${name}`, fields);
          }
        }
      }
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
