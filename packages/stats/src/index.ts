export { StatsClient } from './stats-client.js';
export type { StatsClientStats, StatsError } from './stats-client.js';
export type { Pipeline } from './pipeline.js';
export type { MetricCallOptions, RateOrOptions, TagsInput } from './metric-recorder.js';
export type { ChildClient, ChildClientOptions } from './child-client.js';
export type { CheckOptions, EventOptions } from './statsd-encoder.js';

export { StatsClientSettings } from './settings.js';
export type { CreateClientOptions, LoadSettingsOptions } from './settings.js';
export { FLAVOURS, PROTOCOLS, SETTING_NAMES } from './options.js';
export type {
  Flavour,
  Protocol,
  SettingName,
  SettingOrigin,
  StatsClientConfig,
  StatsClientOptions,
  StatsDMonitorOptions,
  StatsDMonitorPluginOptions,
  StatsHooksOptions,
  StatsPluginOptions,
  StatsTlsOptions,
} from './options.js';

export { InvalidMetricError, StatsConfigError, StatsTransportError } from './errors.js';
export type { SettingSource, StatsTransportErrorKind } from './errors.js';
export type { Tags } from '@sightline/stats-protocol';

export type { Batch, CounterRecord, GaugeRecord, MetricRecord, SamplesRecord, SetRecord } from './batch.js';

export type { SendResult, Transport } from './transports/transport.js';

export { STATS_HOOK_METRICS, statsHooks } from './stats-hooks.js';
export type { MetricSink } from './stats-hooks.js';
export { StatsDMonitor } from './statsd-monitor.js';
export type { MonitorClient, StatsDMetricType } from './statsd-monitor.js';
export { stats } from './stats-plugin.js';
export type { StatsPlugin } from './stats-plugin.js';
