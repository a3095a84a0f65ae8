// The options shapes of this package's constructors and plugin factory, checked by core's one rule
// (unknown keys, types, ranges) before each constructor's own checks (name patterns, instances).
import { opt, type Shape } from '@sightline/core';

const scalarLabel = opt.oneOf([opt.string(), opt.number(), opt.boolean()]);

export const METRICS_COLLECTOR_SHAPE: Shape = Object.freeze({
  instanceId: opt.oneOf([opt.string({ nonEmpty: true }), opt.number()]),
  enabled: opt.boolean(),
  registry: opt.any({ env: false }),
  prefix: opt.string(),
  defaultLabels: opt.record(scalarLabel),
  collectDefaultMetrics: opt.oneOf([
    opt.boolean(),
    opt.object({
      prefix: opt.string(),
      eventLoopMonitoringPrecision: opt.number({ above: 0 }),
      gcDurationBuckets: opt.array(opt.number()),
    }),
  ]),
});

export const PROMETHEUS_MONITOR_EXTRA_SHAPE: Shape = Object.freeze({
  collector: opt.any({ env: false }),
  namespace: opt.string(),
});

export const monitorShape = (base: Shape): Shape => Object.freeze({ ...base, ...PROMETHEUS_MONITOR_EXTRA_SHAPE });

export const PROMETHEUS_PLUGIN_SHAPE_BASE: Shape = Object.freeze({
  ...METRICS_COLLECTOR_SHAPE,
  collector: opt.any({ env: false }),
  namespace: opt.string(),
  buckets: opt.array(opt.number()),
});
