// Builds one jest project per workspace package, so a new package joins the test run by existing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

type ProjectConfig = Exclude<NonNullable<Config['projects']>[number], string>;

const root = __dirname;

interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
}

export function workspacePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const manifest = join(groupDir, entry.name, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      found.push({ name, dir: join(groupDir, entry.name) });
    }
  }
  return found;
}

// Tests import @sightline/* from source, never from a possibly stale dist/.
function sourceMapper(): Record<string, string> {
  const map: Record<string, string> = { '^(\\.{1,2}/.*)\\.js$': '$1' };
  for (const pkg of workspacePackages()) {
    if (!pkg.name.startsWith('@sightline/')) continue;
    map[`^${pkg.name}$`] = join(pkg.dir, 'src/index.ts');
    // Subpath entries (`/testing`, `/internal`, ...) are src/<name>.ts.
    map[`^${pkg.name}/([a-z-]+)$`] = join(pkg.dir, 'src/$1.ts');
  }
  return map;
}

export function projects(kind: 'unit' | 'e2e'): ProjectConfig[] {
  const moduleNameMapper = sourceMapper();
  const project = (displayName: string, rootDir: string): ProjectConfig => ({
    displayName,
    rootDir,
    roots: ['<rootDir>/test'],
    testEnvironment: 'node',
    testMatch: kind === 'unit' ? ['<rootDir>/test/**/*.test.ts'] : ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
    testPathIgnorePatterns: kind === 'unit' ? ['/node_modules/', '/test/e2e/'] : ['/node_modules/'],
    moduleNameMapper,
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: join(root, 'tsconfig.test.json') }] },
  });
  // Repository-level tests (the release flow against a real registry) live in the root test/.
  return [{ name: 'repo', dir: root }, ...workspacePackages()]
    .filter((pkg) => existsSync(join(pkg.dir, 'test')))
    .map((pkg) => project(pkg.name, pkg.dir));
}
