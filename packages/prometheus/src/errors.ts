// Errors for metric definitions that Prometheus would reject or that would collide at scrape time.
import { SightlineConfigError } from '@sightline/core';

/**
 * A metric could not be defined: the message names the metric and the rule it broke. `metric` is the
 * full metric name (prefix included) and `rule` a short statement of the rule, for programs.
 */
export class MetricDefinitionError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_METRIC_DEFINITION';

  /** The metric's name as given. */
  readonly metric: string;
  /** The rule broken, e.g. `name`, `label`, `buckets`. */
  readonly rule: string;

  constructor(metric: string, rule: string, detail: string) {
    super(`metric ${JSON.stringify(metric)}: ${detail} (rule: ${rule})`);
    this.metric = metric;
    this.rule = rule;
  }
}

/** The metric name is not a valid Prometheus metric name, or collides with generated series. */
export class InvalidMetricNameError extends MetricDefinitionError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_METRIC_NAME';
}

/** A label name is invalid, reserved, or repeated. */
export class InvalidLabelNameError extends MetricDefinitionError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_LABEL_NAME';
}

/** A metric with this name is already registered. */
export class DuplicateMetricError extends MetricDefinitionError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_DUPLICATE_METRIC';
}

/** Any other bad option of a metric definition (help text, buckets, percentiles). */
export class InvalidMetricOptionError extends MetricDefinitionError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_METRIC_OPTION';
}
