// The release flow against a real npm registry (Verdaccio on loopback): version and publish every
// package with the root scripts, install only what a user needs into empty projects outside the
// workspace and use it from CommonJS, ESM and type-checked TypeScript, then prove a patch release
// publishes only what it bumped.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNPM, run } from '../release/commands';
import { ALLOWED_SIGHTLINE_DEPS, CONSUMERS, type Consumer } from '../release/consumers';
import { publishedVersions, startRegistry, type Registry } from '../release/verdaccio';
import { copyWorkspace } from '../release/workspace-copy';

const repo = resolve(__dirname, '../..');
const verdaccioBin = join(repo, 'node_modules/verdaccio/bin/verdaccio');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

function publicPackages(root: string): Map<string, Manifest & { dir: string }> {
  const out = new Map<string, Manifest & { dir: string }>();
  for (const name of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = readManifest(dir);
    if (!manifest.private) out.set(manifest.name, { ...manifest, dir });
  }
  return out;
}

let work: string;
let copy: string;
let registry: Registry;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sightline-release-'));
  copy = join(work, 'repo');
  copyWorkspace(repo, copy);
  await run([...PNPM, 'install', '--frozen-lockfile', '--prefer-offline'], copy, { CI: 'true' }, 300_000);
  registry = await startRegistry(join(work, 'registry'), verdaccioBin);
  const host = registry.url.replace(/^http:/, '');
  writeFileSync(join(copy, '.npmrc'), `${host}:_authToken=${registry.token}\n`);
  env = { npm_config_registry: registry.url, CI: 'true', TURBO_TELEMETRY_DISABLED: '1' };
}, 420_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('release flow against Verdaccio', () => {
  let firstVersions: Map<string, string>;

  it('version-packages consumes the pending changesets and release publishes every package', async () => {
    await run([...PNPM, 'version-packages'], copy, env);
    const packages = publicPackages(copy);
    expect(packages.size).toBeGreaterThan(0);
    firstVersions = new Map([...packages].map(([name, m]) => [name, m.version]));
    for (const [name, m] of packages) {
      expect({ name, version: m.version }).not.toEqual({ name, version: '0.0.0' });
      expect(readFileSync(join(m.dir, 'CHANGELOG.md'), 'utf8')).toContain(`## ${m.version}`);
    }

    await run([...PNPM, 'release'], copy, env, 480_000);
    for (const [name, version] of firstVersions) {
      expect({ name, versions: await publishedVersions(registry, name) }).toEqual({ name, versions: [version] });
    }
  }, 600_000);

  describe.each(CONSUMERS.map((c) => [c.title, c] as const))('a user who installs %s', (_title, consumer: Consumer) => {
    let project: string;

    beforeAll(async () => {
      project = mkdtempSync(join(tmpdir(), 'sightline-user-'));
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, version: '1.0.0' }));
      // Only @sightline/* comes from the test registry; everything else from the usual one.
      writeFileSync(join(project, '.npmrc'), `@sightline:registry=${registry.url}\n`);
      for (const [file, text] of Object.entries(consumer.files)) writeFileSync(join(project, file), text);
      await run(['npm', 'install', '--no-audit', '--no-fund', ...consumer.install], project, {}, 300_000);
    }, 320_000);

    afterAll(() => rmSync(project, { recursive: true, force: true }));

    it('gets no @sightline/* package beyond the ones it asked for and what they declare', () => {
      const installed = readdirSync(join(project, 'node_modules/@sightline'))
        .map((n) => `@sightline/${n}`)
        .sort();
      const expected = new Set<string>();
      const visit = (name: string) => {
        if (expected.has(name)) return;
        expected.add(name);
        const m = readManifest(join(project, 'node_modules', name));
        for (const dep of Object.keys(m.dependencies ?? {})) if (dep.startsWith('@sightline/')) visit(dep);
      };
      consumer.install.forEach(visit);
      expect(installed).toEqual([...expected].sort());
      for (const name of installed) {
        const deps = Object.keys(readManifest(join(project, 'node_modules', name)).dependencies ?? {});
        expect({ name, sightlineDeps: deps.filter((d) => d.startsWith('@sightline/') && d !== '@sightline/core') }).toEqual({
          name,
          sightlineDeps: ALLOWED_SIGHTLINE_DEPS[name] ?? [],
        });
      }
    });

    it.each(['consumer.cjs', 'consumer.mjs'])(
      'works from %s',
      async (file) => {
        const { stdout } = await run([process.execPath, file], project, {}, 60_000);
        consumer.check(JSON.parse(stdout.trim().split('\n').pop()!));
      },
      70_000,
    );

    it('type-checks a TypeScript consumer against the published types', async () => {
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
            typeRoots: [join(repo, 'node_modules/@types')],
          },
          files: ['consumer.ts'],
        }),
      );
      await run([process.execPath, join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project, {}, 120_000);
    }, 130_000);
  });

  it('a core patch released with one dependant publishes those two, the dependant on the new core range', async () => {
    const before = publicPackages(copy);
    const dependants = [...before.values()]
      .filter((m) => m.dependencies?.['@sightline/core'])
      .map((m) => m.name)
      .sort();
    expect(dependants.length).toBeGreaterThan(0);
    const dependant = dependants[0]!;
    writeFileSync(
      join(copy, '.changeset/core-patch.md'),
      `---\n"@sightline/core": patch\n"${dependant}": patch\n---\n\nA patch for the release test.\n`,
    );
    await run([...PNPM, 'version-packages'], copy, env);
    const after = publicPackages(copy);
    const bumped = [...after.values()]
      .filter((m) => m.version !== before.get(m.name)!.version)
      .map((m) => m.name)
      .sort();
    // changesets bumps a dependant only when the new core leaves its range; ~0.x.y (core's) admits a patch.
    expect(bumped).toEqual(['@sightline/core', dependant].sort());

    await run([...PNPM, 'release'], copy, env, 480_000);
    for (const [name, m] of after) {
      const versions = await publishedVersions(registry, name);
      const expected = bumped.includes(name) ? [firstVersions.get(name)!, m.version].sort() : [firstVersions.get(name)!];
      expect({ name, versions }).toEqual({ name, versions: expected });
    }
    const coreVersion = after.get('@sightline/core')!.version;
    const coreRange = async (name: string, version: string) => {
      const doc = (await (await fetch(`${registry.url}${name.replace('/', '%2f')}`)).json()) as {
        versions: Record<string, Manifest>;
      };
      return doc.versions[version]!.dependencies!['@sightline/core'];
    };
    // updateInternalDependencies: "patch": a released dependant requires the core it was released with.
    await expect(coreRange(dependant, after.get(dependant)!.version)).resolves.toBe(`~${coreVersion}`);
    // The others keep their published range, which the patched core still satisfies.
    for (const name of dependants.filter((n) => n !== dependant)) {
      await expect(coreRange(name, after.get(name)!.version)).resolves.toBe(`~${firstVersions.get('@sightline/core')}`);
    }
  }, 600_000);

  it('a patch to one leaf package publishes that package alone', async () => {
    const before = publicPackages(copy);
    const leaf = [...before.values()].find((m) => ![...before.values()].some((o) => o.dependencies?.[m.name]))!;
    writeFileSync(join(copy, '.changeset/leaf-patch.md'), `---\n"${leaf.name}": patch\n---\n\nLeaf patch.\n`);
    await run([...PNPM, 'version-packages'], copy, env);
    const after = publicPackages(copy);
    const bumped = [...after.values()].filter((m) => m.version !== before.get(m.name)!.version).map((m) => m.name);
    expect(bumped).toEqual([leaf.name]);
    const counts = new Map<string, number>();
    for (const name of after.keys()) counts.set(name, (await publishedVersions(registry, name)).length);
    await run([...PNPM, 'release'], copy, env, 480_000);
    for (const name of after.keys()) {
      const now = (await publishedVersions(registry, name)).length;
      expect({ name, newlyPublished: now - counts.get(name)! }).toEqual({ name, newlyPublished: name === leaf.name ? 1 : 0 });
    }
  }, 600_000);
});
