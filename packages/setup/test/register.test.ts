// `node --import @sightline/setup/register` and `--require`, run for real: plain node:http apps that
// import nothing of Sightline, in throwaway projects laid out as pnpm lays them out (each package a
// symlink into node_modules/.pnpm, only the app's direct dependencies visible at the top), loading
// the workspace packages' built dist/.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PACKAGES = resolve(__dirname, '../..');
const FIXTURES = join(__dirname, 'fixtures/register');
const HANG_GUARD_MS = 15_000;

interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

const runs: Run[] = [];
const projects: string[] = [];

beforeAll(() => {
  for (const pkg of ['setup', 'core', 'health', 'prometheus', 'otel', 'status', 'stats', 'stats-server']) {
    if (!existsSync(join(PACKAGES, pkg, 'dist/index.js'))) {
      throw new Error(`packages/${pkg}/dist is missing: run \`npx -y pnpm@10 build\` first (these tests spawn node on the built packages)`);
    }
  }
});

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.exited;
    run.child.stdin.destroy();
  }
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with `@sightline/setup` and the given packages installed the pnpm way, and the fixture apps. */
function project(installed: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-register-'));
  projects.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture-app', private: true }));
  mkdirSync(join(dir, 'node_modules/@sightline'), { recursive: true });
  for (const pkg of ['setup', ...installed]) {
    const store = join(dir, 'node_modules/.pnpm', `@sightline+${pkg}@0.0.0`, 'node_modules/@sightline');
    mkdirSync(store, { recursive: true });
    symlinkSync(join(PACKAGES, pkg), join(store, pkg), 'dir');
    symlinkSync(join(store, pkg), join(dir, 'node_modules/@sightline', pkg), 'dir');
  }
  for (const file of ['app.mjs', 'app.cjs']) copyFileSync(join(FIXTURES, file), join(dir, file));
  return dir;
}

/** The environment of the parent, without any Sightline, OpenTelemetry or Kubernetes variable. */
function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_PATH: pnpm's bin shims (jest's) point it at every package of the workspace.
    if (!/^(SIGHTLINE_|OTEL_|KUBERNETES_|STATS_CLIENT_SETTINGS__)/.test(key) && key !== 'NODE_OPTIONS' && key !== 'NODE_PATH')
      env[key] = value;
  }
  return { ...env, SIGHTLINE_HEALTH_PORT: '0', SIGHTLINE_HEALTH_HOST: '127.0.0.1', ...extra };
}

function start(dir: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Run {
  const child = spawn(process.execPath, args, { cwd: dir, env: cleanEnv(env) });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const run: Run = { child, stdout: '', stderr: '', exited };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  runs.push(run);
  return run;
}

/** Polls `probe` until it gives a value; fails with what the process printed past the hang guard. */
async function until<T>(run: Run, what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + HANG_GUARD_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`no ${what} (exit ${run.child.exitCode})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

const appPort = (run: Run) => until(run, 'app listening', () => /app listening on (\d+)/.exec(run.stdout)?.[1]);
const healthUrl = (run: Run) =>
  until(run, 'health server url', () => /health plugin serving.*url=(http:\/\/\S+?)\/?(\s|$)/.exec(run.stderr)?.[1]);

async function status(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined; // not listening (yet, or any more)
  }
}

const LOGS = { SIGHTLINE_LOG: 'sightline.health.plugin=info,sightline.setup=info' };

describe('@sightline/setup/register', () => {
  it('--import on an ES module app: ready once the app listens, /metrics beside it, SIGTERM turns readiness 503 then exits 0', async () => {
    const dir = project(['health', 'prometheus']);
    const run = start(dir, ['--import', '@sightline/setup/register', 'app.mjs'], {
      ...LOGS,
      LISTEN_ON_STDIN: '1',
      SIGHTLINE_SHUTDOWN_DELAY_MS: '1500',
    });
    const health = await healthUrl(run);
    // Every plugin has started, the app is not listening yet: not ready.
    await until(run, 'the plugins started', () => (/started 2 plugin\(s\)/.test(run.stderr) ? true : undefined));
    expect(await status(`${health}/health/ready`)).toBe(503);
    run.child.stdin.write('listen\n');
    const port = await appPort(run);
    await until(run, 'readiness 200', async () => ((await status(`${health}/health/ready`)) === 200 ? true : undefined));

    expect(run.stderr).toMatch(/started 2 plugin\(s\) for fixture-app.*plugins=prometheus,health/);
    const metrics = await fetch(`${health}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# (HELP|TYPE) /m);
    const app = await fetch(`http://127.0.0.1:${port}/`);
    expect(await app.text()).toBe('hello from the app');

    run.child.kill('SIGTERM');
    await until(run, 'readiness 503 after SIGTERM', async () => ((await status(`${health}/health/ready`)) === 503 ? true : undefined));
    expect(await run.exited).toBe(0);
    // The app's server was closed in the drain, before the plugins, not left to the process exit.
    expect(run.stderr).toMatch(/closed the app's 1 server\(s\)[^]*closed 2 of 2 plugin\(s\)[^]*stopped after SIGTERM; exiting with 0/);
  });

  it('--require on a CommonJS app, with SIGHTLINE_PLUGINS naming a subset of what is installed', async () => {
    const dir = project(['health', 'prometheus']);
    const run = start(dir, ['--require', '@sightline/setup/register', 'app.cjs'], {
      ...LOGS,
      SIGHTLINE_PLUGINS: 'health',
      SIGHTLINE_SERVICE_NAME: 'orders',
    });
    const health = await healthUrl(run);
    const port = await appPort(run);
    await until(run, 'readiness 200', async () => ((await status(`${health}/health/ready`)) === 200 ? true : undefined));
    expect(run.stderr).toMatch(/started 1 plugin\(s\) for orders.*plugins=health(\s|$)/m);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello from the app');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('--import on a CommonJS app; finds only what the app installed, not what sits next to setup', async () => {
    // setup's own folder resolves prometheus (a devDependency); the app installed health alone.
    const dir = project(['health']);
    const run = start(dir, ['--import', '@sightline/setup/register', 'app.cjs'], {
      ...LOGS,
      SIGHTLINE_LOG: LOGS.SIGHTLINE_LOG + ',sightline.setup.register=debug',
    });
    const health = await healthUrl(run);
    await appPort(run);
    await until(run, 'readiness 200', async () => ((await status(`${health}/health/ready`)) === 200 ? true : undefined));
    expect(run.stderr).toMatch(/started 1 plugin\(s\) for fixture-app.*plugins=health(\s|$)/m);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('turns on every installed package that runs on defaults, the stats-server once configured; no toolkit server counts as the app listening', async () => {
    const dir = project(['health', 'prometheus', 'otel', 'status', 'stats', 'stats-server']);
    const run = start(dir, ['--import', '@sightline/setup/register', 'app.mjs'], {
      ...LOGS,
      LISTEN_ON_STDIN: '1',
      SIGHTLINE_STATS_SERVER_SECRETS: 'register-test-secret',
      SIGHTLINE_STATS_SERVER_PORT: '0',
    });
    const health = await healthUrl(run);
    // The stats client is installed but not configured (no server, no secret): left out.
    await until(run, 'the plugins started', () =>
      /started 5 plugin\(s\) for fixture-app.*plugins=stats-server,prometheus,otel,status,health(\s|$)/m.test(run.stderr)
        ? true
        : undefined,
    );
    // The health and stats-server servers listen, the app's does not yet.
    expect(await status(`${health}/health/ready`)).toBe(503);
    expect(await status(`${health}/status`)).toBe(200);
    run.child.stdin.write('listen\n');
    await appPort(run);
    await until(run, 'readiness 200', async () => ((await status(`${health}/health/ready`)) === 200 ? true : undefined));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('a misspelt variable is logged with the closest valid name and the app runs without Sightline', async () => {
    const dir = project(['health', 'prometheus']);
    const run = start(dir, ['--import', '@sightline/setup/register', 'app.mjs'], { SIGHTLINE_HEALTH_PROT: '9464' });
    const port = await appPort(run);
    await until(run, 'the configuration error', () => (/SIGHTLINE_HEALTH_PROT/.test(run.stderr) ? true : undefined));
    expect(run.stderr).toMatch(
      /Sightline is misconfigured: .*unknown variable `SIGHTLINE_HEALTH_PROT` in env: did you mean `SIGHTLINE_HEALTH_PORT`\?/,
    );
    expect(run.stderr).toMatch(/the app runs without Sightline/);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello from the app');
  });

  it('with SIGHTLINE_STRICT=1 a misspelt variable exits 1 before the app runs', async () => {
    const dir = project(['health']);
    const run = start(dir, ['--require', '@sightline/setup/register', 'app.cjs'], { SIGHTLINE_HEALTH_PROT: '9464', SIGHTLINE_STRICT: '1' });
    expect(await run.exited).toBe(1);
    expect(run.stderr).toMatch(
      /Sightline is misconfigured: .*unknown variable `SIGHTLINE_HEALTH_PROT` in env: did you mean `SIGHTLINE_HEALTH_PORT`\?/,
    );
    expect(run.stdout).not.toMatch(/app listening/);
  });
});
