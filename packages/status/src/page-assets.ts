// The page's files, built into dist/static (the client bundled with uPlot): read once, gzipped
// once, served from memory. Nothing is fetched from anywhere else.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PageAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

export interface PageAssets {
  readonly html: PageAsset;
  readonly js: PageAsset;
  readonly css: PageAsset;
}

export const ASSET_FILES = Object.freeze({ html: 'index.html', js: 'status.js', css: 'status.css' });

/** The built page: next to the bundle (dist/static), or dist/static seen from src/ in tests. */
export function staticDir(): string | undefined {
  const candidates = [join(__dirname, 'static'), join(__dirname, '..', 'dist', 'static')];
  return candidates.find((dir) => existsSync(join(dir, ASSET_FILES.js)));
}

function asset(body: Buffer, contentType: string): PageAsset {
  const gzipped = gzipSync(body, { level: 9 });
  let hash = 0;
  for (const byte of body) hash = (hash * 31 + byte) | 0;
  return { contentType, body, gzipped, etag: `"${(hash >>> 0).toString(16)}-${body.length}"` };
}

/** Loads the page with `{{base}}` in the HTML replaced by where it is served; undefined when not built. */
export function loadPageAssets(base: string, dir: string | undefined = staticDir()): PageAssets | undefined {
  if (!dir) return undefined;
  const read = (file: string) => readFileSync(join(dir, file));
  const html = read(ASSET_FILES.html).toString('utf8').replaceAll('{{base}}', base);
  return {
    html: asset(Buffer.from(html, 'utf8'), 'text/html; charset=utf-8'),
    js: asset(read(ASSET_FILES.js), 'text/javascript; charset=utf-8'),
    css: asset(read(ASSET_FILES.css), 'text/css; charset=utf-8'),
  };
}
