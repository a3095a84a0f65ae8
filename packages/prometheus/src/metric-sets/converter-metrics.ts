// The converter metric set: conversions by outcome, their duration, errors by type.
import { SightlineConfigError } from '@sightline/core';
import { errorType as errorTypeOf, resolveOptions, runSettled } from '@sightline/core/internal';
import { CONVERTER_METRICS_SHAPE, type ConverterMetricsOptions } from '../options.js';
import type { Counter, Histogram } from 'prom-client';
import type { MetricsCollector } from '../metrics-collector.js';

/** The `status` label of a conversion. */
export type ConversionStatus = 'success' | 'failure';

/** Records one converter's conversions. */
export interface ConverterRecorder {
  /** The converter's name: its `converter` label. */
  readonly name: string;
  /** A conversion succeeded in `seconds`. */
  success(seconds: number): void;
  /** A conversion failed with `errorType` (e.g. `validation`); `seconds` when known. */
  failure(errorType: string, seconds?: number): void;
  /**
   * Runs one conversion (sync or async) and records it: success with its duration, or failure with
   * the error's type (`errorType()` of core, or `classify(error)`). The error is rethrown unchanged.
   */
  run<T>(work: () => T, classify?: (error: unknown) => string): T;
}

/** Conversion metrics by `converter`: conversions by status, duration, and errors by type. */
export interface ConverterMetrics {
  /** `conversions_total`, by converter and status. */
  readonly conversions: Counter<'converter' | 'status'>;
  /** `conversion_duration_seconds`, by converter. */
  readonly duration: Histogram<'converter'>;
  /** `conversion_errors_total`, by converter and error type. */
  readonly errors: Counter<'converter' | 'error_type'>;
  /** The recorder of one converter, created on first use. */
  converter(name: string): ConverterRecorder;
}

/**
 * Defines `conversions_total{converter,status}` (status `success` or `failure`),
 * `conversion_duration_seconds{converter}` and `conversion_errors_total{converter,error_type}`.
 */
export function converterMetrics(collector: MetricsCollector, options: ConverterMetricsOptions = {}): ConverterMetrics {
  const { buckets } = resolveOptions(CONVERTER_METRICS_SHAPE, options, { source: 'converterMetrics()' });
  const conversions = collector.counter('conversions_total', 'Conversions completed, by outcome', {
    labels: ['converter', 'status'] as const,
  });
  const duration = collector.histogram('conversion_duration_seconds', 'Conversion duration in seconds', {
    labels: ['converter'] as const,
    buckets,
  });
  const errors = collector.counter('conversion_errors_total', 'Conversion errors, by type', {
    labels: ['converter', 'error_type'] as const,
  });
  const recorders = new Map<string, ConverterRecorder>();

  const create = (name: string): ConverterRecorder => {
    const ok = conversions.labels({ converter: name, status: 'success' });
    const failed = conversions.labels({ converter: name, status: 'failure' });
    const timing = duration.labels({ converter: name });
    const recorder: ConverterRecorder = {
      name,
      success(seconds) {
        ok.inc();
        timing.observe(seconds);
      },
      failure(errorType, seconds) {
        failed.inc();
        errors.inc({ converter: name, error_type: errorType });
        if (seconds !== undefined) timing.observe(seconds);
      },
      run<T>(work: () => T, classify: (error: unknown) => string = errorTypeOf): T {
        const start = performance.now();
        const fail = (error: unknown): void => {
          let type: string;
          try {
            type = classify(error);
          } catch {
            type = errorTypeOf(error);
          }
          recorder.failure(type, (performance.now() - start) / 1000);
        };
        return runSettled(work, () => recorder.success((performance.now() - start) / 1000), fail);
      },
    };
    return recorder;
  };

  return {
    conversions,
    duration,
    errors,
    converter(name) {
      if (typeof name !== 'string' || name.length === 0) {
        throw new SightlineConfigError(`converterMetrics: converter name must be a non-empty string, got ${JSON.stringify(name)}`);
      }
      let recorder = recorders.get(name);
      if (!recorder) {
        recorder = create(name);
        recorders.set(name, recorder);
      }
      return recorder;
    },
  };
}
