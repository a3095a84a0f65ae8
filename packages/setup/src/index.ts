export { setup } from './setup.js';
export type { Observability, StopReport } from './setup.js';
export {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SIGNALS,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  KUBERNETES_SHUTDOWN_DELAY_MS,
} from './setup-options.js';
export type { Beacon } from './beacons.js';
export type { SetupOptions } from './setup-options.js';
export { setupFromEnv } from './setup-from-env.js';
export type { FactoryOptions, PluginFactory, SetupFromEnvOptions } from './setup-from-env.js';
export { ENV_VARS, readEnvConfig } from './env-config.js';
export type { Env, EnvConfig, EnvOptionValue, EnvPluginOptions } from './env-config.js';
export type { CombinedSensor, SensorFailures } from './sensor-fan-out.js';
export { PluginStartError, SetupConfigError, SetupStateError } from './errors.js';
