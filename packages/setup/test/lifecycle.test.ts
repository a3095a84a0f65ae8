// setup()'s lifecycle in process: the readiness rule, phases as plugins see them, beacons holding
// the stop, beforeShutdown, the shutdown delay, and the options that shape them. Signals and exit are
// tested on a real process in @sightline/health's setup-lifecycle test.
import type { LifecyclePhase, Plugin, PluginContext } from '@sightline/core';
import { SetupConfigError, setup } from '../src/index.js';
import { defaultShutdownDelayMs } from '../src/setup-options.js';
import { captureLogs, closed, fakePlugin } from './helpers.js';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs('debug');
});
afterEach(() => logs.restore());

/** A plugin that records every phase its context's lifecycle goes through. */
function phaseRecorder(phases: LifecyclePhase[]): Plugin {
  return {
    name: 'recorder',
    start(context: PluginContext) {
      phases.push(context.lifecycle!.phase);
      context.lifecycle!.onPhase((phase) => phases.push(phase));
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('setup() lifecycle', () => {
  it('is ready once start() resolves: plugins see starting, then ready, stopping and stopped', async () => {
    const phases: LifecyclePhase[] = [];
    const obs = setup({ service: 'orders', signals: false, plugins: [phaseRecorder(phases), fakePlugin('last', [])] });
    expect(obs.phase).toBe('starting');
    const starting = obs.start();
    expect(obs.phase).toBe('starting');
    await starting;
    expect(obs.phase).toBe('ready');
    await obs.close();
    expect(phases).toEqual(['starting', 'ready', 'stopping', 'stopped']);
  });

  it("with readiness 'manual' waits for markReady(); markNotReady() takes it out; markReady() once stopping is ignored", async () => {
    const phases: LifecyclePhase[] = [];
    const obs = setup({ service: 'orders', signals: false, readiness: 'manual', plugins: [phaseRecorder(phases)] });
    await obs.start();
    expect(obs.phase).toBe('starting');
    obs.markReady();
    obs.markNotReady();
    obs.markReady();
    const stopping = closed(obs);
    obs.markReady();
    await stopping;
    expect(phases).toEqual(['starting', 'ready', 'not_ready', 'ready', 'stopping', 'stopped']);
    expect(logs.records.some((r) => r.message === 'markReady() ignored: the service is stopping')).toBe(true);
  });

  it('close() waits for beforeShutdown and every beacon before closing any plugin', async () => {
    const journal: string[] = [];
    let closeServer!: () => void;
    const obs = setup({
      service: 'orders',
      signals: false,
      plugins: [fakePlugin('a', journal)],
      beforeShutdown: () =>
        new Promise<void>((resolve) => {
          journal.push('beforeShutdown');
          closeServer = resolve;
        }),
    });
    await obs.start();
    const job = obs.beacon({ job: 'export' });
    const stopped = closed(obs);
    await tick();
    expect(obs.phase).toBe('stopping');
    closeServer();
    await tick();
    expect(journal).toEqual(['start:a', 'beforeShutdown']); // the beacon still holds it
    expect(
      logs.records.some((r) => r.message === 'waiting for 1 beacon(s) before closing' && r.fields?.['beacons'] === '[{"job":"export"}]'),
    ).toBe(true);
    job.done();
    job.done(); // twice is harmless
    expect(await stopped).toEqual({ stopped: ['a'], failed: [], timedOut: [] });
    expect(journal).toEqual(['start:a', 'beforeShutdown', 'stop:a']);
  });

  it('a beacon never done, or a beforeShutdown that throws, delays the close by shutdownTimeoutMs at most', async () => {
    const journal: string[] = [];
    const obs = setup({
      service: 'orders',
      signals: false,
      shutdownTimeoutMs: 30,
      plugins: [fakePlugin('a', journal)],
      beforeShutdown: () => {
        throw new Error('server already closed');
      },
    });
    await obs.start();
    obs.beacon({ job: 'stuck' });
    expect(await closed(obs)).toEqual({ stopped: ['a'], failed: [], timedOut: [] });
    const warnings = logs.records.filter((r) => r.level === 'warn').map((r) => r.message);
    expect(warnings).toEqual([
      'beforeShutdown failed; closing the plugins anyway',
      'beforeShutdown and beacons did not finish within shutdownTimeoutMs (30 ms); closing the plugins anyway',
    ]);
  });

  it('close() turns readiness off at once, waits shutdownDelayMs, then closes the plugins; a second call is the same close', async () => {
    const journal: string[] = [];
    const obs = setup({ service: 'orders', signals: false, shutdownDelayMs: 50, plugins: [fakePlugin('a', journal)] });
    await obs.start();
    const closing = obs.close();
    expect(obs.phase).toBe('stopping');
    await tick();
    expect(journal).toEqual(['start:a']); // still in the delay
    expect(obs.stopReport).toBeUndefined();
    expect(obs.close()).toBe(closing);
    await closing;
    expect(obs.stopReport).toEqual({ stopped: ['a'], failed: [], timedOut: [] });
    expect(journal).toEqual(['start:a', 'stop:a']);
  });

  it('the shutdown delay defaults to 5000 ms inside Kubernetes and 0 elsewhere', () => {
    expect(defaultShutdownDelayMs({ KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toBe(5000);
    expect(defaultShutdownDelayMs({ KUBERNETES_SERVICE_HOST: '' })).toBe(0);
    expect(defaultShutdownDelayMs({})).toBe(0);
  });

  it('installs its signal listeners on start() and removes them after a programmatic close()', async () => {
    const before = process.listenerCount('SIGTERM');
    const obs = setup({ service: 'orders', plugins: [] });
    await obs.start();
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(0);
    await obs.close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    const none = setup({ service: 'orders', signals: false, plugins: [] });
    await none.start();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    await none.close();
  });

  it('refuses bad lifecycle options, naming them', () => {
    const base = { service: 'orders', plugins: [] };
    expect(() => setup({ ...base, readiness: 'later' as never })).toThrow(
      /option `readiness` in setup\(\): expected one of "start", "manual"/,
    );
    expect(() => setup({ ...base, signals: ['TERM'] as never })).toThrow(/signals\[0\]/);
    expect(() => setup({ ...base, signals: true as never })).toThrow(SetupConfigError);
    expect(() => setup({ ...base, shutdownDelayMs: -1 })).toThrow(/shutdownDelayMs/);
    expect(() => setup({ ...base, startTimeoutMs: 0 })).toThrow(/startTimeoutMs/);
    expect(() => setup({ ...base, beforeShutdown: 'close' as never })).toThrow(/beforeShutdown/);
    expect(() => setup({ ...base, beforeShutdwn: () => undefined } as never)).toThrow(/did you mean `beforeShutdown`/);
  });
});
