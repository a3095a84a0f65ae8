// Runs the built demo (dist/main.js; its `test` script builds it) as a child process, the way `pnpm demo` does, and reads the
// URLs it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const MAIN = join(__dirname, '..', 'dist', 'main.js');

export interface DemoProcess {
  readonly child: ChildProcess;
  readonly urls: Record<'metrics' | 'ready' | 'live' | 'health' | 'ws' | 'api' | 'stats' | 'status', string>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runDemo(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: DemoProcess['exited'] } {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the demo first (pnpm build)`);
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SIGHTLINE_LOG: '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

const URL_LINES: Record<keyof DemoProcess['urls'], RegExp> = {
  metrics: /metrics \(Prometheus\)\s+(\S+)/,
  ready: /readiness\s+(\S+)/,
  live: /liveness\s+(\S+)/,
  health: /^\s+health\s+(\S+)/m,
  ws: /WebSocket API\s+(\S+)/,
  api: /REST API\s+(\S+)\/orders/,
  stats: /stats-server snapshot\s+(\S+)/,
  status: /status page \(live\)\s+(\S+)/,
};

/** Starts the demo on free ports and waits for it to print its URLs. */
export async function startDemoProcess(extraArgs: readonly string[] = []): Promise<DemoProcess> {
  const run = runDemo(['--api-port', '0', '--health-port', '0', '--stats-port', '0', ...extraArgs]);
  const deadline = Date.now() + 20_000;
  while (!/Ctrl-C to stop/.test(run.stdout())) {
    if (run.child.exitCode !== null) throw new Error(`demo exited with ${run.child.exitCode}:\n${run.stdout()}\n${run.stderr()}`);
    if (Date.now() > deadline) {
      run.child.kill('SIGKILL');
      throw new Error(`demo printed no URLs within 20 s:\n${run.stdout()}\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const text = run.stdout();
  const urls = Object.fromEntries(
    Object.entries(URL_LINES).map(([key, re]) => {
      const match = re.exec(text);
      if (!match) throw new Error(`demo output has no ${key} URL:\n${text}`);
      return [key, match[1]!];
    }),
  ) as DemoProcess['urls'];
  return { ...run, urls };
}

/** Sums every sample of a metric in Prometheus text exposition, optionally filtered by a label matcher. */
export function sumSamples(exposition: string, metric: string, labelFilter?: RegExp): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    if (labelFilter && !labelFilter.test(match[2] ?? '')) continue;
    total += Number(match[3]);
  }
  return total;
}
