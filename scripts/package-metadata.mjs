#!/usr/bin/env node
// Keeps every publishable package's licence file and registry metadata in step with the root:
// `node scripts/package-metadata.mjs` writes them, `--check` fails when one is missing or stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const REPO = 'https://github.com/sightline-observability/sightline';
const check = process.argv.includes('--check');
const licence = readFileSync(join(root, 'LICENSE'), 'utf8');
const problems = [];

for (const dir of readdirSync(join(root, 'packages'))) {
  const manifestPath = join(root, 'packages', dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const text = readFileSync(manifestPath, 'utf8');
  const pkg = JSON.parse(text);
  const wanted = {
    repository: { type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` },
    homepage: `${REPO}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPO}/issues` },
  };
  // Rebuild the manifest with the metadata right after `license`, keeping every other key in place.
  const next = {};
  for (const [key, value] of Object.entries(pkg)) {
    if (key in wanted) continue;
    next[key] = value;
    if (key === 'license') Object.assign(next, wanted);
  }
  const out = `${JSON.stringify(next, null, 2)}\n`;
  const licencePath = join(root, 'packages', dir, 'LICENSE');
  const licenceStale = !existsSync(licencePath) || readFileSync(licencePath, 'utf8') !== licence;
  if (check) {
    if (out !== text) problems.push(`${manifestPath}: repository / homepage / bugs missing or stale`);
    if (licenceStale) problems.push(`${licencePath}: missing or different from the root LICENSE`);
  } else {
    if (out !== text) writeFileSync(manifestPath, out);
    if (licenceStale) writeFileSync(licencePath, licence);
  }
}

if (problems.length) {
  console.error(`${problems.join('\n')}\nRun: node scripts/package-metadata.mjs`);
  process.exit(1);
}
