// The setup README's path as a real process under load: SIGTERM turns readiness 503 within 100 ms,
// in-flight requests complete, the process exits 0; inside Kubernetes the shutdown delay is kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { get, type Reply } from '../helpers.js';

interface Child {
  readonly proc: ChildProcess;
  readonly app: string;
  readonly health: string;
  readonly events: string[];
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const events: string[] = [];
  let stderr = '';
  let buffered = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ports = await new Promise<{ app: number; health: number }>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const msg = JSON.parse(buffered.slice(0, nl)) as { event: string; app?: number; health?: number };
        buffered = buffered.slice(nl + 1);
        events.push(msg.event);
        if (msg.event === 'listening') resolve({ app: msg.app!, health: msg.health! });
      }
    });
    void exited.then(({ code }) => reject(new Error(`service exited (${code}) before listening: ${stderr}`)));
  });
  return { proc, app: `http://127.0.0.1:${ports.app}`, health: `http://127.0.0.1:${ports.health}`, events, exited };
}

/** Polls readiness until it is not 200; resolves with the time from `since` and the body. */
async function firstNotReady(url: string, since: number): Promise<{ afterMs: number; reply: Reply }> {
  for (;;) {
    const reply = await get(url, '/health/ready');
    if (reply.status !== 200) return { afterMs: performance.now() - since, reply };
  }
}

describe('setup() owns the process lifecycle (README path, child process)', () => {
  it('ready once start() resolved; under load SIGTERM gives readiness 503 within 100 ms, in-flight requests complete, exit 0', async () => {
    const child = await startService();
    expect((await get(child.health, '/health/ready')).json()).toMatchObject({ status: 'ready' });
    expect((await get(child.health, '/health/live')).status).toBe(200);

    // Load: 20 requests in flight on the app, each taking 600 ms.
    const inflight = Array.from({ length: 20 }, () => get(child.app, '/work?ms=600'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = performance.now();
    child.proc.kill('SIGTERM');
    const { afterMs, reply } = await firstNotReady(child.health, sent);
    expect(reply.status).toBe(503);
    expect(reply.json()).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
    expect(afterMs).toBeLessThan(100);

    const done = await Promise.all(inflight);
    expect(done.map((r) => `${r.status} ${r.body}`)).toEqual(Array.from({ length: 20 }, () => '200 done'));
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.events).toEqual(['listening', 'sigterm', 'before-shutdown', 'exit']);
  }, 30_000);

  it('a second SIGTERM 100 ms after the first is logged, not fatal: the graceful stop finishes and exits 0', async () => {
    const child = await startService();
    const slow = get(child.app, '/work?ms=1500');
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.proc.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.proc.kill('SIGTERM');
    expect(await slow).toMatchObject({ status: 200, body: 'done' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('a third signal exits at once with 128 + its number', async () => {
    const child = await startService();
    const slow = get(child.app, '/work?ms=20000').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = performance.now();
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGINT'] as const) {
      child.proc.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await child.exited).toEqual({ code: 130, signal: null });
    expect(performance.now() - sent).toBeLessThan(10_000);
    await slow;
  }, 30_000);

  it('a beacon never done holds the stop until shutdownTimeoutMs, then the process exits 1', async () => {
    const child = await startService({ FIXTURE_STUCK_BEACON: '1', FIXTURE_SHUTDOWN_TIMEOUT_MS: '1500' });
    const sent = performance.now();
    child.proc.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(performance.now() - sent).toBeGreaterThanOrEqual(1400);
    // beforeShutdown ran (the app closed) but the plugins never stopped: the beacon held them.
    expect(child.events).toEqual(['listening', 'sigterm', 'before-shutdown', 'exit']);
  }, 30_000);

  it('inside Kubernetes (KUBERNETES_SERVICE_HOST set) keeps serving for the 5 s shutdown delay with readiness 503, then exits 0', async () => {
    const child = await startService({ KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    const sent = performance.now();
    child.proc.kill('SIGTERM');
    const { reply } = await firstNotReady(child.health, sent);
    expect(reply.json()).toMatchObject({ reason: 'shutting_down' });
    // 3 s into the delay: the app still takes new requests (the load balancer may still send some).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await get(child.app, '/work?ms=0')).toMatchObject({ status: 200, body: 'done' });
    expect(child.events).not.toContain('before-shutdown');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - sent).toBeGreaterThanOrEqual(5000);
  }, 30_000);
});
