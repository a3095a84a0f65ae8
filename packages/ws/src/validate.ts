// The options shapes of WsClient and createWsServer, checked by core's one rule; each failure
// throws WsConfigError naming the option, where it came from and the value.
import { opt, validateOptions, type Field, type OptionsErrorFactory, type Shape } from '@sightline/core/internal';
import { WsConfigError } from './errors.js';

export const wsError: OptionsErrorFactory = (message, details) => new WsConfigError(message, details);

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

const countOrInfinity = (min: number): Field => opt.oneOf([opt.integer({ min }), opt.enum([Infinity])]);
const hooks = opt.record(opt.function(), { env: false });

export const RECONNECT_SHAPE: Shape = Object.freeze({
  initialDelayMs: opt.integer({ min: 0 }),
  maxDelayMs: opt.integer({ min: 0 }),
  jitter: opt.number({ min: 0, max: 1 }),
  maxAttempts: countOrInfinity(1),
});

export const WS_CLIENT_SHAPE: Shape = Object.freeze({
  hooks,
  requestTimeoutMs: opt.integer({ min: 1 }),
  reconnect: opt.oneOf([opt.enum([false]), opt.object(RECONNECT_SHAPE)]),
  headers: opt.record(opt.string({ secret: true })),
  heartbeatIntervalMs: opt.integer({ min: 0 }),
  maxPayloadBytes: opt.integer({ min: 1 }),
  connectTimeoutMs: opt.integer({ min: 1 }),
});

export const WS_SERVER_SHAPE: Shape = Object.freeze({
  port: opt.integer({ min: 0, max: 65535 }),
  host: opt.string({ nonEmpty: true }),
  server: opt.any({ env: false }),
  path: opt.string({ check: (v: string) => (v.startsWith('/') ? undefined : 'expected a string starting with "/"') }),
  handlers: opt.record(opt.function(), { required: true, env: false }),
  hooks,
  maxConnections: countOrInfinity(1),
  heartbeatIntervalMs: opt.integer({ min: 0 }),
  maxPayloadBytes: opt.integer({ min: 1 }),
  closeTimeoutMs: opt.integer({ min: 0 }),
  onConnection: opt.function(),
  onConnectionClose: opt.function(),
});

export function checkWsOptions<T>(shape: Shape, options: T, source: string): T {
  return validateOptions(shape, options, { source, error: wsError });
}
