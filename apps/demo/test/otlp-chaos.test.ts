// Chaos: the demo (every plugin under setup(), load running) exports OTLP to a loopback collector
// that stalls (accepts, never answers), then refuses connections, then answers 429, then recovers,
// then stalls again while the demo gets SIGTERM. The app never sees an exception, memory stays under
// a stated bound, SIGTERM exits 0 within the OpenTelemetry shutdown deadline (plus the demo's own
// drain), and the drop counts are logged and exported as the sightline.otel.dropped metric.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { runDemo } from './demo-process.js';

jest.setTimeout(90_000);

/** The bound the demo's resident memory must stay under through the outage, in MB. */
const RSS_BOUND_MB = 400;
/** The demo's otel({ shutdownTimeoutMs }) (the default is 5 s), and what the demo adds around it (health drain, exit). */
const SHUTDOWN_DEADLINE_MS = 2_500;
const DEMO_STOP_SLACK_MS = 3_000;

type Mode = 'stall' | 'refuse' | '429' | 'ok';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0; // exited
  }
}

interface JsonMetric {
  name: string;
  sum?: {
    dataPoints: Array<{ asInt?: string | number; asDouble?: number; attributes?: Array<{ key: string; value: { stringValue?: string } }> }>;
  };
}

it('stall, refuse, 429, recover, stall + SIGTERM: no exception, bounded memory, exit 0 within the deadline, drops logged and exported', async () => {
  let mode: Mode = 'stall';
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const metricBodies: string[] = [];
  const collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (mode === 'stall') {
        held.add(res); // accepted, never answered
        return;
      }
      if (mode === '429') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{}');
        return;
      }
      if (req.url === '/v1/metrics') metricBodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const port = (collector.address() as AddressInfo).port;

  const setMode = async (next: Mode) => {
    if (next === 'refuse') {
      // Connection refused: nobody listens on the port any more.
      for (const s of sockets) s.destroy();
      held.clear();
      collector.close();
      await once(collector, 'close');
    } else if (mode === 'refuse') {
      collector.listen(port, '127.0.0.1');
      await once(collector, 'listening');
    }
    mode = next;
  };

  const run = runDemo(
    ['--api-port', '0', '--health-port', '0', '--stats-port', '0', '--rate', '1000', '--failure-rate', '0', '--summary-every', '1'],
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
  );
  let maxRss = 0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(run.child.pid!))), 250);
  try {
    const deadline = Date.now() + 20_000;
    while (!/Ctrl-C to stop/.test(run.stdout())) {
      if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`demo did not start:\n${run.stdout()}\n${run.stderr()}`);
      await sleep(100);
    }
    await sleep(4_000); // stalled
    await setMode('refuse');
    await sleep(4_000);
    await setMode('429');
    await sleep(4_000);
    await setMode('ok');
    await sleep(4_000);
    await setMode('stall');
    await sleep(1_500);

    const signalled = Date.now();
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    const stopMs = Date.now() - signalled;
    clearInterval(sampler);

    const stdout = run.stdout();
    const stderr = run.stderr();
    const context = `\n--- stdout ---\n${stdout.slice(-3000)}\n--- stderr ---\n${stderr.slice(-6000)}`;
    expect({ exit, context: '' }).toEqual({ exit: { code: 0, signal: null }, context: '' });
    expect(stopMs).toBeLessThan(SHUTDOWN_DEADLINE_MS + DEMO_STOP_SLACK_MS);

    // The app never saw an exception: every order succeeded (none were invalid on purpose) and
    // nothing was thrown out of telemetry.
    const summaries = [...stdout.matchAll(/errors (\d+) \| processed (\d+)/g)];
    expect(summaries.length).toBeGreaterThan(5);
    expect(summaries.every((m) => m[1] === '0')).toBe(true);
    expect(Number(summaries.at(-1)![2])).toBeGreaterThan(1_000);
    expect(stderr).not.toMatch(/demo failed|Unhandled|uncaught|TypeError|RangeError/i);
    expect(stdout).toMatch(/Stopped cleanly/);

    expect(maxRss).toBeGreaterThan(0);
    expect(maxRss).toBeLessThan(RSS_BOUND_MB);

    // Drops were logged once per outage: the start, then the count.
    expect(stderr).toMatch(/dropping spans \((queue full|export failed)\)/);
    expect(stderr).toMatch(/\d+ spans dropped during an export outage \(recovered\)/);
    // The last stall outlasts the shutdown deadline: what was pending is abandoned, counted, logged.
    expect(stderr).toMatch(/shutdown abandoned after the 2500 ms deadline pending="?[a-z, ]*traces/);
    expect(stderr).toMatch(/\d+ spans dropped during an export outage \(at shutdown\)/);
    expect(stderr).not.toMatch(/plugin "otel" did not stop/);

    // ...and exported, once the collector was back, as the sightline.otel.dropped metric.
    const dropped = metricBodies
      .flatMap((b) => (JSON.parse(b) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: JsonMetric[] }> }> }).resourceMetrics)
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .filter((m) => m.name === 'sightline.otel.dropped');
    expect(dropped.length).toBeGreaterThan(0);
    const tracesDropped = Math.max(
      ...dropped.flatMap((m) =>
        (m.sum?.dataPoints ?? [])
          .filter((p) => p.attributes?.some((a) => a.key === 'signal' && a.value.stringValue === 'traces'))
          .map((p) => Number(p.asInt ?? p.asDouble ?? 0)),
      ),
    );
    expect(tracesDropped).toBeGreaterThan(0);
    if (process.env.CHAOS_VERBOSE)
      process.stdout.write(`stop ${stopMs} ms, max rss ${maxRss.toFixed(0)} MB, traces dropped ${tracesDropped}${context}\n`);
  } finally {
    clearInterval(sampler);
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    for (const r of held) r.destroy();
    for (const s of sockets) s.destroy();
    if (collector.listening) collector.close();
  }
});
