// Every options shape of this package, declared once: each option's kind and checks, its default and
// its doc line. The exported options types are derived from these shapes, the constructors read
// what `resolveOptions` returns, and the README's options tables are written from them.
import type { IncomingMessage } from 'node:http';
import type { MetricsSource } from '@sightline/core';
import { defineShape, opt, type Field, type OptionsOf, type Shape, type Typed } from '@sightline/core/internal';
import { Monitor, type MonitorOptions } from '@sightline/sensors';
import { Registry } from 'prom-client';
import type { MetricsCollector } from './metrics-collector.js';
import { normalizePath } from '@sightline/core/internal';

/** prom-client's default histogram buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

const buckets = (doc: string) =>
  opt.array(opt.number(), {
    default: DEFAULT_BUCKETS,
    defaultText: "prom-client's, 0.005 to 10 s",
    doc,
    check: (v: readonly number[]) =>
      v.length > 0 && v.every((b, i) => i === 0 || b > v[i - 1]!) ? undefined : 'expected a non-empty array of strictly increasing numbers',
  });

const namespace = opt.string({ default: 'sightline', doc: 'Prefix of the metric names: `<namespace>_...`.' });

const eagerSeries = (what: string) =>
  opt.boolean({
    default: false,
    doc: `\`true\`: define ${what} at start, at zero; by default each kind's families appear with its first event, so a service without them exposes none.`,
  });

/** Options of prom-client's process and Node.js metrics, when `collectDefaultMetrics` enables them. */
export const DEFAULT_METRICS_SHAPE = defineShape({
  prefix: opt.string({
    defaultText: "the collector's `prefix`",
    doc: 'Prefix of the process metrics only (`process_cpu_seconds_total`...).',
  }),
  eventLoopMonitoringPrecisionMs: opt.number({
    above: 0,
    defaultText: "prom-client's, 10",
    doc: 'Sampling rate of the event-loop lag histogram, in milliseconds.',
  }),
  gcDurationBuckets: opt.array(opt.number(), { defaultText: "prom-client's", doc: 'Buckets of the GC duration histogram, in seconds.' }),
});

/** Options of prom-client's process and Node.js metrics, when `collectDefaultMetrics` enables them. */
export type DefaultMetricsOptions = OptionsOf<typeof DEFAULT_METRICS_SHAPE>;

const collectorFields = {
  instanceId: opt.oneOf([opt.string({ nonEmpty: true }), opt.number()], {
    doc: 'Identifies this process among replicas; added to every sample as the label `instance_id`.',
  }),
  enabled: opt.boolean({ default: true, doc: '`false`: every metric is a no-op with the same API, and `render()` is empty.' }),
  registry: opt.any<Registry>({
    env: false,
    expected: 'a prom-client Registry',
    check: (v: unknown) => (v instanceof Registry ? undefined : 'expected a prom-client Registry'),
    defaultText: 'a registry of its own',
    doc: 'The prom-client registry to register in (`register` for the global one).',
  }),
  prefix: opt.string({ default: '', doc: 'Prepended verbatim to every metric name, e.g. `myapp_` (the dashboards assume none).' }),
  defaultLabels: opt.record(opt.oneOf([opt.string(), opt.number(), opt.boolean()]), {
    default: {},
    expected: 'an object of label values (numbers and booleans are written as text)',
    doc: 'Labels added to every sample that does not set them itself.',
  }),
} as const;

const defaultMetrics = (defaultValue: boolean) =>
  opt.oneOf([opt.boolean(), opt.object(DEFAULT_METRICS_SHAPE)], {
    default: defaultValue,
    doc: "Also register prom-client's process and Node.js metrics (CPU, memory, heap spaces, GC durations, event-loop delay, handles); an object tunes them.",
  });

/** The options of `new MetricsCollector()`. */
export const METRICS_COLLECTOR_SHAPE = defineShape({ ...collectorFields, collectDefaultMetrics: defaultMetrics(false) });

/** Options of `new MetricsCollector(options)`. */
export type MetricsCollectorOptions = OptionsOf<typeof METRICS_COLLECTOR_SHAPE>;

// The sensors package declares Monitor's shape as a plain Shape: its field types are given here.
const monitorOptions = (extra: { readonly doc: string }) =>
  opt.object(Monitor.optionsShape, extra) as unknown as Field & Typed<MonitorOptions, MonitorOptions, false, false>;

/** The options `new PrometheusMonitor()` adds to a Monitor's. */
export const PROMETHEUS_MONITOR_OWN_SHAPE = defineShape({
  collector: opt.any<MetricsCollector>({
    env: false,
    expected: 'a MetricsCollector',
    defaultText: "a collector of the monitor's own (`monitor.collector`)",
    doc: 'Where the metrics are defined.',
  }),
  namespace,
  eagerSeries: eagerSeries('every stream and consumer family (messages, events, tables, commits, sends, assignments, rebalances)'),
});

/** Every option of `new PrometheusMonitor()`: a Monitor's, then its own. */
export const PROMETHEUS_MONITOR_SHAPE: Shape = Object.freeze({ ...Monitor.optionsShape, ...PROMETHEUS_MONITOR_OWN_SHAPE });

/** Options of `new PrometheusMonitor()`: a Monitor's options plus where its metrics go. */
export type PrometheusMonitorOptions = MonitorOptions & OptionsOf<typeof PROMETHEUS_MONITOR_OWN_SHAPE>;

/** The options of the `prometheus()` plugin; `setupFromEnv()` reads them from `SIGHTLINE_PROMETHEUS_*`. */
export const PROMETHEUS_PLUGIN_SHAPE = defineShape({
  ...collectorFields,
  collectDefaultMetrics: defaultMetrics(true),
  collector: opt.any<MetricsCollector>({
    env: false,
    expected: 'a MetricsCollector',
    doc: 'Use this collector instead of creating one (then leave the collector options out).',
  }),
  namespace,
  buckets: buckets('Buckets of `<namespace>_request_duration_seconds`, in seconds.'),
  eagerSeries: eagerSeries('every stream, consumer, request and WebSocket family of the sensor and hooks'),
  monitor: monitorOptions({ doc: 'Options of the PrometheusMonitor sensor (history sizes, sampling).' }),
  metricsPort: opt.integer({
    min: 0,
    max: 65_535,
    defaultText: 'none',
    doc: "A listener of its own serving only `/metrics` on this port (pyWATS's `metrics_port`, e.g. 9090), opened by `start()` beside the health server; 0 picks a free one (`plugin.metricsServer.port`).",
  }),
  metricsHost: opt.string({
    nonEmpty: true,
    default: '127.0.0.1',
    doc: 'Interface the `metricsPort` listener binds; `0.0.0.0` in a pod.',
  }),
  httpServerMetrics: opt.enum(['auto', true, false], {
    default: 'auto',
    doc:
      "OpenTelemetry's HTTP server metrics (`http_server_request_duration_seconds`, `http_server_active_requests`, request and response body sizes) from Node's diagnostics channels. " +
      "`auto`: unless @sightline/otel's bridge is configured in the process (it records them then); `true`: always; `false`: never.",
  }),
  httpMaxRoutes: opt.integer({
    min: 1,
    default: 1000,
    doc: 'Distinct `http_route` values of the HTTP server metrics; past it a new route is `_OTHER`, counted in `<namespace>_http_route_overflow_total`.',
  }),
});

/** Options of the `prometheus()` plugin: a collector's options plus the hooks' and monitor's. */
export type PrometheusPluginOptions = OptionsOf<typeof PROMETHEUS_PLUGIN_SHAPE>;

/** The options of `prometheusHooks()`. */
export const PROMETHEUS_HOOKS_SHAPE = defineShape({
  namespace,
  buckets: buckets('Buckets of the request duration histogram, in seconds.'),
  eagerSeries: eagerSeries('the request and WebSocket families'),
});

/** Options of `prometheusHooks()`. */
export type PrometheusHooksOptions = OptionsOf<typeof PROMETHEUS_HOOKS_SHAPE>;

type PathNormalizer = (url: string) => string;

/** The options of `httpMetrics()`. */
export const HTTP_METRICS_SHAPE = defineShape({
  buckets: buckets('Buckets of `http_request_duration_seconds`, in seconds.'),
  endpoint: opt.function<(req: IncomingMessage) => string | undefined>({
    doc: 'Turns a request into its endpoint label (a route template); undefined falls back to the next rule.',
  }),
  normalizePath: opt.function<PathNormalizer, { readonly default: PathNormalizer; readonly defaultText: string; readonly doc: string }>({
    default: normalizePath,
    defaultText: '`normalizePath`',
    doc: 'Turns a raw URL into an endpoint label when no route template is known.',
  }),
  maxEndpoints: opt.integer({ min: 1, default: 1000, doc: 'Distinct endpoints kept; new ones past it are recorded as `other`.' }),
  exemplars: opt.boolean({
    default: true,
    doc: 'Exemplars on `http_request_duration_seconds` (OpenMetrics only) carrying the active sampled trace.',
  }),
});

/** Options of `httpMetrics()`. */
export type HttpMetricsOptions = OptionsOf<typeof HTTP_METRICS_SHAPE>;

/** The options of `queueMetrics()`. */
export const QUEUE_METRICS_SHAPE = defineShape({ buckets: buckets('Buckets of `queue_processing_duration_seconds`, in seconds.') });

/** Options of `queueMetrics()`. */
export type QueueMetricsOptions = OptionsOf<typeof QUEUE_METRICS_SHAPE>;

/** The options of `converterMetrics()`. */
export const CONVERTER_METRICS_SHAPE = defineShape({ buckets: buckets('Buckets of `conversion_duration_seconds`, in seconds.') });

/** Options of `converterMetrics()`. */
export type ConverterMetricsOptions = OptionsOf<typeof CONVERTER_METRICS_SHAPE>;

/** The options of `clusterMetricsSource()`. */
export const CLUSTER_METRICS_SHAPE = defineShape({
  timeoutMs: opt.integer({ min: 1, default: 5000, doc: 'How long a scrape waits for the workers before rendering what arrived.' }),
  registries: opt.array(opt.any<Registry>({ expected: 'a prom-client Registry' }), {
    env: false,
    default: [],
    doc: "The primary's own registries, aggregated with the workers'.",
  }),
  staleAfterMs: opt.integer({
    min: 0,
    default: 60_000,
    doc: 'How long a live worker that stops answering has its last gauges served; its counters stay while it lives.',
  }),
});

/** Options of `clusterMetricsSource()`. */
export type ClusterMetricsOptions = OptionsOf<typeof CLUSTER_METRICS_SHAPE>;

/** The options of `new Pushgateway()`. */
export const PUSHGATEWAY_SHAPE = defineShape({
  url: opt.string({ nonEmpty: true, required: true, doc: "The Pushgateway's base URL, e.g. `http://pushgateway:9091`." }),
  source: opt.any<MetricsSource>({
    required: true,
    env: false,
    expected: 'a MetricsSource',
    doc: 'What is pushed: a MetricsCollector, or any MetricsSource.',
  }),
  job: opt.string({ nonEmpty: true, required: true, doc: 'The `job` label of the group.' }),
  grouping: opt.record(opt.string(), { default: {}, doc: 'More grouping labels, e.g. `{ instance: "nightly-1" }`.' }),
  timeoutMs: opt.integer({ min: 1, default: 10_000, doc: 'Time allowed for each request.' }),
  headers: opt.record(opt.string(), { default: {}, doc: 'Extra request headers, e.g. `Authorization`.' }),
});

/** Options of `new Pushgateway(options)`. */
export type PushgatewayOptions = OptionsOf<typeof PUSHGATEWAY_SHAPE>;

/** The options of `createMetricsServer()`. */
export const METRICS_SERVER_SHAPE = defineShape({
  port: opt.integer({ min: 0, max: 65_535, default: 0, doc: 'Port to listen on; 0 lets the OS pick (read it from `server.port`).' }),
  host: opt.string({ nonEmpty: true, default: '127.0.0.1', doc: 'Interface to bind; expose beyond loopback deliberately.' }),
  path: opt.string({
    default: '/metrics',
    check: (v: string) => (v.startsWith('/') ? undefined : 'expected a path starting with "/"'),
    doc: 'The one path served; every other answers 404.',
  }),
});

/** Options of `createMetricsServer()`. */
export type MetricsServerOptions = OptionsOf<typeof METRICS_SERVER_SHAPE>;
