export { HealthConfigError } from './errors.js';

export {
  DEFAULTS,
  ENV_ENABLE_METRICS,
  ENV_HEALTH_HOST,
  ENV_HEALTH_PORT,
  ENV_METRICS_TOKEN,
  resolveHandlerConfig,
  resolveServerConfig,
} from './config.js';
export type {
  HealthHandlerOptions,
  HealthServerOptions,
  RateLimitOptions,
  ResolvedHandlerConfig,
  ResolvedServerConfig,
  ShutdownSignal,
} from './config.js';

export { CheckAggregator, runCheck, runChecks } from './check-aggregator.js';
export type { CheckAggregatorOptions, CheckOutcome, CheckReport } from './check-aggregator.js';

export {
  checkEntry,
  checksObject,
  errorBody,
  healthBody,
  jsonFallbackBody,
  liveBody,
  notReadyBody,
  readyBody,
  startupBody,
} from './responses.js';
export type { CheckEntry, NotReadyReason } from './responses.js';

export { createHealthHandler, HEALTH_PATHS } from './health-handler.js';
export type { HealthHandler, HealthPath } from './health-handler.js';

export { createHealthServer } from './health-server.js';
export type { HealthServer, ShutdownHandler } from './health-server.js';

export { health } from './health-plugin.js';
export type { HealthPlugin, HealthPluginOptions } from './health-plugin.js';
