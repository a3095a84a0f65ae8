export { createStatsServer } from './stats-server.js';
export type { StatsServer, StatsServerAddress, StatsServerCounters, StatsSnapshot } from './stats-server.js';
export { statsServer } from './stats-server-plugin.js';
export type { StatsServerPlugin } from './stats-server-plugin.js';
export { DEFAULT_HISTOGRAM_BUCKETS, DEFAULT_TIMER_BUCKETS } from './options.js';
export type { BucketOptions, StatsdListenOptions, StatsServerOptions } from './options.js';
export { StatsServerConfigError } from './errors.js';
export type { DistributionSummary, StoreSnapshot } from './aggregation/metric-store.js';

export { METRICS_PATH, SNAPSHOT_PATH } from './transports/http-handler.js';
export type { BatchOutcome, BatchStatus } from './batch/batch-ingest.js';
export type { WsAck } from './transports/ws-ingest.js';
