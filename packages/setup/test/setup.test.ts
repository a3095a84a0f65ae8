import type { HealthCheck, MetricsSource, Plugin, PluginContext } from '@sightline/core';
import { PluginStartError, SetupConfigError, SetupStateError, setup } from '../src/index.js';
import { captureLogs, closed, fakePlugin } from './helpers.js';

function source(body: string): MetricsSource {
  return { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: () => body };
}

function check(name: string, healthy = true): HealthCheck {
  return { name, check: () => Promise.resolve({ healthy }) };
}

describe('setup', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('validation', () => {
    const bad = (options: unknown) => () => setup(options as Parameters<typeof setup>[0]);

    it('refuses a missing or blank service name, naming the value', () => {
      expect(bad({ plugins: [] })).toThrow(
        new SetupConfigError('missing option `service` in setup(): expected a non-empty string naming the service, e.g. "orders"'),
      );
      expect(bad({ service: '  ', plugins: [] })).toThrow(
        'invalid option `service` in setup(): expected a non-empty string naming the service, e.g. "orders", got "  "',
      );
      expect(bad({ service: 'orders', plugins: [], servce: 'x' })).toThrow(
        new SetupConfigError('unknown option `servce` in setup(): did you mean `service`?'),
      );
      expect(bad(undefined)).toThrow(SetupConfigError);
    });

    it('refuses duplicate plugin names, naming the name and both positions', () => {
      const journal: string[] = [];
      expect(
        bad({
          service: 'orders',
          plugins: [fakePlugin('prometheus', journal), fakePlugin('health', journal), fakePlugin('prometheus', journal)],
        }),
      ).toThrow(
        new SetupConfigError(
          'invalid option `plugins[2].name` in setup(): duplicate plugin name "prometheus", also at plugins[0]; each plugin may be given once',
        ),
      );
    });

    it('refuses plugins that are not plugins, and bad option values', () => {
      expect(bad({ service: 'orders' })).toThrow(
        'missing option `plugins` in setup(): expected an array of plugins, e.g. [prometheus(), health()]',
      );
      expect(bad({ service: 'orders', plugins: [null] })).toThrow(
        'invalid option `plugins[0]` in setup(): expected a plugin object ({ name, hooks?, sensor?, ... }), got null',
      );
      expect(bad({ service: 'orders', plugins: [{ name: '' }] })).toThrow(
        'invalid option `plugins[0].name` in setup(): expected a non-empty string, got ""',
      );
      expect(bad({ service: 'orders', plugins: [{ name: 'x', start: 'now' }] })).toThrow(
        'invalid option `plugins[0].start` in setup(): expected a function, got "now"',
      );
      expect(bad({ service: 'orders', plugins: [{ name: 'x', metrics: { render: () => '' } }] })).toThrow(
        'invalid option `plugins[0].metrics` in setup(): expected a MetricsSource ({ contentType: string, render() }) (got an object)',
      );
      expect(bad({ service: 'orders', plugins: [{ name: 'x', healthChecks: check('db') }] })).toThrow(
        'invalid option `plugins[0].healthChecks` in setup(): expected an array of health checks, got an object',
      );
      expect(bad({ service: 'orders', plugins: [], stopTimeoutMs: -1 })).toThrow(
        'invalid option `stopTimeoutMs` in setup(): expected a finite number > 0, got -1',
      );
      expect(bad({ service: 'orders', plugins: [], version: 2 })).toThrow('invalid option `version` in setup(): expected a string, got 2');
    });
  });

  it('fans hooks out to every plugin that has them, in plugin order, and no hook throws into the caller', () => {
    const calls: string[] = [];
    const obs = setup({
      service: 'orders',
      plugins: [
        {
          name: 'a',
          hooks: {
            onRequest: (op, s) => void calls.push(`a.onRequest(${op},${s})`),
            onError: (op, t) => void calls.push(`a.onError(${op},${t})`),
          },
        },
        { name: 'no-hooks' },
        {
          name: 'broken',
          hooks: {
            onRequest: () => {
              throw new Error('hook bug');
            },
          },
        },
        {
          name: 'c',
          hooks: {
            onRequest: (op, s) => void calls.push(`c.onRequest(${op},${s})`),
            onWsConnect: (addr) => void calls.push(`c.onWsConnect(${addr})`),
          },
        },
      ],
    });
    obs.hooks.onRequest('order.create', 0.25);
    obs.hooks.onError('order.get', 'NotFound');
    obs.hooks.onWsConnect('127.0.0.1:5000');
    obs.hooks.onWsMessageSent('order.get', 10); // nobody listens: a no-op
    expect(calls).toEqual([
      'a.onRequest(order.create,0.25)',
      'c.onRequest(order.create,0.25)',
      'a.onError(order.get,NotFound)',
      'c.onWsConnect(127.0.0.1:5000)',
    ]);
  });

  it("fans sensor events out to every plugin's sensor in order, isolating and counting one that throws", () => {
    const seen: string[] = [];
    const obs = setup({
      service: 'orders',
      plugins: [
        {
          name: 'monitor',
          sensor: { onMessageIn: (tp, o) => void seen.push(`monitor:${tp}@${o}`), asDict: () => ({ messagesIn: seen.length }) },
        },
        {
          name: 'flaky',
          sensor: {
            onMessageIn: () => {
              throw new Error('flaky sensor');
            },
          },
        },
        { name: 'logging', sensor: { onMessageIn: (tp, o) => void seen.push(`logging:${tp}@${o}`) } },
      ],
    });
    obs.sensor.onMessageIn('orders/0', 10, {});
    obs.sensor.onMessageIn('orders/1', 11, {});
    expect(seen).toEqual(['monitor:orders/0@10', 'logging:orders/0@10', 'monitor:orders/1@11', 'logging:orders/1@11']);
    expect(obs.sensorFailures()).toEqual({ flaky: { onMessageIn: 2 } });
    expect(obs.snapshot()).toEqual({ monitor: { messagesIn: 4 } });
    expect(logs.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      'sensor onMessageIn of plugin "flaky" threw; suppressed (logged once, counted)',
    ]);
  });

  it("combines the plugins' metrics sources in plugin order, and has none when no plugin brings one", async () => {
    const obs = setup({
      service: 'orders',
      plugins: [
        { name: 'prom', metrics: source('# TYPE a counter\na 1\n') },
        { name: 'plain' },
        { name: 'stats-server', metrics: source('# TYPE b gauge\nb 2') },
      ],
    });
    expect(obs.metrics?.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await obs.metrics?.render()).toBe('# TYPE a counter\na 1\n# TYPE b gauge\nb 2\n');
    expect(setup({ service: 'orders', plugins: [{ name: 'plain' }] }).metrics).toBeUndefined();
  });

  it('collects every health check in plugin order', () => {
    const db = check('db');
    const lag = check('lag');
    const mem = check('memory');
    const obs = setup({
      service: 'orders',
      plugins: [{ name: 'a', healthChecks: [db, lag] }, { name: 'b' }, { name: 'c', healthChecks: [mem] }],
    });
    expect(obs.healthChecks).toEqual([db, lag, mem]);
    expect(obs.plugins).toEqual(['a', 'b', 'c']);
  });

  it('starts plugins in order, each with a context carrying the service, the combined hooks and sensor, every source and check, and a snapshot', async () => {
    const journal: string[] = [];
    const metrics = source('x 1\n');
    const db = check('db');
    const a = fakePlugin('a', journal, { extra: { metrics, sensor: { asDict: () => ({ a: 1 }) } } });
    const b = fakePlugin('b', journal, { extra: { healthChecks: [db] } });
    const obs = setup({ service: 'orders', version: '1.2.0', environment: 'staging', plugins: [a, b] });
    expect(obs.service).toBe('orders');
    expect(obs.version).toBe('1.2.0');
    expect(obs.environment).toBe('staging');
    await obs.start();
    expect(journal).toEqual(['start:a', 'start:b']);
    for (const [plugin, ctx] of [
      ['a', a.context],
      ['b', b.context],
    ] as const) {
      const c = ctx as PluginContext;
      expect([c.service, c.version, c.environment]).toEqual(['orders', '1.2.0', 'staging']);
      expect(c.hooks).toBe(obs.hooks);
      expect(c.sensor).toBe(obs.sensor);
      expect(c.metricsSources).toEqual([metrics]);
      expect(c.healthChecks).toEqual([db]);
      expect(c.snapshot()).toEqual({ a: { a: 1 } });
      expect(c.logger.name).toBe(`sightline.setup.${plugin}`);
    }
    await obs.close();
  });

  it('leaves version and environment out of the context when not given', async () => {
    const journal: string[] = [];
    const a = fakePlugin('a', journal);
    await setup({ service: 'orders', plugins: [a] }).start();
    expect('version' in a.context!).toBe(false);
    expect('environment' in a.context!).toBe(false);
  });

  it('when a plugin fails to start, closes those already started in reverse order and rejects with an error naming it', async () => {
    const journal: string[] = [];
    const cause = new Error('listen EADDRINUSE 127.0.0.1:9464');
    const obs = setup({
      service: 'orders',
      plugins: [
        fakePlugin('otel', journal),
        fakePlugin('prometheus', journal),
        fakePlugin('health', journal, { startError: cause }),
        fakePlugin('stats', journal),
      ],
    });
    const error = await obs.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginStartError);
    expect((error as PluginStartError).message).toBe('Plugin "health" (3 of 4) failed to start: Error: listen EADDRINUSE 127.0.0.1:9464');
    expect((error as PluginStartError).plugin).toBe('health');
    expect((error as PluginStartError).cause).toBe(cause);
    expect(journal).toEqual(['start:otel', 'start:prometheus', 'start:health', 'stop:prometheus', 'stop:otel']);
    expect(logs.records.filter((r) => r.level === 'error').map((r) => [r.logger, r.message])).toEqual([
      ['sightline.setup', 'Plugin "health" (3 of 4) failed to start: Error: listen EADDRINUSE 127.0.0.1:9464'],
    ]);
    // Nothing is left to stop, and start() keeps reporting the same failure.
    expect(await closed(obs)).toEqual({ stopped: [], failed: [], timedOut: [] });
    await expect(obs.start()).rejects.toThrow(SetupStateError);
    expect(journal).toHaveLength(5);
  });

  it('reports a plugin whose start throws synchronously the same way', async () => {
    const journal: string[] = [];
    const obs = setup({
      service: 'orders',
      plugins: [
        fakePlugin('a', journal),
        {
          name: 'sync',
          start: () => {
            throw new TypeError('bad config');
          },
        },
      ],
    });
    await expect(obs.start()).rejects.toThrow('Plugin "sync" (2 of 2) failed to start: TypeError: bad config');
    expect(journal).toEqual(['start:a', 'stop:a']);
  });

  it('closes in reverse order; close() twice returns the same promise and closes nothing twice', async () => {
    const journal: string[] = [];
    const obs = setup({ service: 'orders', plugins: ['a', 'b', 'c'].map((n) => fakePlugin(n, journal)) });
    await obs.start();
    const first = obs.close();
    const second = obs.close();
    expect(second).toBe(first);
    await first;
    expect(obs.stopReport).toEqual({ stopped: ['c', 'b', 'a'], failed: [], timedOut: [] });
    expect(await closed(obs)).toEqual({ stopped: ['c', 'b', 'a'], failed: [], timedOut: [] });
    expect(journal).toEqual(['start:a', 'start:b', 'start:c', 'stop:c', 'stop:b', 'stop:a']);
  });

  it('abandons a close that exceeds stopTimeoutMs with a warning and goes on to the next plugin', async () => {
    const journal: string[] = [];
    const obs = setup({
      service: 'orders',
      stopTimeoutMs: 20,
      plugins: [fakePlugin('a', journal), fakePlugin('hang', journal, { hangOnStop: true }), fakePlugin('c', journal)],
    });
    await obs.start();
    expect(await closed(obs)).toEqual({ stopped: ['c', 'a'], failed: [], timedOut: ['hang'] });
    expect(journal).toEqual(['start:a', 'start:hang', 'start:c', 'stop:c', 'stop:hang', 'stop:a']);
    expect(logs.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      'plugin "hang" did not close within 20 ms; abandoned',
    ]);
  });

  it('logs a close that fails and closes the others; close() itself never rejects', async () => {
    const journal: string[] = [];
    const obs = setup({
      service: 'orders',
      plugins: [fakePlugin('a', journal), fakePlugin('b', journal, { stopError: new Error('close failed') })],
    });
    await obs.start();
    expect(await closed(obs)).toEqual({ stopped: ['a'], failed: ['b'], timedOut: [] });
    expect(logs.records.filter((r) => r.level === 'warn').map((r) => [r.message, r.fields?.['error']])).toEqual([
      ['plugin "b" failed to close', 'Error: close failed'],
    ]);
  });

  it('start() twice starts once (same promise); start() after close() is an error', async () => {
    const journal: string[] = [];
    const obs = setup({ service: 'orders', plugins: [fakePlugin('a', journal)] });
    const first = obs.start();
    expect(obs.start()).toBe(first);
    await first;
    await obs.start();
    expect(journal).toEqual(['start:a']);
    await obs.close();
    await expect(obs.start()).rejects.toThrow(
      new SetupStateError('start() after close(): a closed setup cannot start again; create a new one'),
    );
    expect(journal).toEqual(['start:a', 'stop:a']);
  });

  it('close() during start() lets the current plugin finish, starts no more, and closes what started', async () => {
    const journal: string[] = [];
    let release!: () => void;
    const slow: Plugin = {
      name: 'slow',
      start: () => new Promise<void>((resolve) => (release = resolve)).then(() => void journal.push('start:slow')),
      close: () => void journal.push('stop:slow'),
    };
    const obs = setup({ service: 'orders', plugins: [slow, fakePlugin('next', journal)] });
    const starting = obs.start();
    const stopping = closed(obs);
    release();
    await expect(starting).rejects.toThrow(new SetupStateError('close() was called while starting; not started: "next"'));
    expect(await stopping).toEqual({ stopped: ['slow'], failed: [], timedOut: [] });
    expect(journal).toEqual(['start:slow', 'stop:slow']);
  });

  it('close() waits at most stopTimeoutMs for a start that hangs: both settle, what started closes, and the late plugin closes once it starts', async () => {
    const journal: string[] = [];
    let release!: () => void;
    const stuck: Plugin = {
      name: 'stuck',
      start: () => new Promise<void>((resolve) => (release = resolve)).then(() => void journal.push('start:stuck')),
      close: () => void journal.push('stop:stuck'),
    };
    const obs = setup({ service: 'orders', stopTimeoutMs: 20, plugins: [fakePlugin('a', journal), stuck, fakePlugin('c', journal)] });
    const starting = obs.start().catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve)); // let "a" start and "stuck" begin
    expect(await closed(obs)).toEqual({ stopped: ['a'], failed: [], timedOut: [] });
    // start() settles too, although the plugin's start never has.
    expect(await starting).toEqual(new SetupStateError('close() was called while starting "stuck"; not started: "c"'));
    expect(logs.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      'plugin "stuck" did not finish starting within 20 ms of close(); closing the plugins already started',
    ]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal).toEqual(['start:a', 'stop:a', 'start:stuck', 'stop:stuck']);
  });

  it('a plugin whose start() never settles fails start() with PluginStartError after startTimeoutMs, and what started is stopped', async () => {
    const journal: string[] = [];
    const never: Plugin = { name: 'never', start: () => new Promise<void>(() => undefined) };
    const obs = setup({ service: 'orders', startTimeoutMs: 30, plugins: [fakePlugin('a', journal), never, fakePlugin('c', journal)] });
    const error = (await obs.start().catch((e: unknown) => e)) as PluginStartError;
    expect(error).toBeInstanceOf(PluginStartError);
    expect(error.plugin).toBe('never');
    expect(error.message).toBe('Plugin "never" (2 of 3) failed to start: Error: start() did not settle within startTimeoutMs (30 ms)');
    expect(journal).toEqual(['start:a', 'stop:a']);
    expect(await closed(obs)).toEqual({ stopped: [], failed: [], timedOut: [] });
  });

  it('close() during a start that never settles settles both: start() rejects with SetupStateError', async () => {
    const journal: string[] = [];
    const never: Plugin = { name: 'never', start: () => new Promise<void>(() => undefined) };
    const obs = setup({ service: 'orders', stopTimeoutMs: 20, plugins: [fakePlugin('a', journal), never] });
    const starting = obs.start().catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    const [report, startError] = await Promise.all([closed(obs), starting]);
    expect(report).toEqual({ stopped: ['a'], failed: [], timedOut: [] });
    expect(startError).toBeInstanceOf(SetupStateError);
    expect(obs.phase).toBe('stopped');
  });

  it('close() before start() closes nothing', async () => {
    const journal: string[] = [];
    const obs = setup({ service: 'orders', plugins: [fakePlugin('a', journal)] });
    expect(await closed(obs)).toEqual({ stopped: [], failed: [], timedOut: [] });
    expect(journal).toEqual([]);
  });

  it('closes at the end of an `await using` scope', async () => {
    const journal: string[] = [];
    {
      await using obs = setup({ service: 'orders', plugins: [fakePlugin('a', journal), fakePlugin('b', journal)] });
      await obs.start();
      expect(journal).toEqual(['start:a', 'start:b']);
    }
    expect(journal).toEqual(['start:a', 'start:b', 'stop:b', 'stop:a']);
  });

  it('works with only two plugins: a metrics backend and a health server that serves its source', async () => {
    const calls: string[] = [];
    let requests = 0;
    // Shaped like prometheus(): hooks that count, a MetricsSource rendering them.
    const metricsPlugin: Plugin = {
      name: 'prometheus',
      hooks: { onRequest: () => void requests++ },
      metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: () => `requests_total ${requests}\n` },
    };
    // Shaped like health(): serves whatever sources and checks the others bring, without importing them.
    let served: (() => Promise<string>) | undefined;
    const healthPlugin: Plugin = {
      name: 'health',
      healthChecks: [check('self')],
      start(ctx) {
        calls.push(`health sees ${ctx.metricsSources.length} source(s), ${ctx.healthChecks.length} check(s)`);
        served = async () => (await Promise.all(ctx.metricsSources.map((s) => Promise.resolve(s.render())))).join('');
      },
      close: () => void calls.push('health stopped'),
    };
    const obs = setup({ service: 'orders', plugins: [metricsPlugin, healthPlugin] });
    await obs.start();
    obs.hooks.onRequest('order.create', 0.01);
    obs.hooks.onRequest('order.get', 0.02);
    expect(await served!()).toBe('requests_total 2\n');
    expect(await obs.metrics!.render()).toBe('requests_total 2\n');
    expect(await closed(obs)).toEqual({ stopped: ['health', 'prometheus'], failed: [], timedOut: [] });
    expect(calls).toEqual(['health sees 1 source(s), 1 check(s)', 'health stopped']);
  });

  it('accepts no plugins at all (everything turned off): hooks and sensor are safe no-ops', async () => {
    const obs = setup({ service: 'orders', plugins: [] });
    await obs.start();
    expect(() => obs.hooks.onRequest('x', 1)).not.toThrow();
    expect(obs.sensor.onStreamEventIn('t', 0, null, null)).toBeUndefined();
    expect(typeof obs.sensor.onCommitInitiated(null)).toBe('number');
    expect(obs.metrics).toBeUndefined();
    expect(await closed(obs)).toEqual({ stopped: [], failed: [], timedOut: [] });
  });
  it("hands each plugin sensor's own state object, unchanged through setup(), to its completed and error callbacks", () => {
    // A sensor whose opening callbacks return an object of its own.
    const got: unknown[][] = [];
    const faust = (label: string) => ({
      commit: { label, what: 'commit' },
      send: { label, what: 'send' },
      onCommitInitiated() {
        return this.commit;
      },
      onCommitCompleted(_consumer: unknown, state: unknown) {
        got.push([label, 'commit', state]);
      },
      onSendInitiated() {
        return this.send;
      },
      onSendError(_producer: unknown, _error: unknown, state: unknown) {
        got.push([label, 'sendError', state]);
      },
    });
    const a = faust('a');
    const b = faust('b');
    // A sensor timing with a number, as Sightline's own do: it gets its own start time back.
    const timing = {
      commits: [] as unknown[],
      onCommitInitiated: () => 5,
      onCommitCompleted: (_c: unknown, state: unknown) => void timing.commits.push(state),
    };
    const { sensor } = setup({
      service: 'orders',
      plugins: [
        { name: 'a', sensor: a },
        { name: 't', sensor: timing },
        { name: 'b', sensor: b },
      ],
    });
    sensor.onCommitCompleted(null, sensor.onCommitInitiated(null));
    sensor.onSendError(null, new Error('down'), sensor.onSendInitiated(null, 'orders', {}));
    expect(got).toEqual([
      ['a', 'commit', a.commit],
      ['b', 'commit', b.commit],
      ['a', 'sendError', a.send],
      ['b', 'sendError', b.send],
    ]);
    expect(timing.commits).toEqual([5]);
  });
});
