import { SetupConfigError, readEnvConfig } from '../src/index.js';

const FACTORIES = ['otel', 'prometheus', 'stats', 'health', 'healthMonitor'];
const enabled = (env: Record<string, string>, names = FACTORIES) => readEnvConfig(env, names).plugins.map((p) => p.name);
const optionsOf = (env: Record<string, string>, name: string, names = FACTORIES) =>
  readEnvConfig(env, names).plugins.find((p) => p.name === name)?.options;

describe('readEnvConfig', () => {
  it('names variables after the factory: camelCase and kebab-case become UPPER_SNAKE', () => {
    const env = { SIGHTLINE_HEALTH_MONITOR_LAG_THRESHOLD_MS: '5', SIGHTLINE_OTEL2_ON: 'true' };
    for (const name of ['healthMonitor', 'health-monitor', 'HEALTH_MONITOR']) {
      expect(optionsOf(env, name, [name])).toEqual({ lagThresholdMs: 5 });
    }
    expect(optionsOf(env, 'otel2', ['otel2'])).toEqual({ on: true });
  });

  it('enables every factory given, in the order given, when nothing is set', () => {
    expect(readEnvConfig({}, FACTORIES)).toEqual({
      service: undefined,
      version: undefined,
      environment: undefined,
      stopTimeoutMs: undefined,
      shutdownDelayMs: undefined,
      plugins: FACTORIES.map((name) => ({ name, options: {} })),
    });
  });

  it('SIGHTLINE_PLUGINS enables only the plugins listed, keeping the order of the factories', () => {
    expect(enabled({ SIGHTLINE_PLUGINS: 'health, prometheus' })).toEqual(['prometheus', 'health']);
    expect(enabled({ SIGHTLINE_PLUGINS: 'health-monitor stats' })).toEqual(['stats', 'healthMonitor']);
    expect(enabled({ SIGHTLINE_PLUGINS: 'none' })).toEqual([]);
    expect(enabled({ SIGHTLINE_PLUGINS: '  ' })).toEqual(FACTORIES);
  });

  it('refuses a listed plugin that no factory provides, saying which were given', () => {
    expect(() => readEnvConfig({ SIGHTLINE_PLUGINS: 'prometheus,statsd' }, ['prometheus', 'health'])).toThrow(
      new SetupConfigError(
        'SIGHTLINE_PLUGINS names "statsd", which is not among the factories given (prometheus, health); install its package and pass its factory, or remove it',
      ),
    );
  });

  it('SIGHTLINE_<PLUGIN>_ENABLED turns one plugin off or on, over SIGHTLINE_PLUGINS', () => {
    expect(enabled({ SIGHTLINE_STATS_ENABLED: 'false', SIGHTLINE_OTEL_ENABLED: '0' })).toEqual(['prometheus', 'health', 'healthMonitor']);
    expect(enabled({ SIGHTLINE_PLUGINS: 'health', SIGHTLINE_OTEL_ENABLED: 'yes' })).toEqual(['otel', 'health']);
    // The longer name wins: this switch is healthMonitor's, not an option of health.
    expect(enabled({ SIGHTLINE_HEALTH_MONITOR_ENABLED: 'off' })).toEqual(['otel', 'prometheus', 'stats', 'health']);
    expect(optionsOf({ SIGHTLINE_HEALTH_MONITOR_ENABLED: 'off' }, 'health')).toEqual({});
    expect(() => readEnvConfig({ SIGHTLINE_STATS_ENABLED: 'nope' }, FACTORIES)).toThrow(
      'SIGHTLINE_STATS_ENABLED must be true or false (also 1/0, yes/no, on/off), got "nope"',
    );
  });

  it("reads each plugin's options from SIGHTLINE_<PLUGIN>_<OPTION>, typed by their text", () => {
    const env = {
      SIGHTLINE_HEALTH_PORT: '9464',
      SIGHTLINE_HEALTH_HOST: '127.0.0.1',
      SIGHTLINE_HEALTH_SCRAPE_PATH: '/metrics',
      SIGHTLINE_HEALTH_GRACEFUL: 'false',
      SIGHTLINE_HEALTH_RATIO: '0.5',
      SIGHTLINE_HEALTH_ACCOUNT_ID: '0123',
      SIGHTLINE_HEALTH_MONITOR_LAG_THRESHOLD: '1000',
      SIGHTLINE_STATS_TRANSPORT__URL: 'http://127.0.0.1:8126/ingest',
      SIGHTLINE_STATS_TRANSPORT__TIMEOUT_MS: '250',
      SIGHTLINE_STATS_PREFIX: '',
      SIGHTLINE_LOG: 'debug',
      SIGHTLINE_DEMO_PORT: '8080',
      PATH: '/usr/bin',
    };
    expect(optionsOf(env, 'health')).toEqual({
      port: 9464,
      host: '127.0.0.1',
      scrapePath: '/metrics',
      graceful: false,
      ratio: 0.5,
      accountId: '0123',
    });
    expect(optionsOf(env, 'healthMonitor')).toEqual({ lagThreshold: 1000 });
    expect(optionsOf(env, 'stats')).toEqual({ transport: { url: 'http://127.0.0.1:8126/ingest', timeoutMs: 250 } });
    expect(optionsOf(env, 'prometheus')).toEqual({});
  });

  it('takes the service from SIGHTLINE_SERVICE_NAME, then OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES', () => {
    const attrs = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,service.version=3.1.0,deployment.environment.name=prod%20eu' };
    expect(readEnvConfig(attrs, [])).toMatchObject({ service: 'from-attrs', version: '3.1.0', environment: 'prod eu' });
    expect(readEnvConfig({ ...attrs, OTEL_SERVICE_NAME: 'from-otel' }, []).service).toBe('from-otel');
    expect(
      readEnvConfig(
        {
          ...attrs,
          OTEL_SERVICE_NAME: 'from-otel',
          SIGHTLINE_SERVICE_NAME: 'orders',
          SIGHTLINE_SERVICE_VERSION: '1.0.0',
          SIGHTLINE_ENVIRONMENT: 'staging',
        },
        [],
      ),
    ).toMatchObject({ service: 'orders', version: '1.0.0', environment: 'staging' });
  });

  it('reads SIGHTLINE_STOP_TIMEOUT_MS and refuses a value that is not a positive number', () => {
    expect(readEnvConfig({ SIGHTLINE_STOP_TIMEOUT_MS: '1500' }, []).stopTimeoutMs).toBe(1500);
    expect(() => readEnvConfig({ SIGHTLINE_STOP_TIMEOUT_MS: '5s' }, [])).toThrow(
      'SIGHTLINE_STOP_TIMEOUT_MS must be a positive number of milliseconds, got "5s"',
    );
    expect(() => readEnvConfig({ SIGHTLINE_STOP_TIMEOUT_MS: '0' }, [])).toThrow(SetupConfigError);
  });

  it('reads SIGHTLINE_SHUTDOWN_DELAY_MS, 0 included, and refuses a negative or unitful value', () => {
    expect(readEnvConfig({ SIGHTLINE_SHUTDOWN_DELAY_MS: '1500' }, []).shutdownDelayMs).toBe(1500);
    expect(readEnvConfig({ SIGHTLINE_SHUTDOWN_DELAY_MS: '0' }, []).shutdownDelayMs).toBe(0);
    expect(() => readEnvConfig({ SIGHTLINE_SHUTDOWN_DELAY_MS: '-1' }, [])).toThrow(
      'SIGHTLINE_SHUTDOWN_DELAY_MS must be a non-negative number of milliseconds, got "-1"',
    );
    expect(() => readEnvConfig({ SIGHTLINE_SHUTDOWN_DELAY_MS: '2s' }, [])).toThrow(SetupConfigError);
  });

  it('refuses two factories that would read the same variables', () => {
    expect(() => readEnvConfig({}, ['healthMonitor', 'health_monitor'])).toThrow(
      'factories "healthMonitor" and "health_monitor" would both read SIGHTLINE_HEALTH_MONITOR_*; rename one',
    );
  });
});
