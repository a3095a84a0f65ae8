// A throwaway copy of the repository for the release flow: `changeset version` rewrites package.json
// files and CHANGELOGs, which must never touch the real checkout. node_modules are linked, not copied.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
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
  symlinkSync(join(repo, 'node_modules'), join(dest, 'node_modules'), 'dir');
  // Share turbo's local cache: identical sources give identical builds, restored instead of redone.
  mkdirSync(join(repo, '.turbo'), { recursive: true });
  symlinkSync(join(repo, '.turbo'), join(dest, '.turbo'), 'dir');
  for (const group of ['packages', 'apps']) {
    if (!existsSync(join(repo, group))) continue;
    for (const name of readdirSync(join(repo, group))) {
      const modules = join(repo, group, name, 'node_modules');
      if (existsSync(modules) && existsSync(join(dest, group, name))) {
        symlinkSync(modules, join(dest, group, name, 'node_modules'), 'dir');
      }
    }
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dest, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dest, '.git', 'info', 'exclude'), 'node_modules\n.turbo\n');
  git('add', '-A');
  git('-c', 'user.name=release-test', '-c', 'user.email=release-test@localhost', 'commit', '-qm', 'snapshot');
}
