import { resolveHandlerConfig, resolveServerConfig } from '../src/options.js';
import { HealthConfigError } from '../src/index.js';
import { SightlineConfigError } from '@sightline/core';

describe('health server configuration', () => {
  it('has documented defaults: port 8080 on loopback, metrics on, 1 s cache and check timeout', () => {
    const c = resolveServerConfig({ env: {} });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.enableMetrics).toBe(true);
    expect(c.cacheMs).toBe(1000);
    expect(c.checkTimeoutMs).toBe(1000);
    expect(c.requestTimeoutMs).toBe(10_000);
    expect(c.metricsRateLimit).toEqual({ max: 10, windowMs: 1000 });
    expect(c.metricsToken).toBeUndefined();
    expect(c.signals).toEqual(['SIGTERM', 'SIGINT']);
    expect(c.shutdownDelayMs).toBe(0);
    expect(c.shutdownTimeoutMs).toBe(10_000);
    expect(c.exitProcess).toBe(true);
    expect(c.ready).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('waits 5 s before closing by default when running in Kubernetes', () => {
    expect(resolveServerConfig({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } }).shutdownDelayMs).toBe(5000);
    expect(resolveServerConfig({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, shutdownDelayMs: 250 }).shutdownDelayMs).toBe(250);
  });

  const fullEnv = {
    SIGHTLINE_HEALTH_PORT: '8081',
    SIGHTLINE_HEALTH_HOST: '0.0.0.0',
    SIGHTLINE_HEALTH_ENABLE_METRICS: 'false',
    SIGHTLINE_HEALTH_METRICS_TOKEN: 'from-env',
    SIGHTLINE_HEALTH_METRICS_RATE_LIMIT__MAX: '5',
    SIGHTLINE_HEALTH_METRICS_RATE_LIMIT__WINDOW_MS: '2000',
    SIGHTLINE_HEALTH_SIGNALS: 'SIGTERM',
  };

  it('reads SIGHTLINE_HEALTH_* for the options not given in code', () => {
    const c = resolveServerConfig({ env: fullEnv });
    expect([c.port, c.host, c.enableMetrics, c.metricsToken, c.metricsRateLimit, c.signals]).toEqual([
      8081,
      '0.0.0.0',
      false,
      'from-env',
      { max: 5, windowMs: 2000 },
      ['SIGTERM'],
    ]);
  });

  it('fills a rate limit given in part with the defaults of the rest, and turns it off with false', () => {
    expect(resolveServerConfig({ env: { SIGHTLINE_HEALTH_METRICS_RATE_LIMIT__MAX: '5' } }).metricsRateLimit).toEqual({
      max: 5,
      windowMs: 1000,
    });
    expect(resolveServerConfig({ env: {}, metricsRateLimit: { windowMs: 50 } }).metricsRateLimit).toEqual({ max: 10, windowMs: 50 });
    expect(resolveServerConfig({ env: { SIGHTLINE_HEALTH_METRICS_RATE_LIMIT: 'false' } }).metricsRateLimit).toBe(false);
  });

  it('reads probe paths from SIGHTLINE_HEALTH_PATHS__*', () => {
    const c = resolveServerConfig({ env: { SIGHTLINE_HEALTH_PATHS__LIVE: '/livez' } });
    expect(c.paths).toEqual({ health: '/health', live: '/livez', ready: '/health/ready', startup: '/health/startup', metrics: '/metrics' });
  });

  it('lets options in code win over SIGHTLINE_HEALTH_* (code > environment > defaults)', () => {
    const c = resolveServerConfig({
      port: 9000,
      host: 'localhost',
      enableMetrics: true,
      metricsToken: 'from-code',
      metricsRateLimit: { max: 1, windowMs: 10 },
      env: fullEnv,
    });
    expect([c.port, c.host, c.enableMetrics, c.metricsToken, c.metricsRateLimit]).toEqual([
      9000,
      'localhost',
      true,
      'from-code',
      { max: 1, windowMs: 10 },
    ]);
  });

  it('refuses a misspelt SIGHTLINE_HEALTH_* variable, naming it and the closest one', () => {
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_PROT: '80' } })).toThrow(
      new HealthConfigError('unknown variable `SIGHTLINE_HEALTH_PROT` in env: did you mean `SIGHTLINE_HEALTH_PORT`?'),
    );
    // Another package's variables are not health's.
    expect(resolveServerConfig({ env: { SIGHTLINE_HEALTH_MONITOR_LAG_THRESHOLD: '5' } }).port).toBe(8080);
  });

  it('ignores empty environment variables', () => {
    const c = resolveServerConfig({ port: 9000, env: { SIGHTLINE_HEALTH_PORT: '', SIGHTLINE_HEALTH_ENABLE_METRICS: ' ' } });
    expect([c.port, c.enableMetrics]).toEqual([9000, true]);
  });

  it.each([
    ['yes', true],
    ['ON', true],
    ['1', true],
    ['no', false],
    ['Off', false],
    ['0', false],
  ])('reads SIGHTLINE_HEALTH_ENABLE_METRICS=%s as %s', (raw, expected) => {
    expect(resolveHandlerConfig({ env: { SIGHTLINE_HEALTH_ENABLE_METRICS: raw } }).enableMetrics).toBe(expected);
  });

  it('rejects bad environment values with an error naming the variable, the value and the expected form', () => {
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_PORT: 'eighty' } })).toThrow(
      new HealthConfigError('invalid option `port` in env SIGHTLINE_HEALTH_PORT: expected an integer from 0 to 65535, got "eighty"'),
    );
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_PORT: '70000' } })).toThrow(
      'invalid option `port` in env SIGHTLINE_HEALTH_PORT: expected an integer from 0 to 65535, got 70000',
    );
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_HOST: 'a b' } })).toThrow(
      'invalid option `host` in env SIGHTLINE_HEALTH_HOST: expected a host name or IP address (got "a b")',
    );
    expect(() => resolveHandlerConfig({ env: { SIGHTLINE_HEALTH_ENABLE_METRICS: 'maybe' } })).toThrow(
      'invalid option `enableMetrics` in env SIGHTLINE_HEALTH_ENABLE_METRICS: expected true or false, got "maybe"',
    );
  });

  it('rejects bad options with HealthConfigError, a SightlineConfigError', () => {
    const bad = (o: object) => () => resolveServerConfig({ env: {}, ...o });
    const source = 'in createHealthServer():';
    expect(bad({ port: -1 })).toThrow(`invalid option \`port\` ${source} expected an integer from 0 to 65535, got -1`);
    expect(bad({ cacheMs: 1.5 })).toThrow(`invalid option \`cacheMs\` ${source} expected an integer >= 0, got 1.5`);
    expect(bad({ checkTimeoutMs: '100' })).toThrow(`invalid option \`checkTimeoutMs\` ${source} expected an integer >= 0, got "100"`);
    expect(bad({ requestTimeoutMs: 0 })).toThrow(`invalid option \`requestTimeoutMs\` ${source} expected an integer >= 1, got 0`);
    expect(bad({ metricsRateLimit: { max: 0, windowMs: 1000 } })).toThrow(
      `invalid option \`metricsRateLimit.max\` ${source} expected an integer >= 1, got 0`,
    );
    expect(bad({ metricsRateLimit: { max: 1, window: 1000 } })).toThrow(
      `unknown option \`metricsRateLimit.window\` ${source} did you mean \`metricsRateLimit.windowMs\`?`,
    );
    expect(bad({ signals: ['TERM'] })).toThrow(
      `invalid option \`signals[0]\` ${source} expected a signal name such as "SIGTERM", got "TERM"`,
    );
    expect(bad({ prot: 80 })).toThrow(new HealthConfigError(`unknown option \`prot\` ${source} did you mean \`port\`?`));
    expect(bad({ checks: [{ name: 'db' }] })).toThrow(
      'checks[0] must be a HealthCheck { name: non-empty string, check(): Promise<HealthResult> }, got an object',
    );
    const check = { name: 'db', check: () => Promise.resolve({ healthy: true }) };
    expect(bad({ checks: [check, check] })).toThrow('checks has two checks named "db": names must be unique');
    expect(bad({ metrics: { contentType: 'text/plain' } })).toThrow(
      `invalid option \`metrics\` ${source} expected a MetricsSource { contentType, render() } (got an object)`,
    );
    expect(bad({ port: 'x' })).toThrow(SightlineConfigError);
  });

  it('never echoes a bad metrics token', () => {
    let message = '';
    try {
      resolveHandlerConfig({ metricsToken: 'secret value', env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('invalid option `metricsToken` in createHealthHandler(): must be a non-empty string without whitespace');
  });
});
