import { setLogLevel, setLogSink, type LogRecord } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';
import { CheckAggregator, CheckCalls, runCheck, runChecks } from '../src/check-aggregator.js';
import { HealthConfigError } from '../src/index.js';
import { countingCheck, hangingCheck, quietLogs } from './helpers.js';

quietLogs();

describe('runCheck', () => {
  it('reports a passing check with its message and details', async () => {
    const outcome = await runCheck(countingCheck('db', { healthy: true, message: 'ok', details: { pool: 4 } }), 1000);
    expect(outcome).toMatchObject({ name: 'db', healthy: true, critical: true, timedOut: false, message: 'ok', details: { pool: 4 } });
    expect(Number.isInteger(outcome.durationMs)).toBe(true);
  });

  it('fails a check that hangs as timed out after its own timeoutMs, which wins over the default', async () => {
    const hang = hangingCheck('queue', { timeoutMs: 20 });
    const outcome = await runCheck(hang, 60_000);
    expect(outcome).toEqual({
      name: 'queue',
      healthy: false,
      critical: true,
      timedOut: true,
      message: 'timed out after 20ms',
      durationMs: 20,
    });
    hang.release();
  });

  it('joins a check still running from an earlier round instead of calling it again', async () => {
    const hang = hangingCheck('slow');
    const calls = new CheckCalls();
    await runCheck(hang, 10, calls);
    await runCheck(hang, 10, calls);
    expect(hang.calls).toBe(1);
    hang.release({ healthy: true });
    await new Promise((r) => setImmediate(r));
    expect((await runCheck(hang, 10, calls)).timedOut).toBe(true);
    expect(hang.calls).toBe(2);
    hang.release();
  });

  it('reports a check that throws by its error type only, never its message', async () => {
    const outcome = await runCheck(
      {
        name: 'db',
        check: () => Promise.reject(new TypeError('postgres://user:secret@db')),
      },
      1000,
    );
    expect(outcome).toMatchObject({ healthy: false, timedOut: false, message: 'threw TypeError' });
    const sync = await runCheck(
      {
        name: 'db',
        check: () => {
          throw new RangeError('x');
        },
      },
      1000,
    );
    expect(sync.message).toBe('threw RangeError');
  });

  it('fails a check that returns something other than a HealthResult', async () => {
    const outcome = await runCheck({ name: 'db', check: () => Promise.resolve('yes' as never) }, 1000);
    expect(outcome).toMatchObject({ healthy: false, message: 'returned an invalid result (expected { healthy: boolean })' });
  });
});

describe('runChecks', () => {
  it('runs checks concurrently: every check is called before any finishes', async () => {
    const a = hangingCheck('a');
    const b = hangingCheck('b');
    const done = runChecks([a, b], 1000);
    expect([a.calls, b.calls]).toEqual([1, 1]);
    a.release({ healthy: true });
    b.release({ healthy: false, message: 'lag 9000' });
    const report = await done;
    expect(report.healthy).toBe(false);
    expect(report.failed).toEqual(['b']);
    expect(report.results.map((r) => [r.name, r.healthy, r.message])).toEqual([
      ['a', true, undefined],
      ['b', false, 'lag 9000'],
    ]);
  });

  it('does not let a hanging check hold the others', async () => {
    const hang = hangingCheck('hang', { timeoutMs: 15 });
    const report = await runChecks([countingCheck('fast'), hang], 1000);
    expect(report.failed).toEqual(['hang']);
    expect(report.results[0]).toMatchObject({ name: 'fast', healthy: true });
    hang.release();
  });

  it('reports a failing non-critical check without failing the report', async () => {
    const report = await runChecks([countingCheck('cache', { healthy: false }, { critical: false })], 1000);
    expect(report.healthy).toBe(true);
    expect(report.failed).toEqual([]);
    expect(report.results[0]).toMatchObject({ name: 'cache', healthy: false, critical: false });
  });

  it('is healthy with no checks', async () => {
    expect(await runChecks([], 1000)).toEqual({ healthy: true, failed: [], results: [] });
  });
});

describe('CheckAggregator', () => {
  it('reuses a report for cacheMs: two runs call each check once', async () => {
    const db = countingCheck('db');
    const agg = new CheckAggregator({ checks: [db], cacheMs: 60_000, checkTimeoutMs: 1000 });
    const first = await agg.run();
    const second = await agg.run();
    expect(second).toBe(first);
    expect(db.calls).toBe(1);
    expect(agg.cached()).toBe(first);
  });

  it('runs the checks every time with cacheMs 0', async () => {
    const db = countingCheck('db');
    const agg = new CheckAggregator({ checks: [db], cacheMs: 0, checkTimeoutMs: 1000 });
    await agg.run();
    await agg.run();
    expect(db.calls).toBe(2);
    expect(agg.cached()).toBeUndefined();
  });

  it('shares one run between concurrent callers', async () => {
    const hang = hangingCheck('db');
    const agg = new CheckAggregator({ checks: [hang], cacheMs: 0, checkTimeoutMs: 1000 });
    const a = agg.run();
    const b = agg.run();
    hang.release({ healthy: true });
    expect(await a).toBe(await b);
    expect(hang.calls).toBe(1);
  });

  it('drops the cached report when a check is added or removed', async () => {
    const db = countingCheck('db');
    const agg = new CheckAggregator({ checks: [db], cacheMs: 60_000, checkTimeoutMs: 1000 });
    await agg.run();
    agg.add(countingCheck('queue', { healthy: false }));
    expect(agg.cached()).toBeUndefined();
    expect((await agg.run()).failed).toEqual(['queue']);
    expect(agg.remove('queue')).toBe(true);
    expect(agg.remove('queue')).toBe(false);
    expect((await agg.run()).healthy).toBe(true);
    expect(db.calls).toBe(3);
    expect(agg.names).toEqual(['db']);
  });

  it('rejects a second check with the same name', () => {
    const agg = new CheckAggregator({ checks: [countingCheck('db')], cacheMs: 1000, checkTimeoutMs: 1000 });
    expect(() => agg.add(countingCheck('db'))).toThrow(
      new HealthConfigError('a check named "db" is already registered: names must be unique'),
    );
  });
});

describe('CheckAggregator logging', () => {
  afterEach(() => resetLogging({}));

  it('logs a failure when it starts and when it ends, not on every run', async () => {
    const records: LogRecord[] = [];
    resetLogging({});
    setLogSink((r) => records.push(r));
    setLogLevel('sightline.health', 'info');
    let healthy = false;
    const agg = new CheckAggregator({
      checks: [{ name: 'db', check: () => Promise.resolve({ healthy, message: 'refused' }) }],
      cacheMs: 0,
      checkTimeoutMs: 1000,
    });
    await agg.run();
    await agg.run();
    healthy = true;
    await agg.run();
    await agg.run();
    expect(records.map((r) => [r.level, r.message, r.fields])).toEqual([
      ['warn', 'health check failing', { check: 'db', critical: true, reason: 'refused' }],
      ['info', 'health check passing again', { check: 'db' }],
    ]);
  });
});
