// `node --import @sightline/setup/register app.js` (or `--require` for CommonJS): every Sightline
// package the app has installed, turned on and configured from the environment, with no code change
// in the app. It owns the lifecycle: readiness once the app's own server listens, and on a signal
// readiness 503, the delay, the app's servers drained and closed, the plugins closed, exit.
import dc from 'node:diagnostics_channel';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import { basename, dirname, extname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getLogger } from '@sightline/core';
import { errorText, isToolkitServer, isToolkitTraffic, runAsToolkit } from '@sightline/core/internal';
import { ENV_VARS, readEnvConfig } from './env-config.js';
import { setupFromEnv, type PluginFactory } from './setup-from-env.js';
import type { Observability } from './setup.js';

/**
 * The packages the register entry looks for, in start order (as the demo composes them: receivers and
 * exporters first, the status page before the health server that serves it), each with the factory it
 * exports, whose name is also its variables' (`statsServer` reads `SIGHTLINE_STATS_SERVER_*`). The
 * sensors' plugins are left out: they watch stream code, which is wired in code.
 */
const PACKAGES = [
  { name: '@sightline/stats-server', factory: 'statsServer' },
  { name: '@sightline/prometheus', factory: 'prometheus' },
  { name: '@sightline/stats', factory: 'stats' },
  { name: '@sightline/otel', factory: 'otel' },
  { name: '@sightline/status', factory: 'status' },
  { name: '@sightline/health', factory: 'health' },
] as const;

/**
 * Packages that cannot run on defaults alone, on by default only once configured: the stats client
 * needs its server and secret, the stats-server its secrets. Listing them in `SIGHTLINE_PLUGINS` or
 * `SIGHTLINE_<PLUGIN>_ENABLED=true` turns them on as well.
 */
const CONFIGURED_BY: Readonly<Record<string, (variable: string) => boolean>> = {
  stats: (v) => (v.startsWith('SIGHTLINE_STATS_') && !v.startsWith('SIGHTLINE_STATS_SERVER_')) || v.startsWith('STATS_CLIENT_SETTINGS__'),
  statsServer: (v) => v.startsWith('SIGHTLINE_STATS_SERVER_'),
};

/** `SIGHTLINE_STRICT=1`: a configuration or start failure exits the process with 1. */
const STRICT_VAR = 'SIGHTLINE_STRICT';

// One registration per process, even when both the ESM and the CommonJS copy of this entry load.
const REGISTERED = Symbol.for('sightline.setup.register');
type Global = typeof globalThis & { [REGISTERED]?: Promise<Observability | undefined> };

const log = getLogger('sightline.setup.register');

// tsup's shim gives the CommonJS build a `.cjs` file URL here, so one source knows which copy it is.
const OWN_URL = import.meta.url;
const COMMON_JS = OWN_URL.endsWith('.cjs');

type Factories = Record<string, PluginFactory>;

/**
 * Where the app's packages resolve from: its working directory's `package.json`, then its entry
 * script's directory; setup's own location when neither sees `@sightline/setup` (the flag given a
 * path, or the app started from elsewhere). One base for every package, so a package the app did not
 * install is not found next to setup.
 */
function appRequire(): NodeJS.Require {
  const entry = process.argv[1];
  const bases = [join(process.cwd(), 'package.json'), ...(entry ? [join(dirname(resolvePath(entry)), 'package.json')] : [])];
  for (const base of bases) {
    const require = createRequire(base);
    try {
      require.resolve('@sightline/setup/package.json');
      log.debug('resolving the installed packages from the app', { from: base });
      return require;
    } catch {
      // Not from here: try the next base.
    }
  }
  log.debug("resolving the installed packages from setup's own location", { from: fileURLToPath(OWN_URL) });
  return createRequire(fileURLToPath(OWN_URL));
}

/** The package's entry for `import` or `require`, from its `exports`; `undefined` when not installed. */
function entryOf(require: NodeJS.Require, name: string): string | undefined {
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  if (COMMON_JS) return require.resolve(name);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: { '.'?: { import?: { default?: string } } } };
  const file = manifest.exports?.['.']?.import?.default;
  return file === undefined ? undefined : join(dirname(manifestPath), file);
}

/** The installed packages' factories: required at once in CommonJS, imported in ESM. */
function loadFactories(): Factories | Promise<Factories> {
  const require = appRequire();
  const found = PACKAGES.flatMap(({ name, factory }) => {
    const entry = entryOf(require, name);
    return entry === undefined ? [] : [{ name, factory, entry }];
  });
  const pick = (loaded: ReadonlyArray<Record<string, unknown>>): Factories => {
    const factories: Factories = {};
    found.forEach(({ name, factory }, i) => {
      const f = loaded[i]![factory];
      if (typeof f === 'function') factories[factory] = f as PluginFactory;
      else log.warn(`${name} has no ${factory}() factory; left out`);
    });
    log.debug('found the installed packages', { packages: found.map((p) => p.name).join(',') });
    return factories;
  };
  if (COMMON_JS) return pick(found.map(({ entry }) => require(entry) as Record<string, unknown>));
  return Promise.all(found.map(({ entry }) => import(pathToFileURL(entry).href) as Promise<Record<string, unknown>>)).then(pick);
}

/** The service when no variable names it: the app's `package.json` name, else its entry script's base name. */
function fallbackService(): string | undefined {
  const manifest = join(process.cwd(), 'package.json');
  if (existsSync(manifest)) {
    try {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (typeof name === 'string' && name.trim() !== '') return name.trim();
    } catch {
      // An unreadable manifest names nothing; the entry script's name follows.
    }
  }
  const entry = process.argv[1];
  return entry ? basename(entry, extname(entry)) || undefined : undefined;
}

/**
 * Whether Node publishes `tracing:net.server.listen:*`: seen when a toolkit server (health,
 * stats-server) listened during start; else by version (22.3 added it; Node 20 got it in a later
 * minor, so a 20.x without a toolkit server falls back to readiness at start).
 */
function listenChannelPublished(seenAListen: boolean): boolean {
  if (seenAListen) return true;
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 3);
}

/** The app's own servers, from the moment they listen: readiness waits for one, the drain closes them. */
class AppServers {
  readonly #servers = new Set<Server>();
  readonly #listeners = new Set<() => void>();
  /** Any listen seen, the toolkit's included: the channel is published on this Node. */
  seenAListen = false;

  constructor() {
    // Subscribed before the app's first line, so its first listen is seen. The toolkit's servers
    // (marked, or listening inside its own start) are not the app's.
    dc.subscribe('tracing:net.server.listen:asyncEnd', (message) => {
      const server = (message as { server?: Server }).server;
      this.seenAListen = true;
      if (server === undefined || isToolkitServer(server) || isToolkitTraffic()) return;
      this.#servers.add(server);
      server.once('close', () => this.#servers.delete(server));
      for (const listener of this.#listeners) listener();
    });
  }

  get size(): number {
    return this.#servers.size;
  }

  onListening(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Stops accepting, lets in-flight requests finish and closes idle keep-alive connections. */
  close(): Promise<void> {
    const count = this.#servers.size;
    log.info(`closing the app's ${count} server(s); in-flight requests finish`);
    return Promise.all(
      [...this.#servers].map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as Server & { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      ),
    ).then(() => log.info(`closed the app's ${count} server(s)`));
  }
}

function fail(message: string, error: unknown, strict: boolean): undefined {
  log.error(`${message}: ${errorText(error)}${strict ? '' : '; the app runs without Sightline'}`, {
    ...(strict ? { exiting: 1 } : { hint: `${STRICT_VAR}=1 exits instead` }),
  });
  if (strict) process.exit(1);
  return undefined;
}

/** The health server's port under the register entry, away from the 8080 many apps take themselves. */
const HEALTH_PORT = '9464';

/**
 * The environment with the register entry's defaults laid under it: without `SIGHTLINE_PLUGINS`,
 * every installed package is on except those not configured (so `SIGHTLINE_<PLUGIN>_ENABLED` still
 * has the last word), and the health server on :9464 unless `SIGHTLINE_HEALTH_PORT` says otherwise.
 */
function registerEnv(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const set = Object.keys(env).filter((v) => env[v]?.trim());
  const overlay: Record<string, string> = {};
  if (!set.includes(ENV_VARS.plugins)) {
    const on = names.filter((name) => CONFIGURED_BY[name] === undefined || set.some(CONFIGURED_BY[name]));
    overlay[ENV_VARS.plugins] = on.length > 0 ? on.join(',') : 'none';
  }
  if (names.includes('health') && !set.includes('SIGHTLINE_HEALTH_PORT')) overlay['SIGHTLINE_HEALTH_PORT'] = HEALTH_PORT;
  return { ...env, ...overlay };
}

/** Builds the setup from the environment, starts it as the toolkit, and marks it ready once the app listens. */
function begin(factories: Factories, servers: AppServers, strict: boolean): Promise<Observability | undefined> {
  let obs: Observability;
  try {
    const env = registerEnv(process.env, Object.keys(factories));
    const service = readEnvConfig(env, Object.keys(factories)).service === undefined ? fallbackService() : undefined;
    obs = setupFromEnv({
      env,
      factories,
      readiness: 'manual',
      beforeShutdown: () => servers.close(),
      ...(service !== undefined && { service }),
    });
  } catch (error) {
    return Promise.resolve(fail('Sightline is misconfigured', error, strict));
  }
  let started = false;
  let tracked = true;
  let marked = false;
  // Once: a later listen must not undo the app's own markNotReady().
  const readyIfListening = (): void => {
    if (marked || !started || (tracked && servers.size === 0)) return;
    marked = true;
    obs.markReady();
  };
  servers.onListening(readyIfListening);
  // The plugins' own servers, timers and requests are the toolkit's traffic, never the app's.
  return runAsToolkit(() => obs.start()).then(
    () => {
      started = true;
      tracked = listenChannelPublished(servers.seenAListen);
      readyIfListening();
      return obs;
    },
    (error: unknown) => fail('Sightline did not start', error, strict),
  );
}

function register(): Promise<Observability | undefined> {
  const strict = /^(1|true|yes|on)$/i.test(process.env[STRICT_VAR]?.trim() ?? '');
  const servers = new AppServers();
  let factories: Factories | Promise<Factories>;
  try {
    factories = loadFactories();
  } catch (error) {
    return Promise.resolve(fail('Sightline could not load its packages', error, strict));
  }
  return factories instanceof Promise
    ? factories.then(
        (f) => begin(f, servers, strict),
        (error: unknown) => fail('Sightline could not load its packages', error, strict),
      )
    : begin(factories, servers, strict);
}

/**
 * The setup the register entry made: resolves once its plugins have started, to `undefined` when it
 * is misconfigured or could not start (the error is logged and the app runs without Sightline).
 */
export const observability: Promise<Observability | undefined> = ((globalThis as Global)[REGISTERED] ??= register());
