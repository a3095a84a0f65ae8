import { type ExpositionFormat, type MetricsSource } from '../../src/index.js';
import { combineMetricsSources, formatOfContentType, MixedExpositionError, renderMetrics } from '../../src/internal.js';

const PROM = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

function source(name: string): MetricsSource {
  return {
    contentType: PROM,
    render: () => `# TYPE ${name} counter\n${name} 1\n`,
    negotiate: (accept) =>
      accept?.includes('openmetrics')
        ? { contentType: OM, body: `# TYPE ${name} counter\n${name}_total 1\n# EOF\n` }
        : { contentType: PROM, body: `# TYPE ${name} counter\n${name} 1\n` },
  };
}

describe('metrics sources', () => {
  it('renders a plain source with its own content type', async () => {
    await expect(renderMetrics({ contentType: 'application/json', render: () => Promise.resolve('{}') })).resolves.toEqual({
      contentType: 'application/json',
      body: '{}',
    });
  });

  it('combines sources in order into one exposition', async () => {
    const combined = combineMetricsSources(source('a'), { contentType: PROM, render: () => 'b 2' });
    expect(await combined.render()).toBe('# TYPE a counter\na 1\nb 2\n');
    expect(await renderMetrics(combined, 'text/plain')).toEqual({ contentType: PROM, body: '# TYPE a counter\na 1\nb 2\n' });
  });

  it('keeps a single # EOF at the end when the scraper asks for OpenMetrics', async () => {
    const combined = combineMetricsSources(source('a'), source('b'));
    const out = await renderMetrics(combined, 'application/openmetrics-text; version=1.0.0');
    expect(out.contentType).toBe(OM);
    expect(out.body).toBe('# TYPE a counter\na_total 1\n# TYPE b counter\nb_total 1\n# EOF\n');
  });

  // A source as @sightline/prometheus builds one: renders either format on demand, negotiates by
  // preferring OpenMetrics when the Accept header names it first.
  function formatSource(name: string, calls: ExpositionFormat[] = []): MetricsSource {
    const render = (format: ExpositionFormat = 'prometheus') => {
      calls.push(format);
      return format === 'openmetrics'
        ? `# TYPE ${name} counter\n${name}_total 1\n# EOF\n`
        : `# HELP ${name}_total x\n# TYPE ${name}_total counter\n${name}_total 1\n`;
    };
    return {
      contentType: PROM,
      formats: ['prometheus', 'openmetrics'],
      render,
      negotiate: (accept) => {
        const format = accept?.startsWith('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
        return { contentType: format === 'openmetrics' ? OM : PROM, body: render(format) };
      },
    };
  }

  it('chooses the format once and renders every part in it, whatever the later parts would negotiate', async () => {
    const calls: ExpositionFormat[] = [];
    // The second source would pick OpenMetrics for any Accept naming it: it is not asked to negotiate.
    const greedy: MetricsSource = {
      ...formatSource('b', calls),
      negotiate: () => ({ contentType: OM, body: '# TYPE b counter\nb_total 1\n# EOF\n' }),
    };
    const combined = combineMetricsSources(formatSource('a', calls), greedy);
    const text = await renderMetrics(combined, 'text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0;q=0.5');
    expect(text).toEqual({
      contentType: PROM,
      body: '# HELP a_total x\n# TYPE a_total counter\na_total 1\n# HELP b_total x\n# TYPE b_total counter\nb_total 1\n',
    });
    expect(calls).toEqual(['prometheus', 'prometheus']);

    const open = await renderMetrics(combined, 'application/openmetrics-text;version=1.0.0');
    expect(open).toEqual({ contentType: OM, body: '# TYPE a counter\na_total 1\n# TYPE b counter\nb_total 1\n# EOF\n' });
    expect(combined.formats).toEqual(['prometheus', 'openmetrics']);
  });

  it('falls back to text for the whole body when one part can only render text', async () => {
    const plain: MetricsSource = { contentType: PROM, render: () => 'c 3\n' };
    const combined = combineMetricsSources(formatSource('a'), plain);
    expect(combined.formats).toEqual(['prometheus']);
    const out = await renderMetrics(combined, 'application/openmetrics-text;version=1.0.0');
    expect(out).toEqual({ contentType: PROM, body: '# HELP a_total x\n# TYPE a_total counter\na_total 1\nc 3\n' });
    expect(await combined.render('prometheus')).toBe(out.body);
  });

  it('refuses to serve a body whose parts disagree on the format', async () => {
    const stubborn: MetricsSource = { contentType: PROM, render: () => '', negotiate: () => ({ contentType: OM, body: '# EOF\n' }) };
    const combined = combineMetricsSources(formatSource('a'), stubborn);
    await expect(renderMetrics(combined, 'text/plain')).rejects.toThrow(MixedExpositionError);
    await expect(renderMetrics(combined, 'text/plain')).rejects.toThrow(/source #2 answered "application\/openmetrics-text/);
  });

  it('nests: a combination of combinations still renders one format', async () => {
    const inner = combineMetricsSources(formatSource('a'), formatSource('b'));
    const outer = combineMetricsSources(inner, formatSource('c'));
    const out = await renderMetrics(outer, 'application/openmetrics-text');
    expect(out.contentType).toBe(OM);
    expect(out.body).toBe('# TYPE a counter\na_total 1\n# TYPE b counter\nb_total 1\n# TYPE c counter\nc_total 1\n# EOF\n');
  });

  it('keeps JSON sources as they were: the first picks, the others are appended', async () => {
    const json: MetricsSource = { contentType: 'application/json', render: () => '{}' };
    const combined = combineMetricsSources(json, formatSource('a'));
    expect(combined.formats).toEqual([]);
    const out = await renderMetrics(combined, 'application/openmetrics-text');
    expect(out.contentType).toBe('application/json');
  });

  it('reads the format of a content type', () => {
    expect(formatOfContentType(PROM)).toBe('prometheus');
    expect(formatOfContentType('text/plain')).toBe('prometheus');
    expect(formatOfContentType('Application/OpenMetrics-Text; version=1.0.0')).toBe('openmetrics');
    expect(formatOfContentType('text/plain; version=1.0.0')).toBeUndefined();
    expect(formatOfContentType('application/json')).toBeUndefined();
  });
});

describe('combined sources whose names collide', () => {
  const text = (body: string): MetricsSource => ({ contentType: PROM, render: () => body });

  it('serves a family once, from the first source, and reports the collision', async () => {
    const records: string[] = [];
    const { setLogSink } = await import('../../src/index.js');
    const { resetLogging } = await import('../../src/internal.js');
    resetLogging({ SIGHTLINE_LOG: 'warn' });
    setLogSink((r) => records.push(r.message));
    try {
      const app = text('# HELP http_requests_total app\n# TYPE http_requests_total counter\nhttp_requests_total{status="200"} 10\n');
      const received = text(
        '# HELP up_x x\n# TYPE up_x gauge\nup_x 1\n# HELP http_requests_total forged\n# TYPE http_requests_total counter\nhttp_requests_total{status="500"} 99999\n',
      );
      const body = await combineMetricsSources(app, received).render('prometheus');
      expect(body).toBe(
        '# HELP http_requests_total app\n# TYPE http_requests_total counter\nhttp_requests_total{status="200"} 10\n# HELP up_x x\n# TYPE up_x gauge\nup_x 1\n',
      );
      expect(records.join('\n')).toContain('metric family http_requests_total of metrics source #2 collides with source #1');
    } finally {
      resetLogging({});
    }
  });

  it('treats the names a histogram writes as its own: a later gauge x_sum is left out', async () => {
    const histogram = text('# TYPE x histogram\nx_bucket{le="+Inf"} 1\nx_sum 2\nx_count 1\n');
    const gauge = text('# TYPE x_sum gauge\nx_sum 5\n# TYPE y gauge\ny 1\n');
    expect(await combineMetricsSources(histogram, gauge).render('prometheus')).toBe(
      '# TYPE x histogram\nx_bucket{le="+Inf"} 1\nx_sum 2\nx_count 1\n# TYPE y gauge\ny 1\n',
    );
  });
});
