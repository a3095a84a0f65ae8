// Our renderer against prom-client's own `registry.metrics()`, on random registries, in both formats:
// the two texts must parse to the same families, samples, labels and values. prom-client is the
// reference: this is what lets us replace its renderer with a faster one.
import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry, Summary, type RegistryContentType } from 'prom-client';
import type { ExpositionFormat } from '@sightline/core';
import { renderExposition } from '@sightline/exposition';
import { snapshotRegistries } from '../../src/index.js';

const RUNS = 1000;

// --- a small parser for both formats ----------------------------------------------------------

interface ParsedSample {
  readonly name: string;
  /** Label pairs sorted by name, values unescaped. */
  readonly labels: readonly (readonly [string, string])[];
  /** The value normalized: `NaN`, `+Inf`, `-Inf` or the number's shortest text. */
  readonly value: string;
}
interface ParsedFamily {
  readonly name: string;
  type?: string;
  help?: string;
  readonly samples: ParsedSample[];
}
interface Parsed {
  readonly families: ParsedFamily[];
  readonly eof: boolean;
}

function unescape(text: string, allowed: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === undefined || !allowed.includes(next)) throw new Error(`bad escape \\${next ?? ''} in ${JSON.stringify(text)}`);
    out += next === 'n' ? '\n' : next;
  }
  return out;
}

function parseValue(text: string): string {
  const lower = text.toLowerCase();
  if (lower === 'nan') return 'NaN';
  if (lower === '+inf' || lower === 'inf') return '+Inf';
  if (lower === '-inf') return '-Inf';
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new Error(`bad value ${JSON.stringify(text)}`);
  return String(n);
}

function parseSample(line: string): ParsedSample {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  if (brace < 0 || (space >= 0 && space < brace)) {
    const parts = line.split(' ');
    if (parts.length !== 2) throw new Error(`bad sample line ${JSON.stringify(line)}`);
    return { name: parts[0]!, labels: [], value: parseValue(parts[1]!) };
  }
  const name = line.slice(0, brace);
  const labels = new Map<string, string>();
  let i = brace + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    const key = line.slice(i, eq);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) throw new Error(`bad label name ${JSON.stringify(key)} in ${JSON.stringify(line)}`);
    if (line[eq + 1] !== '"') throw new Error(`unquoted label value in ${JSON.stringify(line)}`);
    let j = eq + 2;
    let raw = '';
    while (line[j] !== '"') {
      if (j >= line.length) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
      if (line[j] === '\\') raw += line[j++];
      raw += line[j++];
    }
    if (labels.has(key)) throw new Error(`duplicate label ${key} in ${JSON.stringify(line)}`);
    labels.set(key, unescape(raw, '\\"n'));
    i = j + 1;
    if (line[i] === ',') i++;
  }
  if (line[i + 1] !== ' ') throw new Error(`no space before the value in ${JSON.stringify(line)}`);
  const value = line.slice(i + 2);
  return { name, labels: [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)), value: parseValue(value) };
}

/** `strict`: no blank line in OpenMetrics (prom-client writes one for an empty registry). */
function parse(text: string, format: ExpositionFormat, strict: boolean): Parsed {
  const families: ParsedFamily[] = [];
  let eof = false;
  const family = (name: string): ParsedFamily => {
    const last = families[families.length - 1];
    if (last?.name === name) return last;
    const next: ParsedFamily = { name, samples: [] };
    families.push(next);
    return next;
  };
  if (text === '') return { families, eof };
  if (!text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (eof) throw new Error(`text after # EOF: ${JSON.stringify(line)}`);
    if (line === '') {
      if (strict && format === 'openmetrics') throw new Error('blank line in OpenMetrics');
      continue;
    }
    if (line === '# EOF') {
      eof = true;
      continue;
    }
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2]!);
      if (meta[1] === 'HELP') f.help = unescape(meta[3]!, format === 'openmetrics' ? '\\"n' : '\\n');
      else f.type = meta[3]!;
      continue;
    }
    const sample = parseSample(line);
    const current = families[families.length - 1];
    if (!current) throw new Error(`sample before any family: ${JSON.stringify(line)}`);
    current.samples.push(sample);
  }
  return { families, eof };
}

// --- random registries -----------------------------------------------------------------------

const labelValue = fc.string({
  unit: fc.constantFrom('a', 'z', '0', ' ', '\n', '"', '\\', '{', '}', ',', '=', '#', 'é', '東', '✓'),
  maxLength: 8,
});
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,6}$/).filter((n) => !n.startsWith('__') && n !== 'le' && n !== 'quantile');
const help = fc.string({ unit: fc.constantFrom('h', ' ', '\n', '"', '\\', 'é'), minLength: 1, maxLength: 12 });
const anyNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e21, 1e-7, 0.1),
  fc.double(),
  fc.integer({ min: -1e6, max: 1e6 }),
);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
const increment = fc.oneof(fc.constantFrom(0, 1, 0.5, 1e21), fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e12 }));

type Kind = 'counter' | 'gauge' | 'histogram' | 'summary';
interface MetricSpec {
  readonly kind: Kind;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** One entry per series: its label values, and what it records. */
  readonly series: readonly { readonly values: readonly string[]; readonly records: readonly number[] }[];
  readonly buckets: readonly number[];
}

const metricSpec: fc.Arbitrary<MetricSpec> = fc
  .record({
    kind: fc.constantFrom<Kind>('counter', 'gauge', 'histogram', 'summary'),
    name: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/),
    total: fc.boolean(),
    help,
    labelNames: fc.uniqueArray(labelName, { maxLength: 3 }),
    buckets: fc.uniqueArray(finite, { minLength: 1, maxLength: 5 }),
  })
  .chain(({ kind, name, total, help, labelNames, buckets }) => {
    const record = kind === 'counter' ? increment : kind === 'gauge' ? anyNumber : finite;
    return fc
      .array(
        fc.record({
          values: fc.array(labelValue, { minLength: labelNames.length, maxLength: labelNames.length }),
          records: fc.array(record, { minLength: 1, maxLength: 4 }),
        }),
        {
          maxLength: 4,
        },
      )
      .map((series) => ({
        kind,
        name: kind === 'counter' && total ? `${name}_total` : name,
        help,
        labelNames,
        series,
        buckets: [...buckets].sort((a, b) => a - b),
      }));
  });

interface RegistrySpec {
  readonly metrics: readonly MetricSpec[];
  readonly defaultLabels: Readonly<Record<string, string>>;
}

const registrySpec: fc.Arbitrary<RegistrySpec> = fc.record({
  metrics: fc.uniqueArray(metricSpec, { maxLength: 6, selector: (m) => m.name.replace(/_total$/, '') }),
  defaultLabels: fc.dictionary(labelName, labelValue, { maxKeys: 2 }),
});

function build(spec: RegistrySpec, format: ExpositionFormat) {
  const registry = new Registry<RegistryContentType>();
  if (format === 'openmetrics') registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  if (Object.keys(spec.defaultLabels).length > 0) registry.setDefaultLabels({ ...spec.defaultLabels });
  for (const m of spec.metrics) {
    const config = { name: m.name, help: m.help, labelNames: [...m.labelNames], registers: [registry] };
    const labelsOf = (values: readonly string[]): Record<string, string> => Object.fromEntries(m.labelNames.map((n, i) => [n, values[i]!]));
    switch (m.kind) {
      case 'counter': {
        const c = new Counter(config);
        for (const s of m.series) for (const r of s.records) c.inc(labelsOf(s.values), r);
        break;
      }
      case 'gauge': {
        const g = new Gauge(config);
        for (const s of m.series) for (const r of s.records) g.set(labelsOf(s.values), r);
        break;
      }
      case 'histogram': {
        const h = new Histogram({ ...config, buckets: [...m.buckets] });
        for (const s of m.series) for (const r of s.records) h.observe(labelsOf(s.values), r);
        break;
      }
      case 'summary': {
        const sm = new Summary({ ...config, percentiles: [0.01, 0.5, 0.9, 0.99] });
        for (const s of m.series) for (const r of s.records) sm.observe(labelsOf(s.values), r);
        break;
      }
    }
  }
  return registry;
}

async function renderBoth(spec: RegistrySpec, format: ExpositionFormat) {
  const registry = build(spec, format);
  // Ours first: prom-client's OpenMetrics rendering renames counters in place (drops `_total`).
  const ours = renderExposition(await snapshotRegistries([registry]), { format, defaultLabels: spec.defaultLabels });
  const theirs = await registry.metrics();
  return { ours, theirs };
}

describe.each<ExpositionFormat>(['prometheus', 'openmetrics'])('our renderer against prom-client, %s format', (format) => {
  it(`parses to the same exposition for ${RUNS} random registries`, async () => {
    await fc.assert(
      fc.asyncProperty(registrySpec, async (spec) => {
        const { ours, theirs } = await renderBoth(spec, format);
        const a = parse(ours, format, true);
        const b = parse(theirs, format, false);
        expect(a.families).toEqual(b.families);
        // An empty registry in OpenMetrics is `# EOF` alone; in text, an empty body.
        expect(a.eof).toBe(format === 'openmetrics');
      }),
      { numRuns: RUNS },
    );
  });

  it('has the samples the test builds: escaped label values survive the round trip', async () => {
    const spec = {
      metrics: [
        {
          kind: 'gauge' as const,
          name: 'odd',
          help: 'a "quoted"\nhelp \\',
          labelNames: ['path'],
          series: [
            { values: ['C:\\dir\n"x"'], records: [NaN] },
            { values: ['東京'], records: [-Infinity] },
          ],
          buckets: [1],
        },
      ],
      defaultLabels: { env: 'te"st' },
    };
    const { ours } = await renderBoth(spec, format);
    const parsed = parse(ours, format, true);
    expect(parsed.families).toEqual([
      {
        name: 'odd',
        help: 'a "quoted"\nhelp \\',
        type: 'gauge',
        samples: [
          {
            name: 'odd',
            labels: [
              ['env', 'te"st'],
              ['path', 'C:\\dir\n"x"'],
            ],
            value: 'NaN',
          },
          {
            name: 'odd',
            labels: [
              ['env', 'te"st'],
              ['path', '東京'],
            ],
            value: '-Inf',
          },
        ],
      },
    ]);
  });
});
