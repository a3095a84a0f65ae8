import type { Plugin } from '@sightline/core';
import { SetupConfigError, setupFromEnv } from '../src/index.js';
import { captureLogs, fakePlugin } from './helpers.js';

interface HealthOptions {
  readonly port?: number;
  readonly host?: string;
  readonly auth?: { readonly token?: string; readonly realm?: string };
}

describe('setupFromEnv', () => {
  let logs: ReturnType<typeof captureLogs>;
  let journal: string[];
  let received: Record<string, unknown>;
  beforeEach(() => {
    logs = captureLogs();
    journal = [];
    received = {};
  });
  afterEach(() => logs.restore());

  // Fake factories shaped like the real packages': options in, a plugin out.
  const factories = () => ({
    prometheus: (options?: { prefix?: string }): Plugin => {
      received['prometheus'] = options;
      return fakePlugin('prometheus', journal);
    },
    stats: (options: { url?: string }): Plugin => {
      received['stats'] = options;
      return fakePlugin('stats', journal);
    },
    health: (options?: HealthOptions): Plugin => {
      received['health'] = options;
      return fakePlugin('health', journal);
    },
  });

  it('with no switches set, builds every factory given, in order, and starts them', async () => {
    const obs = setupFromEnv({ env: { SIGHTLINE_SERVICE_NAME: 'orders' }, factories: factories() });
    expect(obs.service).toBe('orders');
    expect(obs.plugins).toEqual(['prometheus', 'stats', 'health']);
    await obs.start();
    await obs.close();
    expect(journal).toEqual(['start:prometheus', 'start:stats', 'start:health', 'stop:health', 'stop:stats', 'stop:prometheus']);
  });

  it('enables and disables plugins from the environment without code changes', async () => {
    const env = { SIGHTLINE_SERVICE_NAME: 'orders', SIGHTLINE_PLUGINS: 'prometheus,health,stats', SIGHTLINE_STATS_ENABLED: 'false' };
    const obs = setupFromEnv({ env, factories: factories() });
    expect(obs.plugins).toEqual(['prometheus', 'health']);
    expect(Object.keys(received)).toEqual(['prometheus', 'health']);
    await obs.start();
    await obs.close();
    expect(journal).toEqual(['start:prometheus', 'start:health', 'stop:health', 'stop:prometheus']);
  });

  it("gives each factory its variables under the code's options, field by field (code > environment)", () => {
    setupFromEnv({
      env: {
        SIGHTLINE_SERVICE_NAME: 'orders',
        SIGHTLINE_HEALTH_PORT: '9464',
        SIGHTLINE_HEALTH_AUTH__TOKEN: 's3cret',
        SIGHTLINE_PLUGINS: 'health,prometheus',
      },
      factories: factories(),
      options: { health: { host: '0.0.0.0', port: 8080, auth: { realm: 'ops' } }, stats: { url: 'http://unused' } },
    });
    expect(received).toEqual({
      prometheus: {},
      health: { host: '0.0.0.0', port: 8080, auth: { realm: 'ops', token: 's3cret' } },
    });
  });

  it("passes setup()'s lifecycle options through: readiness 'manual' waits for markReady()", async () => {
    const obs = setupFromEnv({ env: {}, service: 'orders', factories: {}, readiness: 'manual', signals: false });
    await obs.start();
    expect(obs.phase).toBe('starting');
    obs.markReady();
    expect(obs.phase).toBe('ready');
    await obs.close();
  });

  it('takes the shutdown delay from SIGHTLINE_SHUTDOWN_DELAY_MS unless the code gives one', async () => {
    logs.restore();
    logs = captureLogs('info', 'sightline.setup');
    const waits = () => logs.records.filter((r) => r.message.startsWith('readiness 503; waiting shutdownDelayMs')).map((r) => r.message);
    const env = { SIGHTLINE_SHUTDOWN_DELAY_MS: '5' };
    await setupFromEnv({ env, service: 'orders', factories: {}, signals: false }).close();
    expect(waits()).toEqual(['readiness 503; waiting shutdownDelayMs (5 ms) so load balancers stop sending traffic']);
    await setupFromEnv({ env, service: 'orders', factories: {}, signals: false, shutdownDelayMs: 0 }).close();
    expect(waits()).toHaveLength(1);
  });

  it('takes service, version, environment and stop timeout from the code over the environment', () => {
    const obs = setupFromEnv({
      env: { OTEL_SERVICE_NAME: 'orders-env', SIGHTLINE_SERVICE_VERSION: '2.0.0', SIGHTLINE_PLUGINS: 'none' },
      factories: factories(),
      service: 'orders-code',
      version: '1.0.0',
      environment: 'dev',
    });
    expect([obs.service, obs.version, obs.environment, obs.plugins]).toEqual(['orders-code', '1.0.0', 'dev', []]);
    const fromEnv = setupFromEnv({
      env: { OTEL_SERVICE_NAME: 'orders-env', SIGHTLINE_SERVICE_VERSION: '2.0.0', SIGHTLINE_PLUGINS: 'none' },
      factories: factories(),
    });
    expect([fromEnv.service, fromEnv.version]).toEqual(['orders-env', '2.0.0']);
  });

  it("types each factory's options from the factory itself", () => {
    const build = () =>
      setupFromEnv({
        env: { SIGHTLINE_SERVICE_NAME: 'orders' },
        factories: factories(),
        options: {
          // @ts-expect-error health's port is a number
          health: { port: '9464' },
        },
      });
    // At run time the factory gets what it was given; the compiler is what refuses it.
    build();
    expect(received['health']).toEqual({ port: '9464' });
  });

  it('appends the plugins built in code, always on', () => {
    const custom = fakePlugin('business', journal);
    const obs = setupFromEnv({ env: { SIGHTLINE_PLUGINS: 'health' }, factories: factories(), plugins: [custom], service: 'orders' });
    expect(obs.plugins).toEqual(['health', 'business']);
  });

  it('says how to name the service when nothing does', () => {
    expect(() => setupFromEnv({ env: {}, factories: factories() })).toThrow(
      new SetupConfigError(
        'setupFromEnv(): no service name: set SIGHTLINE_SERVICE_NAME (or OTEL_SERVICE_NAME) or pass { service: "orders" }',
      ),
    );
  });

  it('wraps a factory that refuses its options, naming the factory and option names but never the values', () => {
    const refusing = {
      stats: (options: { token?: string }): Plugin => {
        throw new RangeError(`stats: unknown option(s) ${Object.keys(options).join(', ')}`);
      },
    };
    let error: unknown;
    try {
      setupFromEnv({
        env: { SIGHTLINE_SERVICE_NAME: 'orders', SIGHTLINE_STATS_TOKEN: 'top-secret', SIGHTLINE_STATS_URL: 'http://x' },
        factories: refusing,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SetupConfigError);
    expect((error as Error).message).toBe(
      'setupFromEnv(): factory "stats" refused its options (token, url; from code and SIGHTLINE_STATS_*): RangeError: stats: unknown option(s) token, url',
    );
    expect((error as Error).message).not.toContain('top-secret');
  });

  it('refuses factories that are not functions', () => {
    expect(() => setupFromEnv({ env: {}, factories: { prometheus: 'yes' } as unknown as Record<string, () => Plugin> })).toThrow(
      'invalid option `factories.prometheus` in setupFromEnv(): expected a plugin factory function, got "yes"',
    );
  });

  it('reads process.env by default', () => {
    const saved = process.env['SIGHTLINE_SERVICE_NAME'];
    process.env['SIGHTLINE_SERVICE_NAME'] = 'from-process';
    try {
      expect(setupFromEnv({ factories: {} }).service).toBe('from-process');
    } finally {
      if (saved === undefined) delete process.env['SIGHTLINE_SERVICE_NAME'];
      else process.env['SIGHTLINE_SERVICE_NAME'] = saved;
    }
  });
});
