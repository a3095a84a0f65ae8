#!/usr/bin/env node
// API reports: runs Microsoft API Extractor over each package's built types (one report per entry in
// its exports map: `.` -> api/<pkg>.api.md, `./testing` -> api/<pkg>-testing.api.md), so a change to
// the public surface shows in review as a diff of a Markdown file.
//   pnpm api            rewrites the reports (after `pnpm build`)
//   pnpm api:check      fails when a report is stale (CI)
// Both fail when an exported declaration, member or option has no TSDoc comment (ae-undocumented),
// and on TSDoc syntax errors. Arguments narrow the run to some packages: `pnpm api -- stats ws`.
// Packages are found by existing, as jest.projects.ts finds them: any packages/<dir>/package.json
// that is not private.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig, ExtractorLogLevel } = require('@microsoft/api-extractor');

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const check = args.includes('--check');
const only = new Set(args.filter((arg) => !arg.startsWith('--')));

/** Each published entry point with types: `.` and subpaths such as `./testing` (not wildcards). */
function entryPoints(pkgDir, manifest) {
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath.includes('*') || typeof target !== 'object' || target === null) continue;
    const types = target.import?.types ?? target.types;
    if (typeof types !== 'string' || !types.endsWith('.d.ts')) continue;
    const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/\//g, '-')}`;
    entries.push({ subpath, dts: join(pkgDir, types), report: `${basename(pkgDir)}${suffix}.api.md` });
  }
  return entries;
}

function workspacePackages() {
  const found = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', dir);
    const manifestPath = join(pkgDir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private) continue;
    if (only.size > 0 && !only.has(dir) && !only.has(manifest.name)) continue;
    found.push({ dir: pkgDir, manifestPath, manifest });
  }
  return found;
}

const QUIET = new Set([
  'console-preamble',
  'console-api-report-not-copied',
  'console-api-report-copied',
  'console-api-report-created',
  'console-api-report-unchanged',
]);

function extract(pkg, entry) {
  const reportFolder = join(pkg.dir, 'api');
  // API Extractor writes the fresh report here before comparing; node_modules keeps it out of git.
  const tempFolder = join(root, 'node_modules', '.cache', 'api-extractor', basename(pkg.dir));
  mkdirSync(reportFolder, { recursive: true });
  mkdirSync(tempFolder, { recursive: true });
  const config = ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: pkg.manifestPath,
    configObject: {
      projectFolder: pkg.dir,
      mainEntryPointFilePath: entry.dts,
      compiler: {
        // The built .d.ts files only, not the sources: the report is what a user's compiler sees.
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023', 'ESNext.Disposable'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            types: ['node'],
            skipLibCheck: true,
          },
          files: [entry.dts],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.report,
        reportFolder,
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning', addToApiReportFile: true },
          // Release tags (@public, @beta) are not used: every export of a package is public.
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'error', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'error' } },
      },
    },
  });
  let undocumented = 0;
  const result = Extractor.invoke(config, {
    localBuild: !check,
    showVerboseMessages: false,
    messageCallback(message) {
      if (message.messageId === 'ae-undocumented') undocumented++;
      // The stale-report warning names API Extractor's own flags (ours is printed below); the rest
      // is chatter. The diff of a stale report (console-api-report-diff) is kept.
      if (QUIET.has(message.messageId)) message.logLevel = ExtractorLogLevel.None;
    },
  });
  return { result, undocumented, fresh: join(tempFolder, entry.report), committed: join(reportFolder, entry.report) };
}

let failed = 0;
const started = Date.now();
for (const pkg of workspacePackages()) {
  for (const entry of entryPoints(pkg.dir, pkg.manifest)) {
    const label = `${pkg.manifest.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
    const relReport = `packages/${basename(pkg.dir)}/api/${entry.report}`;
    if (!existsSync(entry.dts)) {
      console.error(`${label}: ${entry.dts} is missing; run \`npx -y pnpm@10 build\` first`);
      failed++;
      continue;
    }
    const { result, undocumented, fresh, committed } = extract(pkg, entry);
    // Shows CI's reader what changed in the public API.
    if (check && result.apiReportChanged && existsSync(committed)) {
      spawnSync('git', ['--no-pager', 'diff', '--no-index', '--', relative(root, committed), relative(root, fresh)], {
        cwd: root,
        stdio: 'inherit',
      });
    }
    const problems = [];
    if (result.apiReportChanged) {
      problems.push(check ? `${relReport} is stale: run \`npx -y pnpm@10 api\` and commit it` : `updated ${relReport}`);
    }
    if (undocumented > 0) problems.push(`${undocumented} export(s) or member(s) without a TSDoc comment`);
    const otherErrors = result.errorCount - undocumented;
    if (otherErrors > 0) problems.push(`${otherErrors} other error(s)`);
    if (result.warningCount > 0) problems.push(`${result.warningCount} warning(s)`);
    const ok = result.errorCount === 0 && !(check && result.apiReportChanged);
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${problems.length > 0 ? `: ${problems.join('; ')}` : ''}`);
  }
}
console.log(`api reports ${check ? 'checked' : 'written'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed > 0 ? 1 : 0);
