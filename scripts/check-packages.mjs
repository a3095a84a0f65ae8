#!/usr/bin/env node
// Packaging check for every publishable package: publint and attw on the packed tarball, then the
// tarball installed alone (with the @sightline/* tarballs it depends on) into an empty project
// outside the workspace, where a .cjs file require()s it and a .mjs file import()s it and both run
// the package's test/pack-smoke.mjs. Catches a wrong exports map, a missing file in `files`, or an
// import not declared in `dependencies` (pnpm's strict layout hides undeclared packages).
// A package with more than one entry point (`@sightline/x` and `@sightline/x/testing`) must ship
// one copy of itself: from require() and from import(), a name exported by two entries is the same
// object, and the smoke's `entries()` asserts `instanceof` across them.
// Installed alone, a package brings only what it needs: stats-server renders through
// @sightline/exposition, so prom-client and the prometheus exporter's sensors stay out of its tree.
// A package with test/trains.json (peer-dependency trains it supports, e.g. @sightline/otel on the
// OpenTelemetry SDK 2.x and 3.x) is also installed once per train, alone with exactly that train,
// and runs its test/train-smoke.mjs there.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, process.env.npm_execpath]
    : ['npx', '-y', 'pnpm@10'];

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const runPnpm = (args, cwd) => run(pnpm[0], [...pnpm.slice(1), ...args], cwd);
const bin = (name) => join(root, 'node_modules', '.bin', name);

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), manifest: join(root, 'packages', dir, 'package.json') }))
  .filter((p) => existsSync(p.manifest))
  .map((p) => ({ ...p, pkg: JSON.parse(readFileSync(p.manifest, 'utf8')) }))
  .filter((p) => !p.pkg.private);

/** The exports subpaths that load code (`.`, `./testing`), not `./package.json` or data files. */
function codeEntries(pkg) {
  return Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null && 'import' in target && 'require' in target)
    .map(([subpath]) => subpath);
}

/** Packages that must not be anywhere in the tree of a package installed alone. */
const MUST_NOT_INSTALL = {
  '@sightline/stats-server': ['prom-client', '@sightline/sensors', '@sightline/prometheus'],
};

/** Names of every package in an installed project's tree, read from pnpm's virtual store (`node_modules/.pnpm`). */
function installedNames(project) {
  const store = join(project, 'node_modules', '.pnpm');
  const names = new Set();
  for (const entry of readdirSync(store)) {
    // `prom-client@15.1.3`, `@sightline+core@file+..._peers`: the name, `/` written as `+`, then `@`.
    const at = entry.indexOf('@', entry.startsWith('@') ? 1 : 0);
    if (at > 0) names.add(entry.slice(0, at).replace('+', '/'));
  }
  return names;
}

function assertNotInstalled(name, project) {
  const present = installedNames(project);
  if (!present.has(name)) throw new Error(`cannot read the installed tree of ${name}: it is not in node_modules/.pnpm`);
  const unwanted = (MUST_NOT_INSTALL[name] ?? []).filter((n) => present.has(n));
  if (unwanted.length > 0) throw new Error(`installing ${name} alone also installs ${unwanted.join(', ')}; it must not`);
}

/** Which class each error code belongs to, across every package: a code names one kind of failure. */
const codeOwners = new Map();
const ERROR_CODE = /^SIGHTLINE_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

function checkErrorCodes(name, errorCodes) {
  for (const [cls, code] of Object.entries(errorCodes)) {
    if (typeof code !== 'string' || !ERROR_CODE.test(code))
      throw new Error(`${name}: error class ${cls} has no code of the form SIGHTLINE_ERR_* (${code})`);
    const owner = `${name}#${cls}`;
    // A class another package re-exports under its own name keeps its code; two classes never share one.
    const previous = codeOwners.get(code);
    if (previous !== undefined && previous.split('#')[1] !== cls) throw new Error(`${owner} and ${previous} share the error code ${code}`);
    codeOwners.set(code, owner);
  }
}

const work = mkdtempSync(join(tmpdir(), 'sightline-pack-'));
const tarballs = new Map();
const failures = [];
let passed = 0;

try {
  for (const p of packages) {
    const out = runPnpm(['pack', '--pack-destination', work], p.dir).trim().split('\n').pop();
    tarballs.set(p.pkg.name, resolve(p.dir, out));
  }

  for (const p of packages) {
    if (only.length && !only.includes(p.pkg.name)) continue;
    const name = p.pkg.name;
    try {
      run(bin('publint'), ['run', tarballs.get(name), '--strict'], p.dir);
      run(bin('attw'), [tarballs.get(name), '--format', 'table-flipped'], p.dir);

      const project = mkdtempSync(join(tmpdir(), 'sightline-consumer-'));
      try {
        const overrides = Object.fromEntries([...tarballs].map(([n, t]) => [n, `file:${t}`]));
        writeFileSync(
          join(project, 'package.json'),
          JSON.stringify(
            { name: 'consumer', private: true, dependencies: { [name]: `file:${tarballs.get(name)}` }, pnpm: { overrides } },
            null,
            2,
          ),
        );
        runPnpm(['install', '--ignore-workspace', '--prefer-offline', '--config.auto-install-peers=true'], project);
        assertNotInstalled(name, project);

        const smoke = join(p.dir, 'test', 'pack-smoke.mjs');
        if (!existsSync(smoke)) throw new Error(`missing ${smoke}: every package states one call to make from its tarball`);
        cpSync(smoke, join(project, 'smoke.mjs'));
        const entries = codeEntries(p.pkg);
        const specifiers = Object.fromEntries(entries.map((e) => [e, e === '.' ? name : `${name}/${e.slice(2)}`]));
        if (entries.length > 1) {
          const smokeSource = readFileSync(smoke, 'utf8');
          if (!/export (async )?function entries\b/.test(smokeSource)) {
            throw new Error(
              `${smoke} must export entries(modules): ${name} has ${entries.length} entry points (${entries.join(', ')}); assert instanceof across them`,
            );
          }
        }
        // Every entry point loaded in one process; a name two entries export must be one object.
        const sameCopy = `
          const names = Object.keys(mods);
          for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
            for (const key of Object.keys(mods[names[i]])) {
              if (key === 'default' || key === 'module.exports' || !(key in mods[names[j]])) continue;
              if (mods[names[i]][key] !== mods[names[j]][key]) throw new Error(\`\${key} differs between \${names[i]} and \${names[j]}: two copies of the package\`);
            }
          }
          if (names.length > 1) await smoke.entries(mods);`;
        // The exported names, and the code of every exported error class: a code must be stable
        // where instanceof is not (across a CommonJS and an ES module copy).
        const describe = `
          const errorCodes = {};
          for (const [key, value] of Object.entries(m)) {
            if (typeof value === 'function' && value.prototype instanceof Error) errorCodes[key] = value.code ?? null;
          }
          console.log(JSON.stringify({ names: Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort(), errorCodes }));`;
        writeFileSync(
          join(project, 'check.cjs'),
          `const m = require(${JSON.stringify(name)});
           const mods = { ${entries.map((e) => `${JSON.stringify(e)}: require(${JSON.stringify(specifiers[e])})`).join(', ')} };
           (async () => {
             const smoke = await import('./smoke.mjs');
             await smoke.default(m);
             ${sameCopy}
             ${describe}
           })().catch((e) => { console.error(e); process.exit(1); });`,
        );
        writeFileSync(
          join(project, 'check.mjs'),
          `import * as m from ${JSON.stringify(name)};
           import * as smoke from './smoke.mjs';
           ${entries.map((e, i) => `import * as entry${i} from ${JSON.stringify(specifiers[e])};`).join('\n')}
           const mods = { ${entries.map((e, i) => `${JSON.stringify(e)}: entry${i}`).join(', ')} };
           await smoke.default(m);
           ${sameCopy}
           ${describe}`,
        );
        const cjs = run(process.execPath, ['check.cjs'], project).trim().split('\n').pop();
        const esm = run(process.execPath, ['check.mjs'], project).trim().split('\n').pop();
        if (cjs !== esm) throw new Error(`CommonJS and ESM export different names or error codes:\n  cjs ${cjs}\n  esm ${esm}`);
        checkErrorCodes(name, JSON.parse(cjs).errorCodes);
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
      passed++;
      const without = MUST_NOT_INSTALL[name] ? `, installed without ${MUST_NOT_INSTALL[name].join(', ')}` : '';
      console.log(
        `ok   ${name}: publint, attw, require() and import() from the installed tarball, error codes${codeEntries(p.pkg).length > 1 ? `, one copy across ${codeEntries(p.pkg).join(' and ')}` : ''}${without}`,
      );
    } catch (error) {
      const detail = [error.message, error.stdout, error.stderr].filter(Boolean).join('\n');
      failures.push(name);
      console.log(`FAIL ${name}\n${detail}`);
    }
  }

  for (const p of packages) {
    if (only.length && !only.includes(p.pkg.name)) continue;
    const trainsFile = join(p.dir, 'test', 'trains.json');
    if (!existsSync(trainsFile)) continue;
    const name = p.pkg.name;
    for (const [train, dependencies] of Object.entries(JSON.parse(readFileSync(trainsFile, 'utf8')).trains)) {
      const label = `${name} on ${train}`;
      const started = Date.now();
      const project = mkdtempSync(join(tmpdir(), 'sightline-train-'));
      try {
        const overrides = Object.fromEntries([...tarballs].map(([n, t]) => [n, `file:${t}`]));
        // The smoke decodes OTLP protobuf with the same protobufjs the package's tests use.
        const deps = { [name]: `file:${tarballs.get(name)}`, ...dependencies, protobufjs: p.pkg.devDependencies.protobufjs };
        writeFileSync(
          join(project, 'package.json'),
          JSON.stringify({ name: 'train', private: true, type: 'module', dependencies: deps, pnpm: { overrides } }, null, 2),
        );
        runPnpm(
          [
            'install',
            '--ignore-workspace',
            '--prefer-offline',
            '--config.auto-install-peers=false',
            '--config.strict-peer-dependencies=false',
            '--config.engine-strict=false',
          ],
          project,
        );
        cpSync(join(p.dir, 'test', 'train-smoke.mjs'), join(project, 'smoke.mjs'));
        cpSync(join(p.dir, 'test', 'integration', 'otlp.proto'), join(project, 'otlp.proto'));
        const out = run(process.execPath, ['smoke.mjs'], project).trim();
        passed++;
        console.log(`ok   ${label} (${((Date.now() - started) / 1000).toFixed(1)} s): ${out}`);
      } catch (error) {
        failures.push(label);
        console.log(`FAIL ${label}\n${[error.message, error.stdout, error.stderr].filter(Boolean).join('\n')}`);
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`package check: ${passed} passed, ${failures.length} failed`);
mkdirSync(join(root, '.test-counts'), { recursive: true });
writeFileSync(
  join(root, '.test-counts', `packages@${process.versions.node.split('.')[0]}.json`),
  JSON.stringify({ passed, failed: failures.length, skipped: 0 }),
);
process.exit(failures.length ? 1 : 0);
