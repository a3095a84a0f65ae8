// Metric families read as data (a source's `collect()`) turned into the samples the page derives
// its series from: the same names, labels and keys the exposition parser gives for the same metrics.
import type { MetricSnapshot } from '@sightline/core';
import { seriesKey, type ParsedExposition, type Sample } from './exposition-parser.js';

type LabelRecord = Readonly<Record<string, string | number | undefined>> | undefined;

function labelPairs(shared: LabelRecord, own: LabelRecord): [string, string][] {
  const pairs: [string, string][] = [];
  if (shared) {
    for (const k in shared) {
      const v = shared[k];
      // A sample's own label wins over a shared one of the same name, as one label set can hold a name once.
      if (v !== undefined && (own === undefined || own[k] === undefined)) pairs.push([k, String(v)]);
    }
  }
  if (own) {
    for (const k in own) {
      const v = own[k];
      if (v !== undefined) pairs.push([k, formatLabel(k, v)]);
    }
  }
  return pairs;
}

/** `le` bounds as the exposition writes them (`+Inf`), so a bucket's key is the same either way. */
function formatLabel(name: string, value: string | number): string {
  if (typeof value === 'number' && name === 'le' && value === Infinity) return '+Inf';
  return String(value);
}

export function samplesFromSnapshots(families: readonly MetricSnapshot[]): ParsedExposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const family of families) {
    types.set(family.name, family.type);
    for (const v of family.values) {
      const name = v.metricName ?? family.name;
      const labels = labelPairs(v.sharedLabels, v.labels);
      samples.push({ name, labels, key: seriesKey(name, labels), value: v.value });
    }
  }
  return { types, samples, skipped: 0 };
}
