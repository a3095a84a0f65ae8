// The demo's traces as a collector gets them: OTLP/HTTP (JSON) to a loopback receiver. The REST
// API's requests are server spans (from Node's diagnostics channels, joined to the load generator's
// fetch client spans), and the stream hop carries the context, so order.create and order.process
// share one trace.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runDemo } from './demo-process.js';

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

const attrs = (span: JsonSpan) => Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));

it('REST requests are server spans in the load generator trace, and order.create and order.process share one trace', async () => {
  const bodies: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  try {
    const run = runDemo(['--api-port', '0', '--health-port', '0', '--stats-port', '0', '--duration', '3', '--rate', '20'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });

    const spans = bodies.flatMap((b) =>
      (JSON.parse(b) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: JsonSpan[] }> }> }).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans),
      ),
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    const processed = spans.filter((s) => s.name === 'order.process');
    expect(processed.length).toBeGreaterThan(0);
    const joined = processed.filter((p) => byId.get(p.parentSpanId ?? '')?.name === 'order.create');
    expect(joined.length).toBe(processed.length);
    for (const p of joined) expect(p.traceId).toBe(byId.get(p.parentSpanId!)!.traceId);
    expect(processed[0]!.kind).toBe(5); // CONSUMER
    expect(attrs(processed[0]!)).toMatchObject({
      'messaging.destination.name': 'orders',
      'messaging.operation.type': 'process',
      'messaging.destination.partition.id': expect.stringMatching(/^\d+$/),
    });

    const rest = spans.filter((s) => s.name === 'GET /orders/:id');
    expect(rest.length).toBeGreaterThan(0);
    expect(rest[0]!.kind).toBe(2); // SERVER
    expect(attrs(rest[0]!)).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'url.path': expect.stringMatching(/^\/orders\//),
    });
    const client = byId.get(rest[0]!.parentSpanId ?? '');
    expect(client).toMatchObject({ name: 'GET', kind: 3, traceId: rest[0]!.traceId }); // the load generator's fetch
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
}, 40_000);
