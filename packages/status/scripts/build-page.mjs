// Builds the page into dist/static: the client bundled with uPlot (one minified script), uPlot's
// stylesheet with ours (one file), and the HTML. Everything the browser loads ships in the package.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'static');
const require = createRequire(import.meta.url);
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'src', 'client', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  outfile: join(out, 'status.js'),
  legalComments: 'inline',
  logLevel: 'warning',
});

const uplotCss = readFileSync(join(dirname(require.resolve('uplot')), 'uPlot.min.css'), 'utf8');
const ownCss = readFileSync(join(root, 'src', 'client', 'status.css'), 'utf8');
writeFileSync(join(out, 'status.css'), `${uplotCss}\n${ownCss.replace(/\s*\n\s*/g, '\n')}`);
writeFileSync(join(out, 'index.html'), readFileSync(join(root, 'src', 'client', 'index.html')));

let total = 0;
for (const file of ['index.html', 'status.js', 'status.css']) total += gzipSync(readFileSync(join(out, file)), { level: 9 }).length;
process.stdout.write(`status page built: ${(total / 1024).toFixed(1)} kB gzipped\n`);
