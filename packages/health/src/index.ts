export { HealthConfigError } from './errors.js';
export { MAX_CHECK_DETAILS_BYTES, MAX_CHECK_MESSAGE_LENGTH } from './check-details.js';

export type { HealthHandlerOptions, HealthServerOptions, ProbeKind, RateLimitOptions, ShutdownSignal } from './options.js';

export type { CheckOutcome, CheckReport } from './check-aggregator.js';
export type { CacheFigures, QueueFigures } from './responses.js';

export { createHealthHandler, HEALTH_PATHS } from './health-handler.js';
export type { HealthHandler, HealthPath } from './health-handler.js';

export { createHealthServer } from './health-server.js';
export type { HealthServer, ShutdownHandler } from './health-server.js';

export { health } from './health-plugin.js';
export type { HealthPlugin, HealthPluginOptions } from './health-plugin.js';
