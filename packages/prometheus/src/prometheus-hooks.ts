// MetricsHooks that record into Prometheus metrics: request durations and errors by op, WebSocket
// connections, bytes and frames.
import { SightlineConfigError, type MetricsHooks } from '@sightline/core';
import { resolveOptions } from '@sightline/core/internal';
import type { Counter, Histogram } from 'prom-client';
import { LazyFamilies } from './lazy-families.js';
import type { MetricsCollector } from './metrics-collector.js';
import { PROMETHEUS_HOOKS_SHAPE, type PrometheusHooksOptions } from './options.js';

interface OpCounts {
  sentBytes: number;
  sentMessages: number;
  recvBytes: number;
  recvMessages: number;
}

const NAMESPACE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The metric names `prometheusHooks` defines for a namespace. */
export function hookMetricNames(namespace = 'sightline') {
  return {
    requestDuration: `${namespace}_request_duration_seconds`,
    requestErrors: `${namespace}_request_errors_total`,
    wsConnections: `${namespace}_ws_connections_total`,
    wsConnectionsActive: `${namespace}_ws_connections_active`,
    wsBytesSent: `${namespace}_ws_bytes_sent_total`,
    wsBytesReceived: `${namespace}_ws_bytes_received_total`,
    wsMessagesSent: `${namespace}_ws_messages_sent_total`,
    wsMessagesReceived: `${namespace}_ws_messages_received_total`,
  } as const;
}

/** Byte and frame counts by op, and connections: plain fields the hooks bump and a scrape reads. */
class Traffic {
  readonly byOp = new Map<string, OpCounts>();
  connections = 0;
  open = 0;

  of(op: string): OpCounts {
    let c = this.byOp.get(op);
    if (!c) {
      c = { sentBytes: 0, sentMessages: 0, recvBytes: 0, recvMessages: 0 };
      this.byOp.set(op, c);
    }
    return c;
  }
}

/** The WebSocket connection, byte and frame metrics, each read from `traffic` at scrape. */
function defineTrafficMetrics(collector: MetricsCollector, names: ReturnType<typeof hookMetricNames>, traffic: Traffic): void {
  collector.counter(names.wsConnections, 'WebSocket connections opened', {
    collect() {
      this.reset();
      this.inc(traffic.connections);
    },
  });
  collector.gauge(names.wsConnectionsActive, 'WebSocket connections currently open', {
    collect() {
      this.set(traffic.open);
    },
  });
  const perOp = (name: string, help: string, pick: (c: OpCounts) => number): void => {
    collector.counter(name, help, {
      labels: ['op'] as const,
      collect() {
        this.reset();
        for (const [op, c] of traffic.byOp) this.inc({ op }, pick(c));
      },
    });
  };
  perOp(names.wsBytesSent, 'Bytes sent in WebSocket frames, by op', (c) => c.sentBytes);
  perOp(names.wsBytesReceived, 'Bytes received in WebSocket frames, by op', (c) => c.recvBytes);
  perOp(names.wsMessagesSent, 'WebSocket frames sent, by op', (c) => c.sentMessages);
  perOp(names.wsMessagesReceived, 'WebSocket frames received, by op', (c) => c.recvMessages);
}

/** The request families, once the first request or error has defined them. */
interface RequestMetrics {
  duration: Histogram<'op'> | undefined;
  errors: Counter<'op' | 'error_type'> | undefined;
}

/** The hooks: traffic into plain fields, a request's duration into its op's histogram child. */
function recordingHooks(traffic: Traffic, requests: RequestMetrics, families: LazyFamilies<HookKind>): Readonly<MetricsHooks> {
  const timings = new Map<string, Histogram.Internal<'op'>>();
  return Object.freeze({
    onWsConnect() {
      families.expose('ws');
      traffic.connections++;
      traffic.open++;
    },
    onWsDisconnect() {
      families.expose('ws');
      if (traffic.open > 0) traffic.open--;
    },
    onWsMessageSent(op: string, byteCount: number) {
      families.expose('ws');
      const c = traffic.of(op);
      c.sentMessages++;
      c.sentBytes += byteCount;
    },
    onWsMessageRecv(op: string, byteCount: number) {
      families.expose('ws');
      const c = traffic.of(op);
      c.recvMessages++;
      c.recvBytes += byteCount;
    },
    onRequest(op: string, durationSecs: number) {
      let timing = timings.get(op);
      if (!timing) {
        families.expose('requests');
        if (!requests.duration) return;
        timing = requests.duration.labels({ op });
        timings.set(op, timing);
      }
      timing.observe(durationSecs);
    },
    onError(op: string, errorType: string) {
      families.expose('requests');
      requests.errors?.inc({ op, error_type: errorType });
    },
  });
}

/** The kinds of hook whose families appear with their first call. */
type HookKind = 'requests' | 'ws';

/**
 * Hooks recording request duration by `op`, errors by `op` and `error_type`, WebSocket connections
 * (total and open), and bytes and messages sent and received by `op`. Byte and message counts are
 * plain fields exported at scrape; request timings go to a prom-client histogram child per op. The
 * request families appear with the first request or error, the WebSocket ones with the first
 * WebSocket event (all at start with `eagerSeries`).
 */
export function prometheusHooks(collector: MetricsCollector, options: PrometheusHooksOptions = {}): Readonly<MetricsHooks> {
  const { namespace, buckets, eagerSeries } = resolveOptions(PROMETHEUS_HOOKS_SHAPE, options, { source: 'prometheusHooks()' });
  if (!NAMESPACE.test(namespace)) {
    throw new SightlineConfigError(`prometheusHooks namespace must match [a-zA-Z_][a-zA-Z0-9_]*, got ${JSON.stringify(namespace)}`);
  }
  const names = hookMetricNames(namespace);
  const traffic = new Traffic();
  const requests: RequestMetrics = { duration: undefined, errors: undefined };
  const families = new LazyFamilies<HookKind>(
    collector,
    {
      requests: {
        names: [names.requestDuration, names.requestErrors],
        define: () => {
          requests.duration = collector.histogram(names.requestDuration, 'Duration of completed requests, by op, in seconds', {
            labels: ['op'] as const,
            buckets,
          });
          requests.errors = collector.counter(names.requestErrors, 'Failed requests, by op and error type', {
            labels: ['op', 'error_type'] as const,
          });
        },
      },
      ws: {
        names: [
          names.wsConnections,
          names.wsConnectionsActive,
          names.wsBytesSent,
          names.wsBytesReceived,
          names.wsMessagesSent,
          names.wsMessagesReceived,
        ],
        define: () => defineTrafficMetrics(collector, names, traffic),
      },
    },
    eagerSeries,
    'prometheusHooks()',
  );
  return recordingHooks(traffic, requests, families);
}
