export { createStatsServer } from './stats-server.js';
export type { StatsServer, StatsServerAddress, StatsServerCounters, StatsSnapshot } from './stats-server.js';
export { statsServer } from './stats-server-plugin.js';
export type { StatsServerPlugin } from './stats-server-plugin.js';
export { DEFAULT_HISTOGRAM_BUCKETS, DEFAULT_TIMER_BUCKETS } from './options.js';
export type { BucketOptions, StatsdListenOptions, StatsServerOptions } from './options.js';
export { StatsServerConfigError } from './errors.js';
export type { DistributionSummary, StoreSnapshot } from './aggregation/metric-store.js';

export { signBatch, verifySignature } from './auth/signature.js';
export type { SignatureVerdict, VerifySignatureInput } from './auth/signature.js';
export { parseBatch, METRIC_NAME_PATTERN } from './batch/parse-batch.js';
export type { BatchMetric, BatchMetricType, BatchParseResult, MetricError } from './batch/parse-batch.js';
export { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition/render-exposition.js';
export { BATCH_PATH, METRICS_PATH, SIGNATURE_HEADER, SNAPSHOT_PATH, TIMESTAMP_HEADER, WS_PATH } from './transports/http-handler.js';
export type { BatchOutcome, BatchStatus } from './batch/batch-ingest.js';
export type { WsAck } from './transports/ws-ingest.js';
