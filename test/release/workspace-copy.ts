// A throwaway copy of the repository for the release flow: `changeset version` rewrites package.json
// files and CHANGELOGs, which must never touch the real checkout. The copy gets its own install (from
// the local store): workspace links must point at the copy's packages, whose versions the release
// bumps, or `workspace:^` would be published as the real checkout's versions.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function copyWorkspace(repo: string, dest: string): void {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(repo, file);
    if (!existsSync(from)) continue; // deleted but not yet staged
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file));
  }
  // Share turbo's local cache: identical sources give identical builds, restored instead of redone.
  mkdirSync(join(repo, '.turbo'), { recursive: true });
  symlinkSync(join(repo, '.turbo'), join(dest, '.turbo'), 'dir');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dest, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dest, '.git', 'info', 'exclude'), 'node_modules\n.turbo\n');
  git('add', '-A');
  git('-c', 'user.name=release-test', '-c', 'user.email=release-test@localhost', 'commit', '-qm', 'snapshot');
}
