import { resolveHandlerConfig, resolveServerConfig } from '../src/config.js';
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

  it('lets SIGHTLINE_HEALTH_PORT, SIGHTLINE_HEALTH_HOST, SIGHTLINE_ENABLE_METRICS and SIGHTLINE_METRICS_TOKEN override options', () => {
    const c = resolveServerConfig({
      port: 9000,
      host: 'localhost',
      enableMetrics: true,
      metricsToken: 'from-code',
      env: { SIGHTLINE_HEALTH_PORT: '8081', SIGHTLINE_HEALTH_HOST: '0.0.0.0', SIGHTLINE_ENABLE_METRICS: 'false', SIGHTLINE_METRICS_TOKEN: 'from-env' },
    });
    expect([c.port, c.host, c.enableMetrics, c.metricsToken]).toEqual([8081, '0.0.0.0', false, 'from-env']);
  });

  it('ignores empty environment variables', () => {
    const c = resolveServerConfig({ port: 9000, env: { SIGHTLINE_HEALTH_PORT: '', SIGHTLINE_ENABLE_METRICS: ' ' } });
    expect([c.port, c.enableMetrics]).toEqual([9000, true]);
  });

  it.each([
    ['yes', true],
    ['ON', true],
    ['1', true],
    ['no', false],
    ['Off', false],
    ['0', false],
  ])('reads SIGHTLINE_ENABLE_METRICS=%s as %s', (raw, expected) => {
    expect(resolveHandlerConfig({ env: { SIGHTLINE_ENABLE_METRICS: raw } }).enableMetrics).toBe(expected);
  });

  it('rejects bad environment values with an error naming the variable, the value and the expected form', () => {
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_PORT: 'eighty' } })).toThrow(
      new HealthConfigError('SIGHTLINE_HEALTH_PORT must be an integer port from 0 to 65535, got "eighty"'),
    );
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_PORT: '70000' } })).toThrow('SIGHTLINE_HEALTH_PORT must be an integer port from 0 to 65535, got "70000"');
    expect(() => resolveServerConfig({ env: { SIGHTLINE_HEALTH_HOST: 'a b' } })).toThrow('SIGHTLINE_HEALTH_HOST must be a host name or IP address, got "a b"');
    expect(() => resolveHandlerConfig({ env: { SIGHTLINE_ENABLE_METRICS: 'maybe' } })).toThrow(
      'SIGHTLINE_ENABLE_METRICS must be one of true, false, 1, 0, yes, no, on, off, got "maybe"',
    );
  });

  it('rejects bad options with HealthConfigError, a SightlineConfigError', () => {
    const bad = (o: object) => () => resolveServerConfig({ env: {}, ...o });
    expect(bad({ port: -1 })).toThrow('port must be an integer port from 0 to 65535, got -1');
    expect(bad({ cacheMs: 1.5 })).toThrow('cacheMs must be a non-negative integer number of milliseconds, got 1.5');
    expect(bad({ checkTimeoutMs: '100' })).toThrow('checkTimeoutMs must be a non-negative integer number of milliseconds, got "100"');
    expect(bad({ requestTimeoutMs: 0 })).toThrow('requestTimeoutMs must be at least 1 ms, got 0');
    expect(bad({ metricsRateLimit: { max: 0, windowMs: 1000 } })).toThrow('metricsRateLimit.max must be a positive integer, got 0');
    expect(bad({ signals: ['TERM'] })).toThrow('signals must be an array of signal names such as ["SIGTERM", "SIGINT"], got ["TERM"]');
    expect(bad({ checks: [{ name: 'db' }] })).toThrow('checks[0] must be a HealthCheck { name: non-empty string, check(): Promise<HealthResult> }, got {"name":"db"}');
    const check = { name: 'db', check: async () => ({ healthy: true }) };
    expect(bad({ checks: [check, check] })).toThrow('checks has two checks named "db": names must be unique');
    expect(bad({ metrics: { contentType: 'text/plain' } })).toThrow('metrics must be a MetricsSource { contentType, render() }, got {"contentType":"text/plain"}');
    expect(bad({ port: 'x' })).toThrow(SightlineConfigError);
  });

  it('never echoes a bad metrics token', () => {
    let message = '';
    try {
      resolveHandlerConfig({ metricsToken: 'secret value', env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('metricsToken must be a non-empty string without whitespace');
  });
});
