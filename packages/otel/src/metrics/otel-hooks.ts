// MetricsHooks that record OpenTelemetry metrics: what a Sightline transport reports (requests,
// errors, WebSocket connections and frames) as instruments on the configured meter provider.
import type { Attributes, Counter, Histogram, MeterProvider, UpDownCounter } from '@opentelemetry/api';
import type { MetricsHooks } from '@sightline/core';
// Bucket bounds in seconds, as the semantic conventions advise for request durations.
import { HTTP_DURATION_BUCKETS } from '@sightline/core/internal';
import { activeMeterProvider, HOOKS_SCOPE_NAME, otelState } from '../state.js';

/** Options of `otelHooks()`. */
export interface OtelHooksOptions {
  /** Where to record; default the provider configure() set up (or the global one before it). */
  readonly meterProvider?: MeterProvider;
  /** Metric name prefix; default `sightline`. */
  readonly prefix?: string;
}

interface Instruments {
  readonly duration: Histogram;
  readonly errors: Counter;
  readonly connections: UpDownCounter;
  readonly messagesSent: Counter;
  readonly messagesReceived: Counter;
  readonly bytesSent: Counter;
  readonly bytesReceived: Counter;
}

const MAX_CACHED_ATTRIBUTES = 1000;

/**
 * Returns hooks recording:
 * `<prefix>.request.duration` (histogram, s, by `op`), `<prefix>.request.errors` (counter, by `op`
 * and `error.type`), `<prefix>.ws.connections` (up-down counter of open connections),
 * `<prefix>.ws.messages.sent|received` and `<prefix>.ws.bytes.sent|received` (counters by `op`).
 */
export function otelHooks(options: OtelHooksOptions = {}): Readonly<MetricsHooks> {
  const prefix = options.prefix ?? 'sightline';
  const state = otelState();
  let instruments: Instruments | undefined;
  let generation = -1;

  const build = (provider: MeterProvider): Instruments => {
    // A meter of their own: /metrics leaves these out by default (prometheus() records the same hooks).
    const meter = provider.getMeter(HOOKS_SCOPE_NAME);
    return {
      duration: meter.createHistogram(`${prefix}.request.duration`, {
        unit: 's',
        description: 'Duration of completed requests',
        advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
      }),
      errors: meter.createCounter(`${prefix}.request.errors`, { unit: '{error}', description: 'Failed requests' }),
      connections: meter.createUpDownCounter(`${prefix}.ws.connections`, {
        unit: '{connection}',
        description: 'Open WebSocket connections',
      }),
      messagesSent: meter.createCounter(`${prefix}.ws.messages.sent`, { unit: '{message}' }),
      messagesReceived: meter.createCounter(`${prefix}.ws.messages.received`, { unit: '{message}' }),
      bytesSent: meter.createCounter(`${prefix}.ws.bytes.sent`, { unit: 'By' }),
      bytesReceived: meter.createCounter(`${prefix}.ws.bytes.received`, { unit: 'By' }),
    };
  };

  // With no provider given, follow configure() and shutdown(): one integer compare per call.
  const current = (): Instruments => {
    if (options.meterProvider) return (instruments ??= build(options.meterProvider));
    if (generation !== state.generation || !instruments) {
      instruments = build(activeMeterProvider());
      generation = state.generation;
    }
    return instruments;
  };

  // Attribute objects are made once per op (and op + error type) and reused.
  const byOp = new Map<string, Attributes>();
  const byOpAndType = new Map<string, Attributes>();
  const opAttributes = (op: string): Attributes => {
    let attributes = byOp.get(op);
    if (!attributes) {
      attributes = Object.freeze({ op });
      if (byOp.size < MAX_CACHED_ATTRIBUTES) byOp.set(op, attributes);
    }
    return attributes;
  };

  return Object.freeze({
    onRequest(op: string, durationSecs: number) {
      current().duration.record(durationSecs, opAttributes(op));
    },
    onError(op: string, errorType: string) {
      const key = `${op}\u0000${errorType}`;
      let attributes = byOpAndType.get(key);
      if (!attributes) {
        attributes = Object.freeze({ op, 'error.type': errorType });
        if (byOpAndType.size < MAX_CACHED_ATTRIBUTES) byOpAndType.set(key, attributes);
      }
      current().errors.add(1, attributes);
    },
    onWsConnect() {
      current().connections.add(1);
    },
    onWsDisconnect() {
      current().connections.add(-1);
    },
    onWsMessageSent(op: string, byteCount: number) {
      const i = current();
      const attributes = opAttributes(op);
      i.messagesSent.add(1, attributes);
      i.bytesSent.add(byteCount, attributes);
    },
    onWsMessageRecv(op: string, byteCount: number) {
      const i = current();
      const attributes = opAttributes(op);
      i.messagesReceived.add(1, attributes);
      i.bytesReceived.add(byteCount, attributes);
    },
  });
}
