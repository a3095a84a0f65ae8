// MetricsHooks that record a WebSocket service's metrics through a stats client: connects and
// disconnects, bytes sent and received per op, request timings per op, errors by op and type.
import { defineHooks, type MetricsHooks } from '@sightline/core';
import { resolveOptions } from '@sightline/core/internal';
import type { MetricCallOptions } from './metric-recorder.js';
import { STATS_HOOKS_SHAPE, statsOptionsError, type StatsHooksOptions } from './options.js';

/** What the hooks need of a client (a `StatsClient` or a `Pipeline`). */
export interface MetricSink {
  /** Adds to a counter. */
  incr(name: string, value?: number, options?: MetricCallOptions): void;
  /** Records a duration, in milliseconds. */
  time(name: string, ms: number, options?: MetricCallOptions): void;
  /** Records a histogram sample. */
  hist(name: string, value: number, options?: MetricCallOptions): void;
}

/** The metric names `statsHooks` records (before the client's prefix). */
export const STATS_HOOK_METRICS = Object.freeze({
  connect: 'ws.connect',
  disconnect: 'ws.disconnect',
  sendBytes: 'ws.send_bytes',
  recvBytes: 'ws.recv_bytes',
  requestDuration: 'request.duration',
  requestErrors: 'request.errors',
} as const);

const unsafe = /[|,#\n\r]/g;

/**
 * Hooks for `@sightline/ws` (or anything firing MetricsHooks): `ws.connect` / `ws.disconnect`
 * counters, `ws.send_bytes` / `ws.recv_bytes` histograms, `request.duration` timer (ms) and
 * `request.errors` counter tagged with `op` and `error_type`. Options objects are built once per op,
 * so a steady stream of events allocates nothing.
 */
export function statsHooks(client: MetricSink, options: StatsHooksOptions = {}): Readonly<MetricsHooks> {
  const { tagOps, maxOps } = resolveOptions(STATS_HOOKS_SHAPE, options, {
    source: 'statsHooks()',
    error: statsOptionsError('statsHooks()'),
  });
  const none: MetricCallOptions | undefined = undefined;
  const byOp = new Map<string, MetricCallOptions>();
  const byError = new Map<string, MetricCallOptions>();
  const other: MetricCallOptions = Object.freeze({ tags: Object.freeze({ op: 'other' }) });

  const forOp = (op: string): MetricCallOptions | undefined => {
    if (!tagOps) return none;
    let o = byOp.get(op);
    if (o === undefined) {
      if (byOp.size >= maxOps) return other;
      o = Object.freeze({ tags: Object.freeze({ op: String(op).replace(unsafe, '_') }) });
      byOp.set(op, o);
    }
    return o;
  };
  const forError = (op: string, type: string): MetricCallOptions => {
    const key = tagOps ? `${op}\u0000${type}` : type;
    let o = byError.get(key);
    if (o === undefined) {
      const errorType = String(type).replace(unsafe, '_');
      if (byError.size >= maxOps) return Object.freeze({ tags: Object.freeze({ op: 'other', error_type: 'other' }) });
      o = Object.freeze({
        tags: Object.freeze(tagOps ? { op: String(op).replace(unsafe, '_'), error_type: errorType } : { error_type: errorType }),
      });
      byError.set(key, o);
    }
    return o;
  };

  return defineHooks({
    onWsConnect: () => client.incr(STATS_HOOK_METRICS.connect),
    onWsDisconnect: () => client.incr(STATS_HOOK_METRICS.disconnect),
    onWsMessageSent: (op, bytes) => client.hist(STATS_HOOK_METRICS.sendBytes, bytes, forOp(op)),
    onWsMessageRecv: (op, bytes) => client.hist(STATS_HOOK_METRICS.recvBytes, bytes, forOp(op)),
    onRequest: (op, secs) => client.time(STATS_HOOK_METRICS.requestDuration, secs * 1000, forOp(op)),
    onError: (op, type) => client.incr(STATS_HOOK_METRICS.requestErrors, 1, forError(op, type)),
  });
}
