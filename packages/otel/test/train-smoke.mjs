// Run by scripts/check-packages.mjs in an empty project holding the packed tarball and one SDK
// train (test/trains.json): an application in a child process exports traces, metrics and logs
// over OTLP/HTTP protobuf to a loopback receiver here, which decodes them with otlp.proto.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import protobuf from 'protobufjs';

const APP = `
const http = require('node:http');
const { OpenTelemetry, scope, logInfo, recordMetric } = require('@sightline/otel');
OpenTelemetry.configure({ service: 'train-smoke', otlpEndpoint: process.env.ENDPOINT });
const server = http.createServer((req, res) => scope('handle', () => res.end('ok'))).listen(0, '127.0.0.1', async () => {
  await OpenTelemetry.observability().scope('checkout', async () => {
    const body = await (await fetch('http://127.0.0.1:' + server.address().port + '/orders/1')).text();
    logInfo('fetched', { body });
    recordMetric('orders.total', { value: 3, kind: 'counter' });
  });
  server.close();
  await OpenTelemetry.close();
  // Some packages do not export ./package.json: read it beside the resolved entry point.
  const fs = require('node:fs');
  const path = require('node:path');
  const v = (p) => {
    for (let dir = path.dirname(require.resolve(p)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === p) return pkg.version;
      }
    }
    return 'unknown';
  };
  console.log(JSON.stringify({ api: v('@opentelemetry/api'), sdkTrace: v('@opentelemetry/sdk-trace'), sdkMetrics: v('@opentelemetry/sdk-metrics'), sdkLogs: v('@opentelemetry/sdk-logs') }));
});
`;

const root = protobuf.parse(readFileSync(new URL('./otlp.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
const decode = (type, body) => {
  const t = root.lookupType(`otlp.${type}`);
  return t.toObject(t.decode(body), { longs: String, defaults: false, oneofs: false });
};
const hex = (b) => Buffer.from(b).toString('hex');
const attrs = (list) =>
  Object.fromEntries(
    (list ?? []).map(({ key, value }) => [key, value?.string_value ?? value?.int_value ?? value?.double_value ?? value?.bool_value]),
  );

const received = [];
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');

const { stdout } = await new Promise((resolve, reject) =>
  execFile(
    process.execPath,
    ['-e', APP],
    { env: { ...process.env, ENDPOINT: `http://127.0.0.1:${receiver.address().port}` }, timeout: 30_000 },
    (error, out, err) => (error ? reject(new Error(`app failed: ${error.message}\n${err}`)) : resolve({ stdout: out })),
  ),
);
receiver.closeAllConnections();
receiver.close();

const of = (path, type) => received.filter((r) => r.path === path).map((r) => decode(type, r.body));
const resourceSpans = of('/v1/traces', 'ExportTraceServiceRequest').flatMap((t) => t.resource_spans);
const spans = resourceSpans.flatMap((rs) => rs.scope_spans.flatMap((ss) => ss.spans));
const byKind = (kind) => spans.filter((s) => (s.kind ?? 0) === kind);
const checkout = spans.find((s) => s.name === 'checkout');
const [client] = byKind(3);
const [server] = byKind(2);
const handle = spans.find((s) => s.name === 'handle');
assert.ok(checkout && client && server && handle, `spans: ${spans.map((s) => s.name).join(', ')}`);
for (const s of [client, server, handle]) assert.equal(hex(s.trace_id), hex(checkout.trace_id), `${s.name} in the checkout trace`);
assert.equal(hex(client.parent_span_id), hex(checkout.span_id));
assert.equal(hex(server.parent_span_id), hex(client.span_id));
assert.equal(hex(handle.parent_span_id), hex(server.span_id));
assert.equal(attrs(server.attributes)['url.path'], '/orders/1');
const resource = attrs(resourceSpans[0].resource.attributes);
assert.equal(resource['service.name'], 'train-smoke');
assert.ok(resource['host.name'] && resource['service.instance.id'], 'detected resource attributes');

const logs = of('/v1/logs', 'ExportLogsServiceRequest').flatMap((l) =>
  l.resource_logs.flatMap((rl) => rl.scope_logs.flatMap((sl) => sl.log_records)),
);
assert.equal(logs.length, 1);
assert.equal(logs[0].body.string_value, 'fetched');
assert.equal(hex(logs[0].trace_id), hex(checkout.trace_id));

const metrics = of('/v1/metrics', 'ExportMetricsServiceRequest').flatMap((m) =>
  m.resource_metrics.flatMap((rm) => rm.scope_metrics.flatMap((sm) => sm.metrics)),
);
const names = new Set(metrics.map((m) => m.name));
for (const name of ['orders.total', 'http.server.request.duration', 'http.client.request.duration'])
  assert.ok(names.has(name), `metric ${name}`);
const orders = metrics.find((m) => m.name === 'orders.total');
assert.equal(orders.sum.data_points[0].as_double ?? Number(orders.sum.data_points[0].as_int), 3);

console.log(`${spans.length} spans, ${metrics.length} metrics, ${logs.length} log records decoded; versions ${stdout.trim()}`);
