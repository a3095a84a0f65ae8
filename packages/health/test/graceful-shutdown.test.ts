// Graceful shutdown of a real process: SIGTERM, readiness 503 while liveness stays 200, in-flight
// requests complete, idle keep-alive connections do not hold the exit, exit status 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { get, type Reply } from './helpers.js';

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly events: string[];
  waitFor(event: string): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function startChild(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, [join(__dirname, 'fixtures/shutdown-server.cjs')], {
    env: { ...process.env, SIGHTLINE_LOG: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const events: string[] = [];
  const waiters: Array<{ event: string; resolve: () => void }> = [];
  let stderr = '';
  let port = 0;
  let buffered = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  proc.stdout.on('data', (c: Buffer) => {
    buffered += c.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const msg = JSON.parse(line) as { event: string; port?: number };
      if (msg.port) port = msg.port;
      events.push(msg.event);
      for (const w of waiters.filter((x) => x.event === msg.event)) w.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (event: string) =>
    events.includes(event)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ event, resolve });
          void exited.then(({ code }) => reject(new Error(`fixture exited (${code}) before "${event}": ${stderr}`)));
        });
  await waitFor('listening');
  return { proc, url: `http://127.0.0.1:${port}`, events, waitFor, exited };
}

describe('graceful shutdown in a child process', () => {
  it('after SIGTERM: readiness 503, liveness 200, in-flight request completes, idle keep-alive closed, exit 0', async () => {
    const child = await startChild({ FIXTURE_SHUTDOWN_DELAY_MS: '2500', FIXTURE_RENDER_MS: '3500' });
    expect((await get(child.url, '/health/ready')).status).toBe(200);

    // An idle keep-alive connection that must not hold the shutdown.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const keptAlive = await new Promise<number>((resolve, reject) => {
      request(`${child.url}/health/live`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(keptAlive).toBe(200);

    const inflight: Promise<Reply> = get(child.url, '/metrics');
    await child.waitFor('render-start');
    child.proc.kill('SIGTERM');
    await child.waitFor('sigterm');

    // During shutdownDelayMs: not ready, still alive.
    const ready = await get(child.url, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
    const live = await get(child.url, '/health/live');
    expect(live.status).toBe(200);
    expect(live.json()).toMatchObject({ status: 'alive' });

    const slow = await inflight;
    expect(slow.status).toBe(200);
    expect(slow.body).toBe('slow_metric 1\n');

    // Exit 0 means it finished inside shutdownTimeoutMs (8 s); past it the server exits 1.
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.events).toEqual(['listening', 'render-start', 'sigterm', 'shutdown-handler']);
    agent.destroy();
  }, 30_000);

  it('a client holding a request with unfinished headers does not hold the exit: exit 0 right after the delay', async () => {
    const child = await startChild({ FIXTURE_SHUTDOWN_DELAY_MS: '0', FIXTURE_RENDER_MS: '0' });
    const socket = connect(Number(new URL(child.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n'); // the headers never end
    child.proc.kill('SIGTERM');
    // 0: closed within shutdownTimeoutMs (8 s); before, it waited the whole timeout and exited 1.
    expect(await child.exited).toEqual({ code: 0, signal: null });
    socket.destroy();
  }, 30_000);

  it('logs a second signal and keeps stopping; a third exits at once with 128 + the signal number', async () => {
    const child = await startChild({ FIXTURE_SHUTDOWN_DELAY_MS: '60000', FIXTURE_RENDER_MS: '0' });
    child.proc.kill('SIGTERM');
    await child.waitFor('sigterm');
    expect((await get(child.url, '/health/ready')).status).toBe(503);
    child.proc.kill('SIGINT');
    await child.waitFor('sigint');
    // Still stopping gracefully: not ready, alive.
    expect(child.proc.exitCode).toBeNull();
    expect((await get(child.url, '/health/live')).status).toBe(200);
    // A different signal: a repeat of the same one at once would count as a runner's echo of one Ctrl-C.
    child.proc.kill('SIGTERM');
    // 143 (SIGTERM) rather than 0: the 60 s delay was cut short, the handlers never ran.
    expect(await child.exited).toEqual({ code: 143, signal: null });
    expect(child.events).toEqual(['listening', 'sigterm', 'sigint']);
  }, 30_000);
});
