// The status page's options, each declared once (type, default, SIGHTLINE_STATUS_* variable for
// setupFromEnv, doc line), and the one function that resolves them.
import { type MetricsSource } from '@sightline/core';
import { defineShape, opt, resolveOptions, type OptionsOf, type ResolvedOf } from '@sightline/core/internal';
import { StatusConfigError } from './errors.js';

const PATH = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;
const isMetricsSource = (v: { render?: unknown } | null): string | undefined =>
  typeof v === 'object' && v !== null && typeof v.render === 'function' ? undefined : 'expected a MetricsSource { contentType, render() }';

/** The options of `createStatusPage()` and `status()`, for core's options rule and the README table. */
export const STATUS_SHAPE = defineShape({
  path: opt.string({
    default: '/status',
    check: (v: string) => (PATH.test(v) ? undefined : 'expected a path prefix such as "/status"'),
    doc: 'Where the page lives; its stream and API are under it.',
  }),
  auth: opt.enum(['metrics', 'none'], {
    default: 'metrics',
    doc: "`'metrics'`: behind the health server's /metrics token when it has one; `'none'` serves it to anyone who reaches the port.",
  }),
  intervalMs: opt.integer({ min: 10, max: 60_000, default: 1000, doc: 'Sampling period.' }),
  historyMs: opt.integer({
    min: 1000,
    max: 86_400_000,
    default: 900_000,
    doc: 'How far back the charts go (15 minutes); the ring buffers hold `historyMs / intervalMs` points.',
  }),
  maxSeries: opt.integer({
    min: 1,
    max: 10_000,
    default: 256,
    doc: 'Most series kept, charts and pins together; more are refused and counted.',
  }),
  maxPins: opt.integer({ min: 0, max: 1000, default: 32, doc: 'Most metrics pinned from the page at once.' }),
  maxClients: opt.integer({ min: 1, max: 10_000, default: 32, doc: 'Most browsers streaming at once; more get 503.' }),
  maxClientBufferBytes: opt.integer({
    min: 1024,
    max: 1 << 30,
    default: 1024 * 1024,
    doc: 'Bytes a browser may leave unread before it is disconnected.',
  }),
  maxTraces: opt.integer({ min: 0, max: 10_000, default: 50, doc: 'Recent traces kept (the oldest goes first).' }),
  maxSpansPerTrace: opt.integer({ min: 1, max: 100_000, default: 200, doc: 'Spans kept per trace; more are counted.' }),
  maxTransitions: opt.integer({ min: 1, max: 100_000, default: 200, doc: 'Health transitions kept for the timeline.' }),
  metrics: opt.any<MetricsSource>({
    check: isMetricsSource,
    expected: 'a MetricsSource',
    env: false,
    defaultText: "the plugins' sources (under setup)",
    doc: 'What to chart when not under setup.',
  }),
});

/** Options of `createStatusPage()` and `status()`. */
export type StatusOptions = OptionsOf<typeof STATUS_SHAPE>;

/** The options the page runs with, and the ring buffers' length they give. */
export type StatusConfig = ResolvedOf<typeof STATUS_SHAPE> & {
  /** `historyMs` at `intervalMs`: the ring buffers' length. */
  readonly capacity: number;
};

/** Checks every option once, at construction (core's rule); a bad one throws `StatusConfigError`. */
export function resolveStatusOptions(options: StatusOptions = {}, source = 'status()'): StatusConfig {
  const resolved = resolveOptions(STATUS_SHAPE, options, { source, error: (message, details) => new StatusConfigError(message, details) });
  return Object.freeze({ ...resolved, capacity: Math.max(2, Math.ceil(resolved.historyMs / resolved.intervalMs)) });
}
