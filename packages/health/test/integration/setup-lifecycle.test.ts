// The setup README's path as a real process under load: SIGTERM turns readiness 503 while requests
// are still in flight, they complete, the process exits 0; inside Kubernetes the shutdown delay is
// kept. Requests are held by the fixture until the test releases them, so nothing here depends on
// how fast the machine is.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { get, type Reply } from '../helpers.js';

interface Child {
  readonly proc: ChildProcess;
  readonly app: string;
  readonly health: string;
  readonly events: string[];
  /** Resolves once `count` events named `event` have been reported. */
  waitFor(event: string, count?: number): Promise<void>;
  /** Lets every held request answer. */
  release(): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function startService(env: Record<string, string> = {}): Promise<Child> {
  const childEnv: Record<string, string | undefined> = { ...process.env, SIGHTLINE_LOG: 'silent', ...env };
  if (env['KUBERNETES_SERVICE_HOST'] === undefined) delete childEnv['KUBERNETES_SERVICE_HOST'];
  const proc = spawn(process.execPath, [join(__dirname, '../fixtures/setup-service.cjs')], {
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(proc);
  const events: string[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let buffered = '';
  let ports = { app: 0, health: 0 };
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  proc.stdout.on('data', (c: Buffer) => {
    buffered += c.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const msg = JSON.parse(buffered.slice(0, nl)) as { event: string; app?: number; health?: number };
      buffered = buffered.slice(nl + 1);
      if (msg.event === 'listening') ports = { app: msg.app!, health: msg.health! };
      events.push(msg.event);
      for (const wake of waiters.splice(0)) wake();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (event: string, count = 1): Promise<void> => {
    while (events.filter((e) => e === event).length < count) {
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        void exited.then(({ code }) => reject(new Error(`service exited (${code}) before "${event}" x${count}: ${stderr}`)));
      });
    }
  };
  await waitFor('listening');
  return {
    proc,
    app: `http://127.0.0.1:${ports.app}`,
    health: `http://127.0.0.1:${ports.health}`,
    events,
    waitFor,
    release: () => proc.stdin.write('release\n'),
    exited,
  };
}

/** Polls readiness until it is not 200. */
async function firstNotReady(url: string): Promise<Reply> {
  for (;;) {
    const reply = await get(url, '/health/ready');
    if (reply.status !== 200) return reply;
  }
}

describe('setup() owns the process lifecycle (README path, child process)', () => {
  it('ready once start() resolved; SIGTERM gives readiness 503 while requests are in flight, they complete, exit 0', async () => {
    const child = await startService();
    expect((await get(child.health, '/health/ready')).json()).toMatchObject({ status: 'ready' });
    expect((await get(child.health, '/health/live')).status).toBe(200);

    // Load: 20 requests held in flight on the app.
    const inflight = Array.from({ length: 20 }, () => get(child.app, '/work?hold=1'));
    await child.waitFor('held', 20);
    child.proc.kill('SIGTERM');
    const reply = await firstNotReady(child.health);
    expect(reply.status).toBe(503);
    expect(reply.json()).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
    expect((await get(child.health, '/health/live')).status).toBe(200);

    child.release();
    const done = await Promise.all(inflight);
    expect(done.map((r) => `${r.status} ${r.body}`)).toEqual(Array.from({ length: 20 }, () => '200 done'));
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.events.filter((e) => e !== 'held')).toEqual(['listening', 'sigterm', 'before-shutdown', 'exit']);
  }, 60_000);

  it('a second SIGTERM during the stop is logged, not fatal: the graceful stop finishes and exits 0', async () => {
    const child = await startService();
    const slow = get(child.app, '/work?hold=1');
    await child.waitFor('held');
    child.proc.kill('SIGTERM');
    await child.waitFor('sigterm');
    child.proc.kill('SIGTERM');
    await child.waitFor('sigterm', 2);
    child.release();
    expect(await slow).toMatchObject({ status: 200, body: 'done' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('a third signal exits at once with 128 + its number', async () => {
    const child = await startService();
    // Never released: without the third signal the stop would wait for it until shutdownTimeoutMs
    // (25 s) and exit 1.
    const slow = get(child.app, '/work?hold=1').catch((e: unknown) => e);
    await child.waitFor('held');
    child.proc.kill('SIGTERM');
    await child.waitFor('sigterm');
    child.proc.kill('SIGINT');
    await child.waitFor('sigint');
    // A different signal: a repeat of the same one at once would count as a runner's echo of one Ctrl-C.
    child.proc.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 143, signal: null });
    await slow;
  }, 60_000);

  it('a beacon never done holds the stop until shutdownTimeoutMs, then the process exits 1', async () => {
    const child = await startService({ FIXTURE_STUCK_BEACON: '1', FIXTURE_SHUTDOWN_TIMEOUT_MS: '1500' });
    child.proc.kill('SIGTERM');
    // 1, not 0: the stop never finished. beforeShutdown ran (the app closed) but the plugins never
    // stopped: the beacon held them.
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.events).toEqual(['listening', 'sigterm', 'before-shutdown', 'exit']);
  }, 60_000);

  it('inside Kubernetes (KUBERNETES_SERVICE_HOST set) keeps serving during the shutdown delay with readiness 503, then exits 0', async () => {
    const child = await startService({ KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    child.proc.kill('SIGTERM');
    expect((await firstNotReady(child.health)).json()).toMatchObject({ reason: 'shutting_down' });
    // Within the 5 s delay: the app still takes new requests (the load balancer may still send
    // some); beforeShutdown, which closes it, has not run.
    expect(await get(child.app, '/work')).toMatchObject({ status: 200, body: 'done' });
    expect(child.events).not.toContain('before-shutdown');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.events).toEqual(['listening', 'sigterm', 'before-shutdown', 'exit']);
  }, 60_000);
});
