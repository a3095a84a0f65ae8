import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * pnpm as a path, resolved once with the ordinary registry: `npx pnpm@10` run later with
 * npm_config_registry pointing at the test registry would look for pnpm there.
 */
function resolvePnpm(): readonly string[] {
  const fromRun = process.env.npm_execpath;
  if (fromRun && /pnpm/.test(fromRun)) return [process.execPath, fromRun];
  const bin = execFileSync('npx', ['-y', '-p', 'pnpm@10', 'which', 'pnpm'], { encoding: 'utf8' }).trim();
  return [process.execPath, realpathSync(bin)];
}

export const PNPM: readonly string[] = resolvePnpm();

// turbo looks for a `pnpm` binary on PATH; give it one that runs the resolved pnpm.
const shimDir = mkdtempSync(join(tmpdir(), 'sightline-pnpm-shim-'));
writeFileSync(join(shimDir, 'pnpm'), `#!/bin/sh\nexec ${PNPM.map((p) => JSON.stringify(p)).join(' ')} "$@"\n`);
chmodSync(join(shimDir, 'pnpm'), 0o755);

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): Promise<RunResult> {
  const PATH = `${shimDir}${delimiter}${process.env.PATH ?? ''}`;
  return new Promise((resolve, reject) => {
    execFile(
      command[0]!,
      command.slice(1),
      { cwd, env: { ...process.env, PATH, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command.join(' ')} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
        } else resolve({ stdout, stderr });
      },
    );
  });
}
