// Reads Prometheus text (and OpenMetrics) exposition into samples: what the page charts and pins.
// Tolerant: a line it cannot read is skipped and counted, never thrown.

export interface Sample {
  readonly name: string;
  /** Label pairs in the order the exposition gave them. */
  readonly labels: readonly (readonly [string, string])[];
  /** `name{a="x",b="y"}`: labels sorted, values escaped as in the exposition. */
  readonly key: string;
  readonly value: number;
}

export interface ParsedExposition {
  /** Family name -> declared type (`counter`, `gauge`, `histogram`, `summary`, `untyped`...). */
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
  /** Lines that were neither comments nor samples. */
  readonly skipped: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** The canonical key of a series: name, then labels sorted by name. */
export function seriesKey(name: string, labels: readonly (readonly [string, string])[]): string {
  if (labels.length === 0) return name;
  const sorted = labels.length === 1 ? labels : [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `${name}{${sorted.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      return text.length === 0 ? NaN : Number(text);
  }
}

/** Labels from `{...}` starting at `line[start] === '{'`; returns the index after `}` or -1. */
function parseLabels(line: string, start: number, out: [string, string][]): number {
  let i = start + 1;
  const n = line.length;
  while (i < n) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return i + 1;
    const m = NAME.exec(line.slice(i, i + 200));
    if (!m) return -1;
    const labelName = m[0];
    i += labelName.length;
    if (line[i] !== '=' || line[i + 1] !== '"') return -1;
    i += 2;
    let value = '';
    while (i < n && line[i] !== '"') {
      if (line[i] === '\\') {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else {
        value += line[i];
        i++;
      }
    }
    if (i >= n) return -1;
    i++;
    out.push([labelName, value]);
  }
  return -1;
}

export function parseExposition(text: string): ParsedExposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  let skipped = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    if (line.charCodeAt(0) === 35 /* # */) {
      if (line.startsWith('# TYPE ')) {
        const parts = line.split(' ');
        if (parts.length >= 4) types.set(parts[2]!, parts[3]!);
      }
      continue;
    }
    const m = NAME.exec(line);
    if (!m) {
      skipped++;
      continue;
    }
    const name = m[0];
    let i = name.length;
    const labels: [string, string][] = [];
    if (line[i] === '{') {
      i = parseLabels(line, i, labels);
      if (i === -1) {
        skipped++;
        continue;
      }
    }
    if (line[i] !== ' ') {
      skipped++;
      continue;
    }
    const rest = line.slice(i + 1).trim();
    const space = rest.indexOf(' ');
    const value = parseValue(space === -1 ? rest : rest.slice(0, space));
    if (Number.isNaN(value) && rest.slice(0, 3) !== 'NaN') {
      skipped++;
      continue;
    }
    samples.push({ name, labels, key: seriesKey(name, labels), value });
  }
  return { types, samples, skipped };
}

/** The family a sample belongs to, given the declared types (`x_bucket` -> `x` when `x` is a histogram). */
export function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_count', '_sum', '_total', '_created', '_gcount', '_gsum']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.has(base)) return base;
    }
  }
  return name;
}
