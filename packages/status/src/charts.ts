// The charts the page draws, in order, and the shape of one series on them.

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
}

export const CHARTS: readonly ChartSpec[] = Object.freeze([
  { id: 'requests', title: 'Requests per second, by op', unit: '/s' },
  { id: 'errors', title: 'Errors per second, by op', unit: '/s' },
  { id: 'latency', title: 'Latency p50 / p95 / p99, by op', unit: 'ms' },
  { id: 'eventloop', title: 'Event-loop delay', unit: 'ms' },
  { id: 'memory', title: 'Heap and RSS', unit: 'MB' },
  { id: 'gc', title: 'GC time', unit: 'ms/s' },
  { id: 'cpu', title: 'CPU', unit: '% of a core' },
  { id: 'messages', title: 'Messages in / out per second', unit: '/s' },
  { id: 'queue', title: 'Queue depth', unit: '' },
  { id: 'lag', title: 'Consumer lag, by partition', unit: '' },
  { id: 'stats', title: 'Stats-server: received', unit: '' },
]);

/** One line on a chart. Pinned metrics get a chart of their own, `pin:<series key>`. */
export interface SeriesMeta {
  readonly key: string;
  readonly chart: string;
  readonly label: string;
  readonly unit: string;
}
