import { combineMetricsSources, renderMetrics, type MetricsSource } from '../../src/index.js';

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
    await expect(renderMetrics({ contentType: 'application/json', render: async () => '{}' })).resolves.toEqual({
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
});
