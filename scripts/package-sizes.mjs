#!/usr/bin/env node
// Size report: each publishable package's packed and unpacked size, file count, and dependencies
// (direct, and all packages a user's install pulls in), as the Markdown table in the root README.
// `pnpm sizes` prints it, `pnpm sizes --write` puts it into README.md between the sizes markers, and
// `pnpm sizes --check` fails when the README's table is stale (CI runs it after the build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, process.env.npm_execpath]
    : ['npx', '-y', 'pnpm@10'];
const runPnpm = (args, cwd) =>
  execFileSync(pnpm[0], [...pnpm.slice(1), ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

/** Sums the sizes of the regular files in a tar archive (512-byte headers, octal sizes). */
function tarContents(buffer) {
  let offset = 0;
  let bytes = 0;
  let files = 0;
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    if (type === '0' || type === '\0') {
      bytes += size;
      files++;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return { bytes, files };
}

function transitiveCount(name) {
  const [tree] = JSON.parse(runPnpm(['--filter', name, 'list', '--prod', '--depth', 'Infinity', '--json'], root));
  const seen = new Set();
  const walk = (deps) => {
    for (const [dep, info] of Object.entries(deps ?? {})) {
      const key = `${dep}@${info.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      walk(info.dependencies);
    }
  };
  walk(tree?.dependencies);
  return seen.size;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const work = mkdtempSync(join(tmpdir(), 'sightline-sizes-'));
const rows = [];
try {
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', dir);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const tarball = resolve(pkgDir, runPnpm(['pack', '--pack-destination', work], pkgDir).trim().split('\n').pop());
    const { bytes, files } = tarContents(gunzipSync(readFileSync(tarball)));
    rows.push({
      name: manifest.name,
      packed: statSync(tarball).size,
      unpacked: bytes,
      files,
      direct: Object.keys(manifest.dependencies ?? {}).length,
      total: transitiveCount(manifest.name),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const table = [
  '| package | packed | unpacked | files | dependencies (direct / installed in all) |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| \`${r.name}\` | ${kb(r.packed)} | ${kb(r.unpacked)} | ${r.files} | ${r.direct} / ${r.total} |`),
].join('\n');

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const section = /(<!-- sizes:start -->\n)[\s\S]*?(\n<!-- sizes:end -->)/;
if (!section.test(readme)) throw new Error('README.md has no <!-- sizes:start --> ... <!-- sizes:end --> section');
const updated = readme.replace(section, `$1${table}$2`);
if (process.argv.includes('--write')) {
  writeFileSync(readmePath, updated);
  console.log('README.md package sizes updated');
} else if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error(`README.md's package-size table is stale; run: npx -y pnpm@10 sizes --write\n${table}`);
    process.exit(1);
  }
  console.log('README.md package sizes are current');
} else {
  console.log(table);
}
