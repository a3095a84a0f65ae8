import { OptionsError } from '@sightline/core';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, snapshotSource, type MetricSnapshot } from '../src/index.js';

const jobs = (value: number): MetricSnapshot[] => [
  { name: 'jobs_total', help: 'Jobs', type: 'counter', values: [{ value, labels: { queue: 'mail' } }] },
];

describe('snapshotSource', () => {
  it('takes a fresh snapshot per render and renders it in the format asked for', async () => {
    let taken = 0;
    const source = snapshotSource(() => Promise.resolve(jobs(++taken)), { defaultLabels: { zone: 'eu' } });
    expect(source.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(source.formats).toEqual(['prometheus', 'openmetrics']);
    expect(await source.render()).toBe('# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total{queue="mail",zone="eu"} 1\n');
    expect(await source.renderFormat('openmetrics')).toBe(
      '# HELP jobs Jobs\n# TYPE jobs counter\njobs_total{queue="mail",zone="eu"} 2\n# EOF\n',
    );
    expect((await source.renderBytes('prometheus')).toString('utf8')).toContain('jobs_total{queue="mail",zone="eu"} 3\n');
  });

  it('negotiates the format from the Accept header, as a string or as bytes', async () => {
    const source = snapshotSource(() => Promise.resolve(jobs(5)));
    const open = await source.negotiate('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(open.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(open.body.endsWith('# EOF\n')).toBe(true);
    const text = await source.negotiateBytes(undefined);
    expect(text.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(text.body.toString('utf8')).toBe('# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total{queue="mail"} 5\n');
  });

  it('sizes each render for the previous one of the same source only', async () => {
    const big: MetricSnapshot[] = [
      {
        name: 'big',
        help: 'Big',
        type: 'gauge',
        values: Array.from({ length: 20_000 }, (_, i) => ({ value: i, labels: { series: `s${i}` } })),
      },
    ];
    const large = snapshotSource(() => Promise.resolve(big));
    const small = snapshotSource(() => Promise.resolve(jobs(1)));
    const first = await large.renderBytes('prometheus');
    const second = await large.renderBytes('prometheus');
    expect(second.equals(first)).toBe(true);
    // The second render of the large source starts in a buffer that fits, with an eighth to spare.
    expect(second.buffer.byteLength).toBe(Math.ceil(first.length * 1.125));
    // Another source is not sized by the large one's scrapes.
    expect((await small.renderBytes('prometheus')).buffer.byteLength).toBe(64 * 1024);
  });

  it('refuses unknown options and label values that are not strings, naming them', () => {
    expect(() => snapshotSource(() => Promise.resolve([]), { defaultLabel: { a: 'b' } } as never)).toThrow(OptionsError);
    expect(() => snapshotSource(() => Promise.resolve([]), { defaultLabel: { a: 'b' } } as never)).toThrow(/defaultLabel.*defaultLabels/s);
    expect(() => snapshotSource(() => Promise.resolve([]), { defaultLabels: { a: 1 } } as never)).toThrow(/defaultLabels\.a/);
  });
});

describe('snapshotSource renderChunks', () => {
  const two = (): MetricSnapshot[] => [
    ...jobs(7),
    { name: 'queue_depth', help: 'Depth', type: 'gauge', values: [{ value: 3, labels: { queue: 'mail' } }] },
  ];
  const chunks = async (source: ReturnType<typeof snapshotSource>, format: 'prometheus' | 'openmetrics', control = {}) => {
    const parts: string[] = [];
    const lasts: boolean[] = [];
    await source.renderChunks(
      format,
      (chunk, last) => {
        parts.push(chunk.toString('utf8'));
        lasts.push(last);
      },
      control,
    );
    return { body: parts.join(''), lasts };
  };

  it('streams the bytes renderFormat() returns, ending with one last chunk', async () => {
    const source = snapshotSource(() => Promise.resolve(two()), { defaultLabels: { zone: 'eu' } });
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const out = await chunks(source, format);
      expect(out.body).toBe(await source.renderFormat(format));
      expect(out.lasts.at(-1)).toBe(true);
      expect(out.lasts.filter(Boolean)).toHaveLength(1);
    }
  });

  it('leaves out the families skipFamily names, tells onFamily of the others, and leaves # EOF out when asked', async () => {
    const source = snapshotSource(() => Promise.resolve(two()));
    const told: string[] = [];
    const out = await chunks(source, 'openmetrics', {
      skipFamily: (name: string, type: string) => name === 'jobs_total' && type === 'counter',
      onFamily: (name: string, type: string) => told.push(`${name}:${type}`),
      eof: false,
    });
    expect(out.body).toBe('# HELP queue_depth Depth\n# TYPE queue_depth gauge\nqueue_depth{queue="mail"} 3\n');
    expect(told).toEqual(['queue_depth:gauge']);
  });
});
