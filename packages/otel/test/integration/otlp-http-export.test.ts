// configure() with an endpoint exports OTLP over HTTP/protobuf: a real receiver on loopback gets
// the three signals at their paths and the bodies decode to what was recorded. The application runs
// in a child Node process (see loopback.ts for why).
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundle, bundleSource, packageDir } from './loopback.js';
import { attributesOf, decodeLogs, decodeMetrics, decodeTraces, hex, type Decoded } from './otlp-proto.js';

jest.setTimeout(30_000);

// The application: what it records is what the receiver must decode.
const APP = `
const { OpenTelemetry, scope, logInfo, recordEvent, recordMetric } = require(process.env.BRIDGE);
OpenTelemetry.configure({
  service: 'otlp-test-service',
  version: '3.1.4',
  environment: 'ci',
  otlpEndpoint: process.env.ENDPOINT,
  headers: { authorization: 'Bearer test-token' },
  exportIntervalMs: 60000,
  attributes: { team: 'observability' },
});
(async () => {
  await OpenTelemetry.observability({ externalTraceId: '0af7651916cd43dd8448eb211c80319c' }).scope(
    'checkout',
    { attributes: { 'order.id': 'ord-789' } },
    async () => {
      await scope('charge-card', async () => {
        recordEvent('payment.authorized', { amount: 99.99 });
        logInfo('card charged', { currency: 'USD' });
      });
      recordMetric('orders.total', { value: 3, kind: 'counter', attributes: { region: 'eu' } });
    },
  );
  // shutdown flushes the span and log batches and the last metric collection.
  await OpenTelemetry.close();
})();
`;

function runApp(endpoint: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['-e', APP],
      { cwd: packageDir, env: { ...process.env, BRIDGE: bundle, ENDPOINT: endpoint }, timeout: 20_000 },
      (error, _stdout, stderr) => (error ? fail(new Error(`app failed: ${error.message}\n${stderr}`)) : done()),
    );
  });
}

interface Received {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: Buffer;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('OTLP/HTTP export to a loopback receiver', () => {
  let server: Server;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({
          method: req.method!,
          url: req.url!,
          contentType: req.headers['content-type'],
          authorization: req.headers.authorization,
          body,
        });
        // An empty Export*ServiceResponse: full success.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await Promise.all([once(server, 'listening'), bundleSource()]);
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('sends spans, logs and metrics as protobuf to /v1/traces, /v1/logs and /v1/metrics', async () => {
    await runApp(`http://127.0.0.1:${port}`);

    const byPath = new Map<string, Received[]>();
    for (const r of received) byPath.set(r.url, [...(byPath.get(r.url) ?? []), r]);
    expect([...byPath.keys()].sort()).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces']);
    for (const r of received) {
      expect(r.method).toBe('POST');
      expect(r.contentType).toBe('application/x-protobuf');
      expect(r.authorization).toBe('Bearer test-token');
    }

    // Traces
    const traceRequests = byPath.get('/v1/traces')!.map((r) => decodeTraces(r.body));
    const resourceSpans = traceRequests.flatMap((t) => t.resource_spans as Decoded[]);
    const resource = attributesOf((resourceSpans[0]!.resource as Decoded).attributes);
    expect(resource).toMatchObject({
      'service.name': 'otlp-test-service',
      'service.version': '3.1.4',
      'deployment.environment.name': 'ci',
      team: 'observability',
    });
    const spans = resourceSpans.flatMap((rs) => (rs.scope_spans as Decoded[]).flatMap((ss) => ss.spans as Decoded[]));
    expect(spans.map((s) => s.name).sort()).toEqual(['charge-card', 'checkout']);
    const checkout = spans.find((s) => s.name === 'checkout')!;
    const charge = spans.find((s) => s.name === 'charge-card')!;
    expect(hex(checkout.trace_id)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(hex(charge.trace_id)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(checkout.parent_span_id).toBeUndefined();
    expect(hex(charge.parent_span_id)).toBe(hex(checkout.span_id));
    expect(attributesOf(checkout.attributes)).toEqual({ 'order.id': 'ord-789' });
    // STATUS_CODE_UNSET (0) on success, as the OpenTelemetry specification asks of instrumentation.
    expect([checkout, charge].map((s) => (s.status as Decoded | undefined)?.code ?? 0)).toEqual([0, 0]);
    const events = charge.events as Decoded[];
    expect(events.map((e) => [e.name, attributesOf(e.attributes)])).toEqual([['payment.authorized', { amount: 99.99 }]]);

    // Logs carry the span they were written in.
    const logRecords = byPath
      .get('/v1/logs')!
      .map((r) => decodeLogs(r.body))
      .flatMap((l) => l.resource_logs as Decoded[])
      .flatMap((rl) => (rl.scope_logs as Decoded[]).flatMap((sl) => sl.log_records as Decoded[]));
    expect(logRecords).toHaveLength(1);
    const [log] = logRecords;
    expect((log!.body as Decoded).string_value).toBe('card charged');
    expect(log!.severity_text).toBe('INFO');
    expect(log!.severity_number).toBe(9);
    expect(attributesOf(log!.attributes)).toEqual({ currency: 'USD' });
    expect(hex(log!.trace_id)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(hex(log!.span_id)).toBe(hex(charge.span_id));

    // Metrics
    const metrics = byPath
      .get('/v1/metrics')!
      .map((r) => decodeMetrics(r.body))
      .flatMap((m) => m.resource_metrics as Decoded[])
      .flatMap((rm) => (rm.scope_metrics as Decoded[]).flatMap((sm) => sm.metrics as Decoded[]));
    const orders = metrics.find((m) => m.name === 'orders.total')!;
    const sum = orders.sum as Decoded;
    expect(sum.is_monotonic).toBe(true);
    const points = (sum.data_points as Decoded[]).map((p) => [attributesOf(p.attributes), p.as_double ?? Number(p.as_int)]);
    expect(points).toEqual([[{ region: 'eu' }, 3]]);
  });
});
