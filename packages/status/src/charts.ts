// The charts the page draws, in order, and the shape of one series on them.

/** One chart of the status page. */
export interface ChartSpec {
  /** Its id, e.g. `latency`; a series names it in `chart`. */
  readonly id: string;
  /** Its heading, e.g. `Latency p50 / p95 / p99, by op`. */
  readonly title: string;
  /** The unit of its values, e.g. `ms`, `/s`; empty for a plain count. */
  readonly unit: string;
}

export const CHARTS: readonly ChartSpec[] = Object.freeze([
  { id: 'requests', title: 'Requests per second, by op', unit: '/s' },
  { id: 'errors', title: 'Errors per second, by op', unit: '/s' },
  { id: 'status', title: 'Responses per second, by status class', unit: '/s' },
  { id: 'latency', title: 'Latency p50 / p95 / p99, by op', unit: 'ms' },
  { id: 'eventloop', title: 'Event-loop delay', unit: 'ms' },
  { id: 'memory', title: 'Heap and RSS', unit: 'MB' },
  { id: 'gc', title: 'GC time', unit: 'ms/s' },
  { id: 'cpu', title: 'CPU', unit: '% of a core' },
  { id: 'load', title: 'Load average (1 min)', unit: '' },
  { id: 'messages', title: 'Messages in / out per second', unit: '/s' },
  { id: 'queue', title: 'Queue depth', unit: '' },
  { id: 'lag', title: 'Consumer lag, by partition', unit: '' },
  { id: 'stats', title: 'Stats-server: received', unit: '' },
]);

/** Charts drawn from the process itself: always shown. */
export const RUNTIME_CHARTS: readonly string[] = Object.freeze(['eventloop', 'memory', 'gc', 'cpu', 'load']);

/** One line on a chart. Pinned metrics get a chart of their own, `pin:<series key>`. */
export interface SeriesMeta {
  /** The series' key, unique on the page. */
  readonly key: string;
  /** The id of the chart it is drawn on (see {@link ChartSpec}). */
  readonly chart: string;
  /** Its legend, e.g. an operation's name. */
  readonly label: string;
  /** The unit of its values, e.g. `ms`. */
  readonly unit: string;
}
