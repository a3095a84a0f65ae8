// The OTLP exporters' own requests are not the app's HTTP traffic: with the HTTP instrumentation on,
// an export leaves no client span and no `http.client.request.duration` point for a later export to
// carry, while the app's own request is traced. The app runs in a child Node (see loopback.ts).
import { bundleSource, decode, runApp, startReceiver, type Receiver } from './loopback.js';
import { attributesOf, type Decoded } from './otlp-proto.js';

jest.setTimeout(30_000);

const APP = `
const { OpenTelemetry, scope } = require(process.env.BRIDGE);
OpenTelemetry.configure({ service: 'self-export', otlpEndpoint: process.env.ENDPOINT, exportIntervalMs: 60000, resourceDetectors: false });
(async () => {
  await scope('first', async () => {
    await (await fetch(process.env.PING)).text();
  });
  // The first export of spans and metrics: were it traced, the second would carry its spans and points.
  await OpenTelemetry.flush();
  await scope('second', async () => {});
  await OpenTelemetry.close();
})();
`;

let receiver: Receiver;

beforeAll(async () => {
  [receiver] = await Promise.all([startReceiver(), bundleSource()]);
});
afterAll(() => receiver.close());

it("an OTLP export does not trace itself; the app's own request is traced", async () => {
  const base = `http://127.0.0.1:${receiver.port}`;
  const run = await runApp(APP, { ENDPOINT: `${base}/self`, PING: `${base}/app/ping` });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const exports = receiver.forRun('/self');
  expect(exports.filter((r) => r.path === '/v1/traces')).toHaveLength(2);

  const spans = exports
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => decode(r).resource_spans as Decoded[])
    .flatMap((rs) => (rs.scope_spans as Decoded[]).flatMap((ss) => ss.spans as Decoded[]));
  // The app's fetch is the one client span (`GET`); no `POST` of an export.
  expect(spans.map((s) => s.name).sort()).toEqual(['GET', 'first', 'second']);

  const durations = exports
    .filter((r) => r.path === '/v1/metrics')
    .flatMap((r) => decode(r).resource_metrics as Decoded[])
    .flatMap((rm) => (rm.scope_metrics as Decoded[]).flatMap((sm) => sm.metrics as Decoded[]))
    .filter((m) => m.name === 'http.client.request.duration');
  const methods = durations.flatMap((m) =>
    ((m.histogram as Decoded).data_points as Decoded[]).map((p) => attributesOf(p.attributes)['http.request.method']),
  );
  // Cumulative: each export repeats the app's one point; never a POST.
  expect(new Set(methods)).toEqual(new Set(['GET']));
});
