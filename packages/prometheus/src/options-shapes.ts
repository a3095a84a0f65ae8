// The options shapes of this package's constructors and plugin factory, checked by core's one rule
// (unknown keys, types, ranges) before each constructor's own checks (name patterns, instances).
import { opt, type Shape } from '@sightline/core/internal';

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

const buckets = opt.array(opt.number(), {
  check: (v: readonly number[]) =>
    v.length > 0 && v.every((b, i) => i === 0 || b > v[i - 1]!) ? undefined : 'expected a non-empty array of strictly increasing numbers',
});

export const PROMETHEUS_HOOKS_SHAPE: Shape = Object.freeze({ namespace: opt.string(), buckets });
export const BUCKETS_SHAPE: Shape = Object.freeze({ buckets });
export const HTTP_METRICS_SHAPE: Shape = Object.freeze({
  buckets,
  endpoint: opt.function(),
  normalizePath: opt.function(),
  maxEndpoints: opt.integer({ min: 1 }),
  exemplars: opt.boolean(),
});
export const CLUSTER_METRICS_SHAPE: Shape = Object.freeze({
  timeoutMs: opt.integer({ min: 1 }),
  registries: opt.array(opt.any(), { env: false }),
  staleAfterMs: opt.integer({ min: 0 }),
});
export const PUSHGATEWAY_SHAPE: Shape = Object.freeze({
  url: opt.string({ nonEmpty: true }),
  source: opt.any({ env: false }),
  job: opt.string({ nonEmpty: true }),
  grouping: opt.record(opt.string()),
  timeoutMs: opt.integer({ min: 1 }),
  headers: opt.record(opt.string()),
});
export const METRICS_SERVER_SHAPE: Shape = Object.freeze({
  port: opt.integer({ min: 0, max: 65535 }),
  host: opt.string({ nonEmpty: true }),
  path: opt.string({ check: (v: string) => (v.startsWith('/') ? undefined : 'expected a path starting with "/"') }),
});
