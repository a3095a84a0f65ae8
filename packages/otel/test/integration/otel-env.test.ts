// Every OTEL_* variable the package honours, each shown by what reaches a loopback OTLP receiver
// (or, for the SDK's own log level and the console exporter, by what the application prints). Each
// run has its own path prefix on one receiver, so the runs go concurrently. What happens while an
// application runs is observed by holding it (HOLD=1: it waits for its stdin to close before closing
// OpenTelemetry) and waiting for what the receiver or its output shows, never for a time.
import { execSync } from 'node:child_process';
import { attributesOf, hex, type Decoded } from './otlp-proto.js';
import {
  bundleSource,
  decode,
  runApp,
  startApp,
  startReceiver,
  type AppRun,
  type Received,
  type Receiver,
  type RunningApp,
} from './loopback.js';

jest.setTimeout(60_000);

const APP = `
const { OpenTelemetry, scope, logInfo, recordEvent, recordMetric } = require(process.env.BRIDGE);
const linked = process.env.APP_LINK === '1';
OpenTelemetry.configure({});
(async () => {
  const observability = OpenTelemetry.observability(
    linked ? { externalTraceId: '0af7651916cd43dd8448eb211c80319c', externalTraceMode: 'link' } : {},
  );
  await observability.scope('checkout', { attributes: { 'order.id': 'ord-789', 'order.items': 3 } }, async () => {
    await scope('charge-card', async () => {
      recordEvent('payment.authorized', { amount: 99.99, currency: 'USD' });
      logInfo('card charged', { currency: 'USD', 'card.brand': 'visa' });
    });
    if (process.env.PROBE_URL) await (await fetch(process.env.PROBE_URL)).text();
    recordMetric('orders.total', { value: 3, kind: 'counter', attributes: { region: 'eu' } });
  });
  logInfo('second log');
  for (let i = 0; i < Number(process.env.EXTRA_SPANS ?? 0); i++) scope('extra-' + i, () => undefined);
  if (process.env.HOLD === '1') {
    console.log('holding');
    await new Promise((resolve) => process.stdin.on('end', resolve).resume());
  }
  await OpenTelemetry.close();
  console.log('app-done');
})();
`;

let receiver: Receiver;
let runs = 0;

/** Prefixes under which the receiver holds its answers until told, to show exporters' and processors' timeouts. */
const HELD = new Set<string>();

beforeAll(async () => {
  [receiver] = await Promise.all([
    startReceiver({ hold: (prefix) => HELD.has(prefix), status: (prefix) => (prefix.startsWith('/fail') ? 400 : 200) }),
    bundleSource(),
  ]);
});

afterAll(() => receiver.close());

interface Result {
  readonly app: AppRun;
  readonly requests: Received[];
  readonly prefix: string;
  readonly base: string;
  paths(): string[];
  spans(): Decoded[];
  resource(): Record<string, unknown>;
  logs(): Decoded[];
  metrics(): Decoded[];
}

async function run(env: Record<string, string>, options: { prefix?: string; endpoint?: boolean } = {}): Promise<Result> {
  const prefix = options.prefix ?? `/run${++runs}`;
  const base = `http://127.0.0.1:${receiver.port}${prefix}`;
  const app = await runApp(APP, {
    OTEL_SERVICE_NAME: 'env-app',
    ...(options.endpoint === false ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: base }),
    ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll('$BASE', base)])),
  });
  const requests = receiver.forRun(prefix);
  const of = (signal: string) => requests.filter((r) => r.path !== '/probe' && signalOf(r) === signal).map(decode);
  return {
    app,
    requests,
    prefix,
    base,
    paths: () => [...new Set(requests.map((r) => r.path))].sort(),
    spans: () =>
      of('traces').flatMap((t) =>
        ((t.resource_spans as Decoded[]) ?? (t.resourceSpans as Decoded[])).flatMap((rs) =>
          ((rs.scope_spans ?? rs.scopeSpans) as Decoded[]).flatMap((ss) => ss.spans as Decoded[]),
        ),
      ),
    resource: () => attributesOf(((of('traces')[0]!.resource_spans as Decoded[])[0]!.resource as Decoded).attributes),
    logs: () =>
      of('logs').flatMap((l) =>
        (l.resource_logs as Decoded[]).flatMap((rl) => (rl.scope_logs as Decoded[]).flatMap((sl) => sl.log_records as Decoded[])),
      ),
    metrics: () =>
      of('metrics').flatMap((m) =>
        (m.resource_metrics as Decoded[]).flatMap((rm) => (rm.scope_metrics as Decoded[]).flatMap((sm) => sm.metrics as Decoded[])),
      ),
  };
}

/** An application held before it closes OpenTelemetry, under a prefix of its own. */
interface HeldRun {
  readonly app: RunningApp;
  /** What reached the receiver under this run's prefix so far, at one path. */
  at(path: string): Received[];
  /** Resolves once `check` holds for this run's requests; rejects if the app exits first. */
  until(what: string, check: (requests: readonly Received[]) => boolean): Promise<void>;
  /** Answers what the receiver holds for this run, lets the app close OpenTelemetry, and returns how it ended. */
  finish(): Promise<AppRun>;
}

/** Starts the app with HOLD=1; `holdAnswers`: the receiver answers none of its exports until `finish()`. */
function startHeld(env: Record<string, string>, options: { holdAnswers?: boolean } = {}): HeldRun {
  const prefix = `/held${++runs}`;
  if (options.holdAnswers) HELD.add(prefix);
  const app = startApp(APP, {
    OTEL_SERVICE_NAME: 'env-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}${prefix}`,
    HOLD: '1',
    ...env,
  });
  const exitedFirst = (what: string) =>
    app.done.then((r) => Promise.reject(new Error(`the app exited (code ${r.code}) before ${what}:\n${r.stderr}`)));
  return {
    app,
    at: (path) => receiver.forRun(prefix).filter((q) => q.path === path),
    until: (what, check) =>
      Promise.race([
        receiver.waitFor(`${what} under ${prefix}`, (all) => check(all.filter((q) => q.prefix === prefix))),
        exitedFirst(what),
      ]),
    finish() {
      HELD.delete(prefix);
      receiver.answerHeld(prefix);
      app.release();
      return app.done;
    },
  };
}

const count = (requests: readonly Received[], path: string) => requests.filter((q) => q.path === path).length;

function signalOf(r: Received): string {
  return r.path.includes('trace') ? 'traces' : r.path.includes('metric') ? 'metrics' : 'logs';
}

const ALL = ['/v1/logs', '/v1/metrics', '/v1/traces'];
const names = (spans: Decoded[]) => spans.map((s) => s.name as string).sort();
const byName = (spans: Decoded[], name: string) => spans.find((s) => s.name === name)!;

describe('OTEL_SDK_DISABLED', () => {
  it('true: nothing reaches the receiver, and the application still runs', async () => {
    const r = await run({ OTEL_SDK_DISABLED: 'true' });
    expect(r.app.stdout).toContain('app-done');
    expect(r.app.code).toBe(0);
    expect(r.requests).toEqual([]);
  });

  it('false (and unset): the three signals are exported', async () => {
    const r = await run({ OTEL_SDK_DISABLED: 'false' });
    expect(r.paths()).toEqual(ALL);
  });
});

describe('OTEL_{TRACES,METRICS,LOGS}_EXPORTER', () => {
  it.concurrent.each([
    ['OTEL_TRACES_EXPORTER', ['/v1/logs', '/v1/metrics']],
    ['OTEL_METRICS_EXPORTER', ['/v1/logs', '/v1/traces']],
    ['OTEL_LOGS_EXPORTER', ['/v1/metrics', '/v1/traces']],
  ])('%s=none: that signal is not exported, the others are', async (name, paths) => {
    const r = await run({ [name]: 'none' });
    expect(r.paths()).toEqual(paths);
    expect(r.app.stdout).toContain('app-done');
  });

  it('a timeout past what a timer can wait is clamped with one warning, and Node prints no TimeoutOverflowWarning', async () => {
    const r = await run({ OTEL_EXPORTER_OTLP_TIMEOUT: '99999999999', OTEL_BSP_SCHEDULE_DELAY: '99999999999' });
    expect(r.app.stdout).toContain('app-done');
    expect(r.spans().map((span) => span.name)).toEqual(expect.arrayContaining(['checkout', 'charge-card']));
    expect(r.app.stderr).not.toContain('TimeoutOverflowWarning');
    expect(r.app.stderr.match(/OTEL_EXPORTER_OTLP_TIMEOUT 99999999999 is longer than a timer can wait/g)).toHaveLength(1);
  });

  it('console: the signal goes to the sightline.otel logger instead of the receiver', async () => {
    const r = await run({ OTEL_TRACES_EXPORTER: 'console', SIGHTLINE_LOG: 'sightline.otel=info' });
    expect(r.paths()).toEqual(['/v1/logs', '/v1/metrics']);
    expect(r.app.stderr).toContain('span checkout');
    expect(r.app.stderr).toContain('span charge-card');
  });

  it('otlp with no endpoint at all goes to the default endpoint (here: nothing listening, the app still finishes)', async () => {
    const r = await run(
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '500' },
      { endpoint: false },
    );
    expect(r.requests).toEqual([]);
    expect(r.app.stdout).toContain('app-done');
  });
});

describe('per-signal endpoints', () => {
  it('OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT alone: each signal goes to its URL as given', async () => {
    const r = await run(
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '$BASE/custom/traces',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '$BASE/custom/metrics',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: '$BASE/custom/logs',
      },
      { endpoint: false },
    );
    expect(r.paths()).toEqual(['/custom/logs', '/custom/metrics', '/custom/traces']);
    expect(names(r.spans())).toEqual(['charge-card', 'checkout']);
  });

  it('a signal endpoint wins over OTEL_EXPORTER_OTLP_ENDPOINT for its signal only', async () => {
    const r = await run({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '$BASE/only/traces' });
    expect(r.paths()).toEqual(['/only/traces', '/v1/logs', '/v1/metrics']);
  });

  it('a malformed endpoint stops configure() with an error naming the variable; nothing is sent', async () => {
    const r = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ht!tp://bad url' }, { endpoint: false });
    expect(r.app.code).not.toBe(0);
    expect(r.app.stderr).toContain('OtelConfigError: Invalid OTEL_EXPORTER_OTLP_ENDPOINT "ht!tp://bad url": it contains whitespace');
  });
});

describe('headers, protocol, compression', () => {
  it('OTEL_EXPORTER_OTLP_HEADERS on every signal; OTEL_EXPORTER_OTLP_TRACES_HEADERS wins key by key for traces', async () => {
    const r = await run({
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,authorization=Bearer%20t0k',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces-team',
    });
    for (const req of r.requests) {
      if (signalOf(req) === 'traces') {
        expect(req.headers['x-tenant']).toBe('traces-team');
        expect(req.headers.authorization).toBe('Bearer t0k');
      } else {
        expect(req.headers['x-tenant']).toBe('acme');
        expect(req.headers.authorization).toBe('Bearer t0k');
      }
    }
    expect(r.paths()).toEqual(ALL);
  });

  it.concurrent.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', ['application/json', 'application/json', 'application/json']],
    ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', ['application/x-protobuf', 'application/json', 'application/x-protobuf']],
  ])('%s=http/json: JSON bodies for the signals it covers', async (name, types) => {
    const r = await run({ [name]: 'http/json' });
    const typeOf = (path: string) => r.requests.find((q) => q.path === path)!.headers['content-type'];
    expect(ALL.map(typeOf)).toEqual(types);
    if (name === 'OTEL_EXPORTER_OTLP_PROTOCOL') {
      const json = JSON.parse(r.requests.find((q) => q.path === '/v1/traces')!.body.toString()) as { resourceSpans: unknown[] };
      expect(json.resourceSpans).toHaveLength(1);
    }
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf pointed at the gRPC port 4317 warns, naming both', async () => {
    const r = await run(
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
        OTEL_EXPORTER_OTLP_TIMEOUT: '300',
      },
      { endpoint: false },
    );
    expect(r.app.stderr).toContain('uses port 4317, the OTLP/gRPC port, with protocol http/protobuf');
  });

  it.concurrent.each([
    ['OTEL_EXPORTER_OTLP_COMPRESSION', ['gzip', 'gzip', 'gzip']],
    ['OTEL_EXPORTER_OTLP_LOGS_COMPRESSION', ['gzip', undefined, undefined]],
  ])('%s=gzip: gzip-encoded bodies that still decode', async (name, encodings) => {
    const r = await run({ [name]: 'gzip' });
    expect(ALL.map((p) => r.requests.find((q) => q.path === p)!.headers['content-encoding'])).toEqual(encodings);
    expect(names(r.spans())).toEqual(['charge-card', 'checkout']);
    expect(r.logs().map((l) => (l.body as Decoded).string_value)).toEqual(['card charged', 'second log']);
  });

  it.concurrent.each([
    ['OTEL_EXPORTER_OTLP_TIMEOUT', { OTEL_EXPORTER_OTLP_TIMEOUT: '1000', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '60000' }],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1000', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '60000' }],
  ])('%s: the exporter abandons an export the receiver holds, while the app runs and other signals wait', async (_name, timeouts) => {
    // The receiver answers nothing; span and log batches leave at once.
    const r = startHeld(
      { ...timeouts, OTEL_METRICS_EXPORTER: 'none', OTEL_BSP_SCHEDULE_DELAY: '10', OTEL_BLRP_SCHEDULE_DELAY: '10' },
      { holdAnswers: true },
    );
    await r.until('a log export', (q) => count(q, '/v1/logs') > 0);
    await r.until('the trace export abandoned by the client', (q) => q.some((x) => x.path === '/v1/traces' && x.aborted));
    // The app is still running, so the trace export was given up by its own timeout; the log
    // export, with a timeout of its own far longer, is still waiting for its answer.
    expect(r.app.exited).toBe(false);
    expect(r.at('/v1/logs').map((q) => q.aborted)).not.toContain(true);
    const app = await r.finish();
    expect(app.stdout).toContain('app-done');
  });
});

describe('metric reader', () => {
  it('OTEL_METRIC_EXPORT_INTERVAL: metrics are exported that often while the app runs (default 60 s: only at close)', async () => {
    const [fast, slow] = [startHeld({ OTEL_METRIC_EXPORT_INTERVAL: '150' }), startHeld({})];
    await slow.app.printed('stdout', /holding/);
    await fast.until('two metric exports before close', (q) => count(q, '/v1/metrics') >= 2);
    // As long as the fast app took for two exports, the one on the default interval exported none.
    expect(slow.at('/v1/metrics')).toEqual([]);
    await Promise.all([fast.finish(), slow.finish()]);
    expect(slow.at('/v1/metrics')).toHaveLength(1);
  });

  it('OTEL_METRIC_EXPORT_TIMEOUT: how long the reader waits for an export the receiver holds (default: capped at the interval)', async () => {
    const env = { OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_METRIC_EXPORT_INTERVAL: '500' };
    const short = startHeld({ ...env, OTEL_METRIC_EXPORT_TIMEOUT: '200' }, { holdAnswers: true });
    const capped = startHeld(env, { holdAnswers: true });
    await Promise.all([
      short.app.printed('stderr', /metrics export timed out after 200ms/),
      capped.app.printed('stderr', /metrics export timed out after 500ms/),
    ]);
    for (const r of [short, capped]) expect(r.at('/v1/metrics').length).toBeGreaterThan(0);
    await Promise.all([short.finish(), capped.finish()]);
  });
});

describe('batch processors', () => {
  it('OTEL_BSP_SCHEDULE_DELAY / OTEL_BLRP_SCHEDULE_DELAY: batches leave while the app runs (default 5 s / 1 s: later)', async () => {
    const fast = startHeld({ OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BLRP_SCHEDULE_DELAY: '50' });
    const slow = startHeld({});
    await slow.app.printed('stdout', /holding/);
    await fast.until('span and log batches before close', (q) => count(q, '/v1/traces') > 0 && count(q, '/v1/logs') > 0);
    expect(slow.at('/v1/traces')).toEqual([]);
    await Promise.all([fast.finish(), slow.finish()]);
    expect(slow.at('/v1/traces')).toHaveLength(1);
  });

  it('OTEL_BSP_MAX_EXPORT_BATCH_SIZE / OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=1: one span and one log record per request', async () => {
    const r = await run({ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '1' });
    expect(r.requests.filter((q) => q.path === '/v1/traces')).toHaveLength(2);
    expect(r.requests.filter((q) => q.path === '/v1/logs')).toHaveLength(2);
    expect(names(r.spans())).toEqual(['charge-card', 'checkout']);
  });

  it('OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_QUEUE_SIZE: spans past a full queue are dropped', async () => {
    const full = await run({
      OTEL_BSP_MAX_QUEUE_SIZE: '2',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2',
      OTEL_BLRP_MAX_QUEUE_SIZE: '1',
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '1',
      EXTRA_SPANS: '50',
    });
    expect(full.spans().length).toBeLessThan(52);
    const roomy = await run({ EXTRA_SPANS: '50' });
    expect(roomy.spans()).toHaveLength(52);
  });

  it('OTEL_BSP_EXPORT_TIMEOUT / OTEL_BLRP_EXPORT_TIMEOUT: the processor gives up an export the receiver holds before the exporter does', async () => {
    const r = startHeld(
      {
        OTEL_BSP_EXPORT_TIMEOUT: '200',
        OTEL_BLRP_EXPORT_TIMEOUT: '200',
        OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
        OTEL_BSP_SCHEDULE_DELAY: '10',
        OTEL_BLRP_SCHEDULE_DELAY: '10',
        OTEL_METRICS_EXPORTER: 'none',
      },
      { holdAnswers: true },
    );
    // Each processor's timeout reaches the SDK's error handler, logged on sightline.otel.sdk.
    await r.app.printed('stderr', /Error: Timeout[^}]*BatchSpanProcessorBase/);
    await r.app.printed('stderr', /Error: Timeout[^}]*BatchLogRecordProcessorBase/);
    // Given up by the processors, not by the exporters: their requests are still open at the receiver.
    expect([...r.at('/v1/traces'), ...r.at('/v1/logs')].map((q) => q.aborted)).toEqual([false, false]);
    const app = await r.finish();
    expect(app.stdout).toContain('app-done');
  });
});

describe('attribute limits', () => {
  it('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT and OTEL_ATTRIBUTE_COUNT_LIMIT apply to spans and log records', async () => {
    const r = await run({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4', OTEL_ATTRIBUTE_COUNT_LIMIT: '1' });
    const checkout = byName(r.spans(), 'checkout');
    expect(attributesOf(checkout.attributes)).toEqual({ 'order.id': 'ord-' });
    expect(checkout.dropped_attributes_count).toBe(1);
    const charged = r.logs().find((l) => (l.body as Decoded).string_value === 'card charged')!;
    expect(attributesOf(charged.attributes)).toEqual({ currency: 'USD' });
    expect(charged.dropped_attributes_count).toBe(1);
  });

  it('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT / _COUNT_LIMIT win over the general ones for spans only', async () => {
    const r = await run({
      OTEL_ATTRIBUTE_COUNT_LIMIT: '1',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '5',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3',
    });
    expect(attributesOf(byName(r.spans(), 'checkout').attributes)).toEqual({ 'order.id': 'ord', 'order.items': 3 });
    expect(attributesOf(r.logs()[0]!.attributes)).toEqual({ currency: 'USD' });
  });

  it('OTEL_SPAN_EVENT_COUNT_LIMIT=0 and OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT=1', async () => {
    const [none, oneAttr] = await Promise.all([run({ OTEL_SPAN_EVENT_COUNT_LIMIT: '0' }), run({ OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '1' })]);
    const charge = byName(none.spans(), 'charge-card');
    expect(charge.events).toBeUndefined();
    expect(charge.dropped_events_count).toBe(1);
    const [event] = byName(oneAttr.spans(), 'charge-card').events as Decoded[];
    expect(Object.keys(attributesOf(event!.attributes))).toHaveLength(1);
    expect(event!.dropped_attributes_count).toBe(1);
  });

  it('OTEL_SPAN_LINK_COUNT_LIMIT=0 and OTEL_LINK_ATTRIBUTE_COUNT_LIMIT=0 (externalTraceMode link)', async () => {
    const [linked, noLinks, noLinkAttrs] = await Promise.all([
      run({ APP_LINK: '1' }),
      run({ APP_LINK: '1', OTEL_SPAN_LINK_COUNT_LIMIT: '0' }),
      run({ APP_LINK: '1', OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '0' }),
    ]);
    const [link] = byName(linked.spans(), 'checkout').links as Decoded[];
    expect(hex(link!.trace_id)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(attributesOf(link!.attributes)).toEqual({ 'sightline.link.source': 'externalTraceId' });
    // Linked, not joined: the span is in a trace of its own.
    expect(hex(byName(linked.spans(), 'checkout').trace_id)).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(byName(noLinks.spans(), 'checkout').links).toBeUndefined();
    expect(byName(noLinks.spans(), 'checkout').dropped_links_count).toBe(1);
    const [bare] = byName(noLinkAttrs.spans(), 'checkout').links as Decoded[];
    expect(bare!.attributes).toBeUndefined();
    expect(bare!.dropped_attributes_count).toBe(1);
  });

  it('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT / _COUNT_LIMIT apply to log records only', async () => {
    const r = await run({ OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '2', OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: '1' });
    expect(attributesOf(r.logs()[0]!.attributes)).toEqual({ currency: 'US' });
    expect(attributesOf(byName(r.spans(), 'checkout').attributes)).toEqual({ 'order.id': 'ord-789', 'order.items': 3 });
  });
});

describe('sampling', () => {
  it.concurrent.each([
    [{ OTEL_TRACES_SAMPLER: 'always_off' }, 0],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, 0],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' }, 2],
    [{ OTEL_TRACES_SAMPLER: 'always_on' }, 2],
  ])('%j exports %d spans; logs still arrive', async (env, count) => {
    const r = await run(env);
    expect(r.spans()).toHaveLength(count);
    expect(r.logs()).toHaveLength(2);
  });
});

describe('OTEL_PROPAGATORS', () => {
  // The app fetches /probe on the receiver inside its scope: the receiver sees what was injected.
  it.concurrent.each([
    [undefined, ['traceparent']],
    ['tracecontext,baggage', ['traceparent']],
    ['b3', ['b3']],
    ['b3multi', ['x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']],
    ['none', []],
  ])('%s: the outgoing request carries %j', async (propagators, headers) => {
    const prefix = `/prop${++runs}`;
    const env: Record<string, string> = { PROBE_URL: `http://127.0.0.1:${receiver.port}${prefix}/probe` };
    if (propagators !== undefined) env.OTEL_PROPAGATORS = propagators;
    const r = await run(env, { prefix });
    const probe = r.requests.find((q) => q.path === '/probe')!;
    const carried = Object.keys(probe.headers)
      .filter((h) => h === 'traceparent' || h === 'b3' || h.startsWith('x-b3-'))
      .sort();
    expect(carried).toEqual(headers);
    // The GET client span is in the checkout trace, and its id is what went out.
    const client = byName(r.spans(), 'GET');
    if (headers.includes('traceparent')) expect(probe.headers.traceparent).toBe(`00-${hex(client.trace_id)}-${hex(client.span_id)}-01`);
    if (headers.includes('b3')) expect(probe.headers.b3).toBe(`${hex(client.trace_id)}-${hex(client.span_id)}-1`);
  });
});

describe('OTEL_LOG_LEVEL', () => {
  it("sets the SDK's own diagnostics level: an export the receiver refuses is logged at the default, not at none", async () => {
    const [loud, quiet] = await Promise.all([
      run({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}/fail-a` }, { prefix: '/fail-a', endpoint: false }),
      run(
        { OTEL_LOG_LEVEL: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}/fail-b` },
        { prefix: '/fail-b', endpoint: false },
      ),
    ]);
    expect(loud.requests.length).toBeGreaterThan(0);
    expect(quiet.requests.length).toBeGreaterThan(0);
    expect(loud.app.stderr).toContain('sightline.otel.sdk');
    expect(quiet.app.stderr).not.toContain('sightline.otel.sdk');
  });
});

describe('resource', () => {
  it('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the detectors add host, OS, process and service.instance.id', async () => {
    const r = await run({ OTEL_SERVICE_NAME: 'from-env', OTEL_RESOURCE_ATTRIBUTES: 'team=core,region=eu%2Dwest' });
    const resource = r.resource();
    expect(resource).toMatchObject({
      'service.name': 'from-env',
      team: 'core',
      region: 'eu-west',
      'process.pid': expect.any(Number) as unknown,
    });
    expect(resource['host.name']).toBe(execSync('hostname').toString().trim());
    expect(resource['os.type']).toBe('linux');
    expect(resource['process.runtime.name']).toBe('nodejs');
    expect(resource['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('OTEL_NODE_RESOURCE_DETECTORS=none turns the detectors off', async () => {
    const r = await run({ OTEL_NODE_RESOURCE_DETECTORS: 'none' });
    const resource = r.resource();
    expect(resource['service.name']).toBe('env-app');
    expect(resource['host.name']).toBeUndefined();
    expect(resource['service.instance.id']).toBeUndefined();
  });
});
