// The two IPC messages between a node:cluster primary and its workers.
export const METRICS_REQUEST = 'sightline:prometheus:metrics-request';
export const METRICS_RESPONSE = 'sightline:prometheus:metrics-response';

export interface MetricsRequestMessage {
  readonly type: typeof METRICS_REQUEST;
  /** Names the asking source and its request: several sources may ask the same workers at once. */
  readonly id: string;
}

export interface MetricsResponseMessage {
  readonly type: typeof METRICS_RESPONSE;
  /** The request's id, echoed. */
  readonly id: string;
  /** One `registry.getMetricsAsJSON()` per registry the worker exposes. */
  readonly metrics?: readonly unknown[][];
  readonly error?: string;
}

export function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
