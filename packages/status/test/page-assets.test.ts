// The page as shipped in dist/static (scripts/build-page.mjs makes it; the package's `test` script runs it first).
import { loadPageAssets, staticDir } from '../src/page-assets.js';

describe('the built page', () => {
  const dir = staticDir();

  test('is built', () => {
    expect(dir).toBeDefined();
  });

  test('weighs under 100 kB gzipped, uPlot included', () => {
    const assets = loadPageAssets('/status', dir)!;
    const gzipped = assets.html.gzipped.length + assets.js.gzipped.length + assets.css.gzipped.length;
    expect(gzipped).toBeLessThan(100 * 1024);
    // uPlot is bundled, not fetched: its chart class is in the script.
    expect(assets.js.body.toString('utf8')).toContain('uplot');
  });

  test('loads nothing from another origin', () => {
    const assets = loadPageAssets('/base', dir)!;
    const html = assets.html.body.toString('utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('href="/base/status.css"');
    expect(html).toContain('src="/base/status.js"');
    expect(html).not.toMatch(/<script>|style="/); // nothing inline: the CSP allows only 'self'
    expect(assets.css.body.toString('utf8')).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    expect(assets.js.body.toString('utf8')).not.toMatch(/fetch\(\s*["'`]https?:/);
  });
});
