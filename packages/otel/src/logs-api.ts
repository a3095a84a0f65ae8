// The logs API of whichever train is installed: @opentelemetry/api 1.10 carries `logs` itself (SDK
// 3.x registers there); with api 1.9 it lives in @opentelemetry/api-logs (SDK 2.x).
import * as api from '@opentelemetry/api';
import { logs as apiLogs, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';

interface LogsApi {
  setGlobalLoggerProvider(provider: LoggerProvider): unknown;
  getLogger(name: string, version?: string): Logger;
  disable(): void;
}

const fromApi = (api as unknown as { logs?: LogsApi }).logs;

export const logsApi: LogsApi = fromApi ?? apiLogs;

/** Registers the provider globally; true when it is now the global one (api 1.10 says so with a boolean). */
export function registerLoggerProvider(provider: LoggerProvider): boolean {
  const result = logsApi.setGlobalLoggerProvider(provider);
  return result === true || result === provider;
}
