export { StatsClient } from './stats-client.js';
export type { StatsClientOptions, StatsClientStats, StatsError } from './stats-client.js';
export type { Pipeline } from './pipeline.js';
export type { MetricOptions } from './metric-recorder.js';

export { StatsClientSettings, SETTINGS_ARGV_PREFIX, SETTINGS_ENV_PREFIX, settingArgvName, settingEnvName } from './settings.js';
export type { CreateClientOptions, LoadSettingsOptions } from './settings.js';
export { FLAVOURS, PROTOCOLS, SETTING_NAMES } from './options.js';
export type { Flavour, Protocol, SettingName, SettingOrigin, StatsClientConfig } from './options.js';

export { InvalidMetricError, StatsConfigError, StatsTransportError } from './errors.js';
export type { SettingSource, StatsTransportErrorKind } from './errors.js';
export type { Tags } from '@sightline/stats-protocol';

export { encodeStatsdLines, packLines } from './statsd-encoder.js';
export type { Batch, CounterRecord, GaugeRecord, MetricRecord, SamplesRecord } from './batch.js';

export type { SendResult, Transport } from './transports/transport.js';
export { HttpTransport } from './transports/http-transport.js';
export type { HttpTransportOptions, StatsTlsOptions } from './transports/http-transport.js';
export { WsTransport } from './transports/ws-transport.js';
export type { WsTransportOptions } from './transports/ws-transport.js';
export { UdpTransport } from './transports/udp-transport.js';
export type { UdpTransportOptions } from './transports/udp-transport.js';
export { TcpTransport } from './transports/tcp-transport.js';
export type { TcpTransportOptions } from './transports/tcp-transport.js';
export { UdsTransport } from './transports/uds-transport.js';
export type { UdsTransportOptions } from './transports/uds-transport.js';
export type { StatsdTransportOptions } from './transports/statsd-transport.js';

export { STATS_HOOK_METRICS, statsHooks } from './stats-hooks.js';
export type { MetricSink, StatsHooksOptions } from './stats-hooks.js';
export { StatsDMonitor } from './statsd-monitor.js';
export type { MonitorClient, StatsDMonitorOptions } from './statsd-monitor.js';
export { stats } from './stats-plugin.js';
export type { StatsPlugin, StatsPluginOptions } from './stats-plugin.js';
