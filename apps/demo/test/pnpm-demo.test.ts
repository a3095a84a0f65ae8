// `pnpm demo` as the README runs it, and Ctrl-C as a terminal sends it: SIGINT to the whole process
// group (pnpm, the script's shell and the demo at once). It must stop cleanly, with no pnpm error.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

it('stops cleanly on Ctrl-C under `pnpm demo`, with no ELIFECYCLE line', async () => {
  const child = spawn('npx', ['-y', 'pnpm@10', 'demo', '--rate', '5', '--api-port', '0', '--health-port', '0', '--stats-port', '0'], {
    cwd: ROOT,
    detached: true, // its own process group, as a terminal's foreground job is
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SIGHTLINE_LOG: '' },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  // pnpm prints ELIFECYCLE when its script dies by the signal instead of exiting; npx, the group
  // leader here, may itself end by the SIGINT it was sent, so the output is what is checked.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (const until = Date.now() + 60_000; !/Ctrl-C to stop/.test(output);) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`pnpm demo did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    for (const until = Date.now() + 10_000; !/Stopped cleanly/.test(output) && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // room for pnpm's closing line
    expect(output).toContain('Stopped cleanly');
    expect(output).not.toContain('ELIFECYCLE');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
}, 90_000);
