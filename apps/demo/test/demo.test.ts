// The demo as a user runs it: the built program, real ports, real HTTP, real signals.
import { once } from 'node:events';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { runDemo, startDemoProcess, sumSamples, type DemoProcess } from './demo-process.js';

async function metricsText(url: string): Promise<string> {
  const res = await fetch(url, { headers: { accept: 'text/plain' } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('the demo', () => {
  let demo: DemoProcess | undefined;

  afterEach(() => {
    if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
    demo = undefined;
  });

  it('serves non-zero HTTP, queue, sensor and stats-server metrics, is ready, and exits 0 on SIGINT', async () => {
    demo = await startDemoProcess(['--rate', '40', '--summary-every', '1']);
    const names = {
      http: 'http_requests_total',
      queue: 'queue_items_processed_total',
      sensor: 'sightline_messages_received_total',
      stats: 'stats_demo_orders_created_total',
      cache: 'cache_hits_total',
      // Deliberate failures move the error metrics.
      errors: 'sightline_request_errors_total',
    };
    let text = '';
    const deadline = Date.now() + 15_000;
    for (;;) {
      text = await metricsText(demo.urls.metrics);
      const values = Object.values(names).map((n) => sumSamples(text, n));
      if (values.every((v) => v > 0) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const name of Object.values(names)) expect({ name, positive: sumSamples(text, name) > 0 }).toEqual({ name, positive: true });
    expect(sumSamples(text, 'queue_items_processed_total', /queue_name="orders"/)).toBeGreaterThan(0);
    expect(sumSamples(text, 'http_requests_total', /endpoint="\/orders\/:id"/)).toBeGreaterThan(0);
    expect(sumSamples(text, 'sightline_request_errors_total', /error_type="InvalidOrderError"/)).toBeGreaterThan(0);
    // Every metric the README's tour names has samples, consumer lag included.
    expect(text).toMatch(/^sightline_consumer_lag\{topic="orders",partition="\d+"\} \d+/m);

    const ready = await fetch(demo.urls.ready);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const live = await fetch(demo.urls.live);
    expect(live.status).toBe(200);
    // The live status page is served beside them, and its stream carries the demo's request rates.
    const page = await fetch(demo.urls.status);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/status/status.js');
    // node:http without an agent: closing the stream closes its socket, and no spare one is opened.
    const eventsUrl = `${demo.urls.status}/events`;
    const streamed = await new Promise<string>((resolve, reject) => {
      let text = '';
      const req = get(eventsUrl, { agent: false }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('requests|sightline_request_duration_seconds|order.create')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
      setTimeout(() => {
        req.destroy();
        resolve(text);
      }, 5_000);
    });
    expect(streamed).toContain('requests|sightline_request_duration_seconds|order.create');
    // The summary line comes every second (--summary-every 1); the metrics may be ready before the first.
    const summaryLine = /\[\s*\d+s\] orders\/s [\d.]+ \| p95 order\.create [\d.]+ ms \| queue depth \d+ \| errors \d+/;
    const stdout = demo.child.stdout!;
    while (!summaryLine.test(demo.stdout())) await once(stdout, 'data');
    expect(demo.stdout()).toMatch(summaryLine);

    // Ctrl-C: a clean stop (the test's own timeout bounds how long it may take).
    demo.child.kill('SIGINT');
    const exit = await demo.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(demo.stdout()).toContain('Stopped cleanly');
    expect(demo.stderr()).toBe('');
  }, 40_000);

  it('a second SIGTERM during the stop does not cut the graceful stop short: exit 0, stopped cleanly', async () => {
    demo = await startDemoProcess(['--rate', '20']);
    demo.child.kill('SIGTERM');
    // Stopping (the 200 ms shutdown delay keeps the servers up): readiness says so.
    let ready = await fetch(demo.urls.ready);
    while (ready.status === 200) ready = await fetch(demo.urls.ready);
    expect(ready.status).toBe(503);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.stdout()).toContain('Stopping (SIGTERM)');
    expect(demo.stdout()).toContain('Stopped cleanly');
  }, 40_000);

  it('stops by itself after --duration and exits 0', async () => {
    demo = await startDemoProcess(['--duration', '1', '--rate', '5']);
    const exit = await demo.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(demo.stdout()).toContain('Stopping (--duration 1)');
  }, 30_000);

  it('says which option to change when a port is busy', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runDemo(['--health-port', String(port), '--api-port', '0', '--stats-port', '0']);
      const exit = await run.exited;
      expect(exit.code).toBe(1);
      expect(run.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use (health server): pass --health-port <port>`);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('says what is wrong with a --host that is not this machine, without a stack trace', async () => {
    const run = runDemo(['--host', '10.255.255.1', '--health-port', '0', '--api-port', '0', '--stats-port', '0']);
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    expect(run.stderr()).toContain('10.255.255.1 is not an address of this machine (stats-server, EADDRNOTAVAIL): pass --host 127.0.0.1');
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("prints the options with --help, also after pnpm's `--`, and rejects a bad one with exit code 2", async () => {
    for (const args of [['--help'], ['--', '--help']]) {
      const help = runDemo(args);
      expect(await help.exited).toEqual({ code: 0, signal: null });
      expect(help.stdout()).toContain('--duration <seconds>');
      expect(help.stdout()).toContain('--health-port <port>');
    }

    const bad = runDemo(['--rate', 'fast']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toContain('--rate must be a number from 0 to 100000, got "fast"');
  }, 30_000);
});
