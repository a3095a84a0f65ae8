#!/usr/bin/env node
// Doc tests: every ```ts block in the READMEs, ARCHITECTURE.md, CONTRIBUTING.md and docs/ is compiled
// with `tsc --strict` (module nodenext) against the packed tarballs installed in an empty project,
// as a user would have them; a block marked runnable is then run and checked for what its prose
// promises (URLs answering, a clean exit on a signal).
//
// Directives are HTML comments directly above a block (GitHub does not render them):
//   <!-- prelude
//   declare const app: (req: IncomingMessage, res: ServerResponse) => void;
//   -->                                   code prepended to the block, for its placeholders
//   <!-- run {"expect": [{"url": "http://127.0.0.1:9464/health/ready", "status": 200}],
//             "signal": "SIGTERM", "exitCode": 0} -->
//                                         run it; each URL must answer as stated within 15 s, then
//                                         the signal is sent and the exit code checked. Without
//                                         "signal" the program must exit by itself with exitCode.
//                                         "nodeArgs" go before the file (`["--import", "x/register"]`),
//                                         "env" over the environment.
//
// Usage: node scripts/check-snippets.mjs [file.md ...]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(import.meta.dirname, '..');
const pnpm = ['npx', '-y', 'pnpm@10'];

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function markdownFiles() {
  const files = ['README.md', 'ARCHITECTURE.md', 'CONTRIBUTING.md'].map((f) => join(root, f));
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, group))) files.push(join(root, group, dir, 'README.md'));
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk(join(root, 'docs'));
  return files.filter((f) => existsSync(f));
}

/** Every ```ts block of a file, with the directives in the comments right above it. */
export function extractSnippets(text, file) {
  const lines = text.split('\n');
  const snippets = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    const start = i;
    const code = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) code.push(lines[i]);
    // Walk up over blank lines and whole HTML comments directly above the fence.
    const directives = { prelude: '', run: undefined };
    let j = start - 1;
    while (j >= 0) {
      if (lines[j].trim() === '') {
        j--;
        continue;
      }
      if (!lines[j].trimEnd().endsWith('-->')) break;
      let k = j;
      while (k >= 0 && !lines[k].includes('<!--')) k--;
      if (k < 0) break;
      const comment = lines
        .slice(k, j + 1)
        .join('\n')
        .replace(/^\s*<!--/, '')
        .replace(/-->\s*$/, '');
      const [keyword, ...rest] = comment.trimStart().split(/(\s+)/);
      const body = rest.join('');
      if (keyword === 'prelude') directives.prelude = `${body.trim()}\n${directives.prelude}`;
      else if (keyword === 'run') directives.run = JSON.parse(body.trim() || '{}');
      j = k - 1;
    }
    snippets.push({ file, line: start + 1, code: code.join('\n'), ...directives });
  }
  return snippets;
}

async function waitFor(expect, child) {
  const deadline = Date.now() + 15_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ${expect.url} answered`);
    try {
      const res = await fetch(expect.url, { headers: expect.headers ?? {} });
      const body = await res.text();
      const statusOk = res.status === (expect.status ?? 200);
      const bodyOk = (expect.contains ?? []).every((s) => body.includes(s));
      if (statusOk && bodyOk) return;
      last = `status ${res.status}, body ${body.slice(0, 200)}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(200);
  }
  throw new Error(
    `${expect.url}: expected status ${expect.status ?? 200}${expect.contains ? ` containing ${JSON.stringify(expect.contains)}` : ''}; last: ${last}`,
  );
}

async function runSnippet(jsFile, spec, cwd) {
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), jsFile], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(spec.env ?? {}) },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal)));
  try {
    for (const expect of spec.expect ?? []) await waitFor(expect, child);
    if (spec.signal) child.kill(spec.signal);
    const code = await Promise.race([exited, sleep(spec.timeoutMs ?? 20_000).then(() => 'timeout')]);
    if (code !== (spec.exitCode ?? 0)) throw new Error(`exit ${code}, expected ${spec.exitCode ?? 0}`);
  } catch (error) {
    child.kill('SIGKILL');
    error.message += `\n--- output ---\n${output.slice(-3000)}`;
    throw error;
  }
}

async function main() {
  const only = process.argv.slice(2).map((f) => resolve(f));
  const files = only.length ? only : markdownFiles();
  const snippets = files.flatMap((f) => extractSnippets(readFileSync(f, 'utf8'), f));

  const work = mkdtempSync(join(tmpdir(), 'sightline-snippets-'));
  const project = join(work, 'project');
  mkdirSync(join(project, 'src'), { recursive: true });
  const failures = [];
  let passed = 0;
  try {
    // The packed packages, as a user installs them.
    const packs = join(work, 'packs');
    mkdirSync(packs);
    const tarballs = {};
    for (const dir of readdirSync(join(root, 'packages'))) {
      const manifest = join(root, 'packages', dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.private) continue;
      const out = run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', packs], join(root, 'packages', dir))
        .trim()
        .split('\n')
        .pop();
      tarballs[pkg.name] = `file:${resolve(join(root, 'packages', dir), out)}`;
    }
    // What the snippets import besides Sightline: the peers and frameworks they show.
    const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const extra = rootPkg.snippetDependencies ?? {};
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        { name: 'snippets', private: true, type: 'module', dependencies: { ...tarballs, ...extra }, pnpm: { overrides: tarballs } },
        null,
        2,
      ),
    );
    run(pnpm[0], [...pnpm.slice(1), 'install', '--ignore-workspace', '--prefer-offline', '--config.auto-install-peers=true'], project);

    const names = snippets.map((s, i) => {
      const base = `${relative(root, s.file).replace(/[^a-zA-Z0-9]+/g, '_')}_L${s.line}`;
      writeFileSync(join(project, 'src', `${base}.ts`), `export {};\n${s.prelude}\n${s.code}\n`);
      return { ...s, base, index: i };
    });
    // A syntax error in one file hides every file's type errors, so files with syntax errors are
    // set aside and the rest compiled again.
    const compile = (files) => {
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: true,
            outDir: 'out',
            rootDir: 'src',
            types: ['node'],
            typeRoots: [join(root, 'node_modules', '@types')],
          },
          files: files.map((b) => `src/${b}.ts`),
        }),
      );
      try {
        run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--pretty', 'false'], project);
        return [];
      } catch (error) {
        return `${error.stdout ?? ''}${error.stderr ?? ''}`.split('\n').filter((l) => l.startsWith('src/'));
      }
    };
    const errorsOf = new Map();
    let pending = names.map((s) => s.base);
    for (;;) {
      const lines = compile(pending);
      for (const l of lines) {
        const base = l.slice(4, l.indexOf('.ts('));
        errorsOf.set(base, [...(errorsOf.get(base) ?? []), l]);
      }
      const syntactic = new Set(lines.filter((l) => /error TS1\d{3}:/.test(l)).map((l) => l.slice(4, l.indexOf('.ts('))));
      if (syntactic.size === 0 || pending.length === 0) break;
      pending = pending.filter((b) => !syntactic.has(b));
      for (const b of pending) errorsOf.delete(b);
    }
    for (const s of names) {
      const where = `${relative(root, s.file)}:${s.line}`;
      const errors = errorsOf.get(s.base) ?? [];
      if (errors.length) {
        failures.push(where);
        console.log(`FAIL ${where}: does not compile\n  ${errors.join('\n  ')}`);
        continue;
      }
      if (s.run) {
        try {
          await runSnippet(join(project, 'out', `${s.base}.js`), s.run, project);
        } catch (error) {
          failures.push(where);
          console.log(`FAIL ${where}: ${error.message}`);
          continue;
        }
      }
      passed++;
      console.log(`ok   ${where}${s.run ? ' (compiled and ran)' : ''}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`snippet check: ${passed} passed, ${failures.length} failed`);
  mkdirSync(join(root, '.test-counts'), { recursive: true });
  writeFileSync(
    join(root, '.test-counts', `snippets@${process.versions.node.split('.')[0]}.json`),
    JSON.stringify({ passed, failed: failures.length, skipped: 0 }),
  );
  process.exit(failures.length ? 1 : 0);
}

await main();
