// HTTP spans and metrics from Node's diagnostics channels: a real node:http server and real
// clients (fetch, node:http) in one process, the SDK's in-memory exporters reading what came out.
import { once } from 'node:events';
import { channel } from 'node:diagnostics_channel';
import { createServer, get, request, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { OpenTelemetry, scope, setHttpRoute } from '../../src/index.js';
import { configureInMemory, type InMemoryTelemetry } from '../helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

let server: Server;
let port: number;
let t: InMemoryTelemetry;
let seenInHandler: Array<{ traceId: string | undefined; spanId: string | undefined; headers: IncomingMessage['headers'] }> = [];

function handler(req: IncomingMessage, res: ServerResponse): void {
  const active = trace.getSpanContext(context.active());
  seenInHandler.push({ traceId: active?.traceId, spanId: active?.spanId, headers: req.headers });
  if (req.url?.startsWith('/orders/')) setHttpRoute(req, '/orders/:id');
  if (req.url === '/boom') {
    res.writeHead(503).end('down');
    return;
  }
  // A scope inside the handler is a child of the server span.
  scope('handle', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
}

beforeAll(async () => {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  seenInHandler = [];
  t = configureInMemory();
});
afterEach(() => OpenTelemetry.resetForTesting());

const byKind = (kind: SpanKind): ReadableSpan[] => t.spans.getFinishedSpans().filter((s) => s.kind === kind);

/** The server span ends when its response finishes, which the client may see first: polls until it has. */
async function waitForSpans(count: number): Promise<void> {
  for (let i = 0; t.spans.getFinishedSpans().length < count; i++) {
    if (i === 1000) throw new Error(`expected ${count} finished spans, found ${t.spans.getFinishedSpans().length}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A node:http GET from inside a `caller` scope, read to its end; `created` sees the request before it is sent. */
async function requestInCallerScope(path: string, created?: (req: ClientRequest) => void): Promise<void> {
  const res = await scope('caller', () => {
    const req = request({ host: '127.0.0.1', port, path });
    created?.(req);
    return new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject).end());
  });
  res.resume();
  await once(res, 'end');
}

describe('HTTP instrumentation from diagnostics channels', () => {
  it('fetch to a node:http server: client and server spans in one trace, context injected and extracted', async () => {
    const body = await scope('caller', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/orders/42?expand=items`, { headers: { 'user-agent': 'sightline-test' } });
      return res.text();
    });
    expect(body).toBe('ok');
    await waitForSpans(4);

    const [client] = byKind(SpanKind.CLIENT);
    const [server] = byKind(SpanKind.SERVER);
    const caller = t.span('caller');
    const handle = t.span('handle');
    expect(client).toBeDefined();
    expect(server).toBeDefined();
    // One trace: caller -> client -> server -> handle.
    const traceId = caller.spanContext().traceId;
    for (const span of [client!, server!, handle]) expect(span.spanContext().traceId).toBe(traceId);
    expect(client!.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(server!.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    expect(server!.parentSpanContext?.isRemote).toBe(true);
    expect(handle.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    expect(seenInHandler[0]!.headers.traceparent).toBe(`00-${traceId}-${client!.spanContext().spanId}-01`);

    expect(client!.name).toBe('GET');
    expect(client!.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': port,
      'url.full': `http://127.0.0.1:${port}/orders/42?expand=items`,
      'http.response.status_code': 200,
    });
    expect(server!.name).toBe('GET /orders/:id');
    expect(server!.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/orders/42',
      'url.query': 'expand=items',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'server.port': port,
      'user_agent.original': 'sightline-test',
      'client.address': '127.0.0.1',
      'network.peer.address': '127.0.0.1',
      'network.peer.port': expect.any(Number) as unknown,
      'http.response.status_code': 200,
      'http.route': '/orders/:id',
    });
    expect(server!.status.code).toBe(SpanStatusCode.UNSET);

    const metrics = await t.metrics();
    const serverDuration = metrics.get('http.server.request.duration') as HistogramMetricData | undefined;
    const clientDuration = metrics.get('http.client.request.duration') as HistogramMetricData | undefined;
    expect(serverDuration?.descriptor.unit).toBe('s');
    expect(serverDuration?.dataPoints.map((p) => [p.attributes, p.value.count])).toEqual([
      [
        {
          'http.request.method': 'GET',
          'url.scheme': 'http',
          'http.response.status_code': 200,
          'network.protocol.version': '1.1',
          'http.route': '/orders/:id',
        },
        1,
      ],
    ]);
    expect(clientDuration?.dataPoints.map((p) => [p.attributes, p.value.count])).toEqual([
      [{ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'server.port': port, 'http.response.status_code': 200 }, 1],
    ]);
    // The histogram holds the server span's own duration, in seconds.
    const [point] = serverDuration!.dataPoints;
    expect(point!.value.sum).toBeGreaterThan(0);
    expect(point!.value.sum).toBeCloseTo(hrTimeToMilliseconds(server!.duration) / 1000, 1);
  });

  it('a server extracts an incoming traceparent and a 5xx marks the server span ERROR with error.type', async () => {
    // A raw socket, so no instrumented client stands between the test and the server: on Node
    // 22.12+ node:http's own client would inject its span's context over a hand-set header, as
    // the OpenTelemetry SDK's HTTP instrumentation does.
    const socket = connect(port, '127.0.0.1');
    socket.end(`GET /boom HTTP/1.1\r\nHost: 127.0.0.1\r\ntraceparent: 00-${TRACE_ID}-${PARENT_ID}-01\r\nConnection: close\r\n\r\n`);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 503 /);
    await waitForSpans(1);
    const [server] = byKind(SpanKind.SERVER);
    expect(server!.spanContext().traceId).toBe(TRACE_ID);
    expect(server!.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, isRemote: true });
    expect(server!.attributes['http.response.status_code']).toBe(503);
    expect(server!.attributes['error.type']).toBe('503');
    expect(server!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a node:http client span that gets a 5xx carries error.type', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: '/boom' }, resolve).on('error', reject),
    );
    res.resume();
    await once(res, 'end');
    await waitForSpans(2);
    const [client] = byKind(SpanKind.CLIENT);
    expect(client!.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 503, 'error.type': '503' });
    expect(client!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('node:http client: with http.client.request.created (published by Node >= 22.12) the context is injected', async () => {
    // Node 20 does not publish this channel; publishing it here is what newer Nodes do when a
    // ClientRequest is created, before its headers are written.
    const created = channel('http.client.request.created');
    await requestInCallerScope('/orders/7', (req) => created.publish({ request: req }));
    await waitForSpans(4);
    const [client] = byKind(SpanKind.CLIENT);
    const [server] = byKind(SpanKind.SERVER);
    expect(client!.parentSpanContext?.spanId).toBe(t.span('caller').spanContext().spanId);
    expect(server!.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    expect(seenInHandler[0]!.headers.traceparent).toBe(`00-${client!.spanContext().traceId}-${client!.spanContext().spanId}-01`);
    expect(client!.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': port,
      'url.full': `http://127.0.0.1:${port}/orders/7`,
      'http.response.status_code': 200,
    });
    // One client span: http.client.request.start (Node 20) found the span already started.
    expect(byKind(SpanKind.CLIENT)).toHaveLength(1);
  });

  // Node itself publishes http.client.request.created from 22.12 and 23.2 on. CI runs this file on
  // Node 20, 22 and 24: on the lines with the channel the context must reach the server; on 20 the
  // headers are gone before any channel fires, so the server span starts a trace of its own.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const lineHasCreatedChannel = major > 23 || (major === 23 && minor >= 2) || (major === 22 && minor >= 12);

  it(`node:http.request on Node ${process.versions.node}, nothing published by hand: ${
    lineHasCreatedChannel ? 'the client span is the parent of the server span' : 'the client span is recorded, no context injected'
  }`, async () => {
    await requestInCallerScope('/orders/9');
    await waitForSpans(4);
    const [client] = byKind(SpanKind.CLIENT);
    const [server] = byKind(SpanKind.SERVER);
    expect(byKind(SpanKind.CLIENT)).toHaveLength(1);
    expect(client!.parentSpanContext?.spanId).toBe(t.span('caller').spanContext().spanId);
    expect(client!.attributes['url.full']).toBe(`http://127.0.0.1:${port}/orders/9`);
    if (lineHasCreatedChannel) {
      expect(seenInHandler[0]!.headers.traceparent).toBe(`00-${client!.spanContext().traceId}-${client!.spanContext().spanId}-01`);
      expect(server!.spanContext().traceId).toBe(client!.spanContext().traceId);
      expect(server!.parentSpanContext).toMatchObject({ spanId: client!.spanContext().spanId, isRemote: true });
    } else {
      expect(seenInHandler[0]!.headers.traceparent).toBeUndefined();
      expect(server!.parentSpanContext).toBeUndefined();
    }
  });

  it('tokens in a query stay out of url.query and url.full; a request line in absolute form records its path', async () => {
    const secret = 'tok-SECRET-123';
    const res = await fetch(`http://127.0.0.1:${port}/orders/5?token=${secret}&api_key=k-SECRET&page=2`);
    await res.text();
    await waitForSpans(3);
    const [client] = byKind(SpanKind.CLIENT);
    const [server] = byKind(SpanKind.SERVER);
    expect(client!.attributes['url.full']).toBe(`http://127.0.0.1:${port}/orders/5?token=REDACTED&api_key=REDACTED&page=2`);
    expect(server!.attributes['url.query']).toBe('token=REDACTED&api_key=REDACTED&page=2');
    expect(JSON.stringify(t.spans.getFinishedSpans().map((s) => s.attributes))).not.toMatch(/SECRET/);

    t.spans.reset();
    const socket = connect(port, '127.0.0.1');
    socket.end('GET http://evil.example/orders/6?sig=s-SECRET HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    for await (const chunk of socket) void chunk;
    await waitForSpans(2);
    const [absolute] = byKind(SpanKind.SERVER);
    expect(absolute!.attributes).toMatchObject({ 'url.path': '/orders/6', 'url.query': 'sig=REDACTED' });
  });

  it('redactQueryParams replaces the list; the toolkit token stays redacted', async () => {
    await OpenTelemetry.resetForTesting();
    t = configureInMemory({ redactQueryParams: ['page'] });
    const res = await fetch(`http://127.0.0.1:${port}/orders/8?page=2&api_key=k&token=t`);
    await res.text();
    await waitForSpans(3);
    const [server] = byKind(SpanKind.SERVER);
    expect(server!.attributes['url.query']).toBe('page=REDACTED&api_key=k&token=REDACTED');
  });

  it('a fetch that cannot connect ends its client span with error.type and records the duration', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    await expect(fetch(`http://127.0.0.1:${deadPort}/`)).rejects.toThrow();
    await waitForSpans(1);
    const [client] = byKind(SpanKind.CLIENT);
    expect(client!.attributes['error.type']).toBe('ECONNREFUSED');
    expect(client!.status.code).toBe(SpanStatusCode.ERROR);
    const clientDuration = (await t.metrics()).get('http.client.request.duration') as HistogramMetricData | undefined;
    expect(clientDuration?.dataPoints[0]?.attributes['error.type']).toBe('ECONNREFUSED');
  });

  it('http: false records nothing, and shutdown unsubscribes', async () => {
    await OpenTelemetry.resetForTesting();
    t = configureInMemory({ http: false });
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(byKind(SpanKind.SERVER)).toHaveLength(0);
    expect(byKind(SpanKind.CLIENT)).toHaveLength(0);
    await OpenTelemetry.resetForTesting();
    t = configureInMemory();
    await OpenTelemetry.close();
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(t.spans.getFinishedSpans().filter((s) => s.kind !== SpanKind.INTERNAL)).toHaveLength(0);
  });
});
