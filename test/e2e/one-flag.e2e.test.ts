// Issue #25's acceptance: a service that imports nothing of Sightline, run with one flag
// (`node --import @sightline/setup/register`, `--require` for CommonJS) from the packed tarballs in an
// empty project, is fully observed: /metrics (valid for promtool and the strict OpenMetrics parser)
// has its request counts and durations by route and status code, the OTLP receiver gets server spans
// named by route and nothing of the toolkit's own traffic, /status in Chromium charts requests,
// errors, latency and status classes and no stream charts, and SIGTERM gives readiness 503, then exit 0.
// It lives in the root "repo" project, which CI runs once (beside the release flow), not on every
// Node.js line: packing and installing into an empty project, three services and a browser take
// about 2.5 minutes on a loaded 2-core machine, and what it checks does not depend on the line (the
// packages' own e2e suites run on each).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { decode, startReceiver, type Receiver } from '../../packages/otel/test/integration/loopback';
import { openMetricsParse, promtoolProblems } from '../../packages/stats-server/test/e2e/checkers';
import { APPS, traffic, type ServiceApp } from '../one-flag/apps';
import { PNPM, run } from '../release/commands';
import { launchChromium, type Browser } from '../support/chromium';

const repo = resolve(__dirname, '../..');
// The packages the one flag turns on; the tarballs of what they depend on in the workspace come too.
const TURNED_ON = ['core', 'exposition', 'setup', 'prometheus', 'health', 'status', 'otel'];
// The OpenTelemetry SDK train every supported Node.js line runs (SDK 3.x declares Node >= 22.15),
// with the OTLP/HTTP JSON exporters: the receiver below reads JSON.
const OTEL_TRAIN = 'api 1.9 + SDK 2.x';
const FRAMEWORKS = { express: '^5.1.0', fastify: '^5.6.0' };
const ORDERS = 24;
const REQUEST_COUNT = 'http_server_request_duration_seconds';
const SPAN_KIND_SERVER = 2;
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Waiting, with a guard on every wait: conditions polled, events awaited, never a fixed sleep.

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined; rejects after `timeoutMs` naming `what` and the last value seen. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : JSON.stringify(error);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await pause(100); // the polling interval
  }
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One GET on a fresh connection (no pooled socket outlives the test). */
function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(url, { agent: false, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', fail);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// The empty project: the tarballs and what a user installs beside them.

/** The workspace packages `names` need, themselves included: their @sightline/* dependencies, transitively. */
function withWorkspaceDependencies(names: readonly string[]): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const dir of readdirSync(join(repo, 'packages'))) {
    const file = join(repo, 'packages', dir, 'package.json');
    if (existsSync(file)) dirs.set((JSON.parse(readFileSync(file, 'utf8')) as Manifest).name, join(repo, 'packages', dir));
  }
  const out = new Map<string, string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const dir = dirs.get(name);
    if (dir === undefined) throw new Error(`${name} is not a workspace package`);
    out.set(name, dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (dep.startsWith('@sightline/')) visit(dep);
  };
  names.forEach((n) => visit(`@sightline/${n}`));
  return out;
}

async function packTarballs(into: string): Promise<Record<string, string>> {
  const tarballs: Record<string, string> = {};
  for (const [name, dir] of withWorkspaceDependencies(TURNED_ON)) {
    const { stdout } = await run([...PNPM, 'pack', '--pack-destination', into], dir, {}, 120_000);
    tarballs[name] = resolve(dir, stdout.trim().split('\n').pop()!);
  }
  return tarballs;
}

function otelPeers(): Record<string, string> {
  const { trains } = JSON.parse(readFileSync(join(repo, 'packages/otel/test/trains.json'), 'utf8')) as {
    trains: Record<string, Record<string, string>>;
  };
  const train = trains[OTEL_TRAIN];
  if (!train) throw new Error(`packages/otel/test/trains.json has no train "${OTEL_TRAIN}"`);
  return train;
}

async function installProject(project: string, tarballs: Record<string, string>): Promise<void> {
  const sightline = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'one-flag-service',
        private: true,
        version: '1.0.0',
        dependencies: { ...sightline, ...otelPeers(), ...FRAMEWORKS },
        // The tarballs' own @sightline/* dependencies resolve to the tarballs, never to a registry.
        overrides: Object.fromEntries(Object.keys(sightline).map((name) => [name, `$${name}`])),
      },
      null,
      2,
    ),
  );
  // npm's cache lives in the temporary directory: the test leaves nothing behind.
  await run(
    ['npm', 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    project,
    {
      npm_config_cache: join(project, '..', 'npm-cache'),
      npm_config_update_notifier: 'false',
    },
    400_000,
  );
}

// ---------------------------------------------------------------------------------------------
// A service running with the one flag.

interface Service {
  readonly child: ChildProcess;
  readonly appUrl: string;
  readonly healthUrl: string;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** The parent's environment without its OTEL_* and SIGHTLINE_* variables: the service sees only what the test gives. */
function cleanEnv(): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('OTEL_') && !k.startsWith('SIGHTLINE_') && !k.startsWith('npm_')) base[k] = v;
  return base;
}

async function startService(project: string, app: ServiceApp, env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, [app.flag, '@sightline/setup/register', app.file], {
    cwd: project,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((done) =>
    child.on('close', (c) => {
      code = c;
      for (const l of listeners) l();
      done(c);
    }),
  );
  const printed = (what: string, pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpExecArray>((done, fail) => {
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${out}`)), timeoutMs);
      const finish = (error?: Error, match?: RegExpExecArray) => {
        clearTimeout(timer);
        listeners.delete(test);
        if (error) fail(error);
        else done(match!);
      };
      const test = () => {
        const match = pattern.exec(out);
        if (match) finish(undefined, match);
        else if (code !== undefined) finish(new Error(`the service exited (${code}) before ${what}; output:\n${out}`));
      };
      listeners.add(test);
      test();
    });
  try {
    const [appPort, healthUrl] = await Promise.all([
      printed('the app listening', /listening on (\d+)/).then((m) => m[1]!),
      printed("the health server's address", /health server listening url=(http:\/\/\S+)/).then((m) => m[1]!),
    ]);
    return { child, appUrl: `http://127.0.0.1:${appPort}`, healthUrl, output: () => out, exited };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// What the receiver got.

interface OtlpSpan {
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, string | number | boolean | undefined>;
}

interface JsonKeyValue {
  key: string;
  value?: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}

function spansOf(receiver: Receiver, prefix: string): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  for (const r of receiver.forRun(prefix)) {
    if (r.path !== '/v1/traces' || r.body.length === 0) continue;
    const decoded = decode(r) as {
      resourceSpans?: { scopeSpans?: { spans?: { name: string; kind: number; attributes?: JsonKeyValue[] }[] }[] }[];
    };
    for (const rs of decoded.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? []) {
          const attributes: OtlpSpan['attributes'] = {};
          for (const { key, value } of s.attributes ?? []) {
            const v = value ?? {};
            attributes[key] = v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue;
          }
          out.push({ name: s.name, kind: s.kind, attributes });
        }
  }
  return out;
}

/** Waits until the receiver holds a server span for `path` (by url.path): every span that ended before it was exported by then. */
function spanArrived(receiver: Receiver, prefix: string, path: string): Promise<void> {
  return receiver.waitFor(
    `a server span for ${path}`,
    () => spansOf(receiver, prefix).some((s) => s.kind === SPAN_KIND_SERVER && s.attributes['url.path'] === path),
    20_000,
  );
}

// ---------------------------------------------------------------------------------------------
// /metrics, read by the strict OpenMetrics parser.

type Sample = [type: string, name: string, labels: Record<string, string>, value: number];

/** Request counts by `"<method> <route> <code>"`, 404s by `"<method> <code>"` (a path no route matches has no template). */
function requestCounts(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, name, labels, value] of samples) {
    if (name !== `${REQUEST_COUNT}_count`) continue;
    const code = labels['http_response_status_code'];
    const key =
      code === '404' ? `${labels['http_request_method']} 404` : `${labels['http_request_method']} ${labels['http_route']} ${code}`;
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

async function scrapeOpenMetrics(healthUrl: string): Promise<Sample[]> {
  const reply = await get(`${healthUrl}/metrics`, { accept: OPENMETRICS });
  const parsed = openMetricsParse(reply.body);
  if (parsed.samples === undefined) throw new Error(`the strict OpenMetrics parser refused /metrics: ${parsed.stderr}`);
  return parsed.samples;
}

// ---------------------------------------------------------------------------------------------

let work: string;
let project: string;
let receiver: Receiver;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sightline-one-flag-'));
  project = join(work, 'service');
  mkdirSync(project);
  const tarballs = await packTarballs(join(work, 'tarballs'));
  await installProject(project, tarballs);
  for (const app of APPS) writeFileSync(join(project, app.file), app.source);
  receiver = await startReceiver();
}, 600_000);

afterAll(async () => {
  await receiver?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(APPS.map((app) => [app.title, app] as const))('%s run with one flag, importing nothing of Sightline', (_title, app) => {
  const prefix = `/${app.file.replace(/\W/g, '-')}`;
  const service = `one-flag-${app.file.split('-')[0]}`;
  const sent = traffic(ORDERS);
  let running: Service | undefined;

  beforeAll(async () => {
    running = await startService(project, app, {
      SIGHTLINE_SERVICE_NAME: service,
      SIGHTLINE_HEALTH_PORT: '0',
      // A window in which readiness answers 503 before the health server closes, for the test to see.
      SIGHTLINE_HEALTH_SHUTDOWN_DELAY_MS: '1500',
      SIGHTLINE_LOG: 'sightline.health=info',
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}${prefix}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    });
  }, 60_000);

  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
  });

  const svc = (): Service => {
    if (!running) throw new Error('the service did not start');
    return running;
  };

  it('is ready once its server listens, and answers its traffic', async () => {
    await until('/health/ready 200', async () => ((await get(`${svc().healthUrl}/health/ready`)).status === 200 ? true : undefined));
    const statuses: Record<string, number> = {};
    for (const path of sent.paths) {
      const { status } = await get(`${svc().appUrl}${path}`);
      const kind = path.endsWith('/refund') ? 'refund' : path.startsWith('/missing') ? 'missing' : 'order';
      statuses[`${kind} ${status}`] = (statuses[`${kind} ${status}`] ?? 0) + 1;
    }
    expect(statuses).toEqual({
      'order 200': sent.expected['GET /orders/:id 200'],
      'refund 500': sent.expected['GET /orders/:id/refund 500'],
      'missing 404': sent.expected['GET 404'],
    });
  });

  it('/metrics passes promtool (text) and the strict OpenMetrics parser', async () => {
    const text = await get(`${svc().healthUrl}/metrics`);
    expect(text.status).toBe(200);
    expect(String(text.headers['content-type'])).toContain('text/plain');
    expect(promtoolProblems(text.body)).toEqual([]);
    const om = await get(`${svc().healthUrl}/metrics`, { accept: OPENMETRICS });
    expect(String(om.headers['content-type'])).toContain('application/openmetrics-text');
    const parsed = openMetricsParse(om.body);
    expect({ status: parsed.status, stderr: parsed.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it(`/metrics counts the requests by route and status code (${REQUEST_COUNT}), with durations`, async () => {
    // Recorded as each response finishes: polled until the counts are complete, then compared exactly.
    const counts = await until(
      `${REQUEST_COUNT}_count for the traffic sent`,
      async () => {
        const c = requestCounts(await scrapeOpenMetrics(svc().healthUrl));
        return JSON.stringify(c) === JSON.stringify(sent.expected) ? c : undefined;
      },
      15_000,
    ).catch(async () => requestCounts(await scrapeOpenMetrics(svc().healthUrl)));
    expect(counts).toEqual(sent.expected);

    const samples = await scrapeOpenMetrics(svc().healthUrl);
    const ofRoute = (name: string, route: string) =>
      samples.filter(([, n, labels]) => n === name && labels['http_route'] === route && labels['http_request_method'] === 'GET');
    for (const route of ['/orders/:id', '/orders/:id/refund']) {
      // A histogram: buckets up to +Inf holding every request, and the seconds they took.
      const inf = ofRoute(`${REQUEST_COUNT}_bucket`, route).filter(([, , labels]) => labels['le'] === '+Inf');
      expect(inf.map(([type]) => type)).toEqual(['histogram']);
      expect(inf[0]![3]).toBe(sent.expected[`GET ${route} ${route.endsWith('refund') ? 500 : 200}`]);
      expect(ofRoute(`${REQUEST_COUNT}_sum`, route)[0]?.[3]).toBeGreaterThan(0);
    }
    // Only the app's own requests: none of the toolkit's (/metrics, /health/*) are counted.
    const routes = samples.filter(([, n]) => n === `${REQUEST_COUNT}_count`).map(([, , labels]) => labels['http_route'] ?? '');
    expect(routes.filter((r) => /^\/(metrics|health|status)/.test(r))).toEqual([]);
  });

  it('the OTLP receiver gets server spans named by route, and nothing of the toolkit', async () => {
    // The toolkit's own requests, then a marker request: once the marker's span arrived, every span
    // of the toolkit's requests (which ended before it) would have too.
    await get(`${svc().healthUrl}/metrics`);
    await get(`${svc().healthUrl}/health/live`);
    await get(`${svc().healthUrl}/health/ready`);
    await get(`${svc().healthUrl}/status`);
    await get(`${svc().appUrl}/orders/9001`);
    await spanArrived(receiver, prefix, '/orders/9001');
    // A second marker: an export's own client span (if one were made) ends before this one's.
    await get(`${svc().appUrl}/orders/9002`);
    await spanArrived(receiver, prefix, '/orders/9002');

    // One comparison, so a failure shows every part at once.
    const spans = spansOf(receiver, prefix);
    const server = spans.filter((s) => s.kind === SPAN_KIND_SERVER);
    const path = (s: OtlpSpan) => String(s.attributes['url.path'] ?? '');
    expect({
      namesOfOrderSpans: [...new Set(server.filter((s) => path(s).startsWith('/orders/')).map((s) => s.name))].sort(),
      nameOfOneRefund: server.filter((s) => path(s) === '/orders/3/refund').map((s) => s.name),
      // The apps make no outgoing request: a client span would be the toolkit's own (an export).
      otherSpans: spans.filter((s) => s.kind !== SPAN_KIND_SERVER).map((s) => `kind ${s.kind}: ${s.name}`),
      toolkitSpans: spans.filter((s) => /^\/(metrics|health|status)/.test(path(s))).map((s) => `${s.name} ${path(s)}`),
    }).toEqual({
      namesOfOrderSpans: ['GET /orders/:id', 'GET /orders/:id/refund'],
      nameOfOneRefund: ['GET /orders/:id/refund'],
      otherSpans: [],
      toolkitSpans: [],
    });
  });

  if (app.browser) {
    describe('its /status page in Chromium', () => {
      let browser: Browser;
      let page: Page;
      let trafficTimer: NodeJS.Timeout | undefined;
      const scriptErrors: string[] = [];

      beforeAll(async () => {
        browser = await launchChromium();
        page = browser.page;
        page.on('pageerror', (error) => scriptErrors.push(error.message));
        // Traffic while the page is open, so its rates have something to show: an order, a failed
        // refund and a miss each round.
        let n = 100;
        const appUrl = running?.appUrl;
        if (appUrl !== undefined)
          trafficTimer = setInterval(() => {
            n++;
            for (const path of [`/orders/${n}`, `/orders/${n}/refund`, `/missing/${n}`])
              void get(`${appUrl}${path}`).catch(() => undefined);
          }, 100);
      }, 60_000);

      afterAll(async () => {
        if (trafficTimer) clearInterval(trafficTimer);
        await browser?.close();
      });

      const points = (chart: string) =>
        page.$(`[data-chart="${chart}"]`).then(async (el) => Number((await el?.getAttribute('data-points')) ?? '0'));

      it('shows request, error, latency and status-class charts with data, and no stream charts', async () => {
        const response = await page.goto(`${svc().healthUrl}/status`);
        expect(response?.status()).toBe(200);
        await page.waitForSelector('#conn.live', { timeout: 15_000 });
        const charts = ['requests', 'errors', 'latency', 'status'];
        const filled = await until(
          'the request, error, latency and status-class charts to get points',
          async () => {
            const counts = Object.fromEntries(await Promise.all(charts.map(async (c) => [c, await points(c)] as const)));
            return Object.values(counts).every((p) => p >= 2) ? counts : undefined;
          },
          20_000,
        ).catch(async () => Object.fromEntries(await Promise.all(charts.map(async (c) => [c, await points(c)] as const))));
        const last = async (chart: string) => Number((await (await page.$(`[data-chart="${chart}"]`))?.getAttribute('data-last')) ?? 'NaN');
        const legend = (await (await page.$('[data-chart="status"]'))?.textContent()) ?? '';
        const streamCharts: string[] = [];
        for (const chart of ['messages', 'lag', 'queue']) if ((await page.$(`[data-chart="${chart}"]`)) !== null) streamCharts.push(chart);
        // One comparison, so a failure shows every part at once.
        expect({
          withoutPoints: Object.entries(filled)
            .filter(([, p]) => p < 2)
            .map(([chart]) => chart),
          // Traffic flows while the page is open: the request rate shown is above zero.
          requestRateAboveZero: (await last('requests')) > 0,
          statusClasses: ['2xx', '4xx', '5xx'].filter((c) => legend.includes(c)),
          streamCharts,
        }).toEqual({ withoutPoints: [], requestRateAboveZero: true, statusClasses: ['2xx', '4xx', '5xx'], streamCharts: [] });
        expect(scriptErrors).toEqual([]);
      });
    });
  }

  it('SIGTERM: readiness answers 503, then the process exits 0', async () => {
    const s = svc();
    expect((await get(`${s.healthUrl}/health/ready`)).status).toBe(200);
    s.child.kill('SIGTERM');
    const ready = await until('/health/ready 503 after SIGTERM', async () => {
      const { status } = await get(`${s.healthUrl}/health/ready`);
      return status === 503 ? status : undefined;
    });
    expect(ready).toBe(503);
    let guard: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      s.exited,
      new Promise<never>((_, fail) => {
        guard = setTimeout(() => fail(new Error(`no exit within 30 s of SIGTERM; output:\n${s.output()}`)), 30_000);
      }),
    ]).finally(() => clearTimeout(guard));
    expect({ code, output: code === 0 ? '' : s.output() }).toEqual({ code: 0, output: '' });
  });
});
