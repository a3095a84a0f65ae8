// The pure render step: metric snapshots in, exposition text out. No registry, no I/O, so the same
// function serves a collector, a cluster aggregate, and tests.
import type { ExpositionFormat } from './formats.js';

export type LabelSet = Readonly<Record<string, string | number | undefined>>;

/** One sample as prom-client's `get()` / `getForPromString()` return it. */
export interface SampleSnapshot {
  readonly value: number;
  readonly labels?: LabelSet;
  /** Labels common to a histogram series' samples (prom-client keeps them apart from `le`). */
  readonly sharedLabels?: LabelSet;
  /** The sample's own name when it differs from the family's: `x_bucket`, `x_sum`, `x_count`. */
  readonly metricName?: string;
}

/** One metric family at one instant. */
export interface MetricSnapshot {
  readonly name: string;
  readonly help: string;
  /** `counter`, `gauge`, `histogram` or `summary`; anything else renders as untyped / unknown. */
  readonly type: string;
  readonly values: readonly SampleSnapshot[];
}

export interface RenderOptions {
  /** Defaults to `prometheus` (text format 0.0.4). */
  readonly format?: ExpositionFormat;
  /** Added to every sample that does not carry a label of the same name. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value;
}

function escapeHelp(help: string, openMetrics: boolean): string {
  let out = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  if (openMetrics) out = out.replace(/"/g, '\\"');
  return out;
}

export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value !== value) return 'NaN';
  return '' + value;
}

function labelPairs(labels: LabelSet): string {
  let out = '';
  for (const key in labels) {
    const v = labels[key];
    if (v === undefined) continue;
    const s = typeof v === 'string' ? escapeLabelValue(v) : formatValue(v);
    out += out.length === 0 ? `${key}="${s}"` : `,${key}="${s}"`;
  }
  return out;
}

// prom-client keeps one labels object per series for the series' life, so its formatted text is kept
// too: later scrapes skip the formatting, and the text, flattened by the first scrape's encoding,
// makes the output a rope of few pieces, cheap to flatten again. Weak: a removed series frees its entry.
const pairsCache = new WeakMap<LabelSet, string>();

function cachedPairs(labels: LabelSet): string {
  let text = pairsCache.get(labels);
  if (text === undefined) {
    text = flat(labelPairs(labels));
    pairsCache.set(labels, text);
  }
  return text;
}

/**
 * The same text as one flat string rather than a rope of its pieces (V8 flattens a rope in place
 * when a character is read from it), so every later scrape copies it in one piece.
 */
function flat(text: string): string {
  if (text.length > 0) text.charCodeAt(0);
  return text;
}

const leCache = new Map<number | string | undefined, string>();

/** `le="0.5"` for a bucket bound: a handful of distinct values, formatted once. */
function lePair(bound: string | number | undefined): string {
  let text = leCache.get(bound);
  if (text === undefined) {
    text = bound === undefined ? '' : `le="${typeof bound === 'number' ? formatValue(bound) : escapeLabelValue(bound)}"`;
    if (leCache.size < 10_000) leCache.set(bound, text);
  }
  return text;
}

function isOnlyLe(labels: LabelSet): boolean {
  for (const key in labels) if (key !== 'le') return false;
  return true;
}

function typeWord(type: string, openMetrics: boolean): string {
  if (type === 'counter' || type === 'gauge' || type === 'histogram' || type === 'summary') return type;
  return openMetrics ? 'unknown' : 'untyped';
}

/**
 * Renders snapshots as Prometheus text format 0.0.4 or OpenMetrics 1.0.0. In OpenMetrics a counter's
 * family is named without `_total` and its sample with it, and the text ends with `# EOF`.
 */
export function renderExposition(metrics: readonly MetricSnapshot[], options: RenderOptions = {}): string {
  const openMetrics = options.format === 'openmetrics';
  const defaults = options.defaultLabels ? Object.entries(options.defaultLabels) : [];
  const defaultPairs = defaults.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  const hasDefaults = defaults.length > 0;

  let out = '';
  for (let m = 0; m < metrics.length; m++) {
    const metric = metrics[m]!;
    const isCounter = metric.type === 'counter';
    let family = metric.name;
    if (openMetrics && isCounter && family.endsWith('_total')) family = family.slice(0, -6);
    out += `# HELP ${family} ${escapeHelp(metric.help, openMetrics)}\n# TYPE ${family} ${typeWord(metric.type, openMetrics)}\n`;
    const counterSample = openMetrics && isCounter ? `${family}_total` : family;

    // The samples of one histogram series share one labels object: format it once per run.
    let lastShared: LabelSet | undefined;
    let lastSharedText = '';
    const values = metric.values;
    for (let i = 0; i < values.length; i++) {
      const sample = values[i]!;
      const sampleName = sample.metricName;
      const name = sampleName === undefined || sampleName === metric.name ? counterSample : sampleName;

      let labels = '';
      const shared = sample.sharedLabels;
      const own = sample.labels;
      if (shared !== undefined) {
        // A histogram sample (prom-client's getForPromString): series labels shared, `le` apart.
        if (shared !== lastShared) {
          lastShared = shared;
          lastSharedText = cachedPairs(shared);
        }
        labels = lastSharedText;
        if (own !== undefined) {
          const ownPairs = isOnlyLe(own) ? lePair(own.le) : labelPairs(own);
          if (ownPairs.length > 0) labels = labels.length > 0 ? `${labels},${ownPairs}` : ownPairs;
        }
      } else if (own !== undefined) {
        labels = cachedPairs(own);
      }
      if (hasDefaults) {
        for (let d = 0; d < defaults.length; d++) {
          const key = defaults[d]![0];
          if (sample.labels?.[key] !== undefined || shared?.[key] !== undefined) continue;
          labels = labels.length > 0 ? `${labels},${defaultPairs[d]}` : defaultPairs[d]!;
        }
      }
      out +=
        labels.length > 0 ? `${name}{${labels}} ${formatValue(sample.value)}\n` : `${name} ${formatValue(sample.value)}\n`;
    }
  }
  return openMetrics ? `${out}# EOF\n` : out;
}
