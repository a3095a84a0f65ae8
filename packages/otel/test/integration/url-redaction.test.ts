// A token in a request's query never leaves the process: the server span's `url.query` and the
// client span's `url.full` carry `REDACTED`, in what reaches an OTLP receiver and in what the
// console exporter and the logs print (issue: `/status?token=<token>` was exported as is).
import { bundleSource, decode, runApp, startReceiver, type Receiver } from './loopback.js';

jest.setTimeout(60_000);

const TOKEN = 'tok-SECRET-123';

// The token comes from the environment: the SDK's process detector records the command line.
const APP = `
const http = require('node:http');
const { OpenTelemetry } = require(process.env.BRIDGE);
OpenTelemetry.configure({});
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const res = await fetch('http://127.0.0.1:' + port + '/status?token=' + process.env.APP_TOKEN + '&api_key=' + process.env.APP_KEY + '&view=1');
  await res.text();
  server.close();
  await OpenTelemetry.close();
  console.log('app-done');
});
`;

let receiver: Receiver;

beforeAll(async () => {
  [receiver] = await Promise.all([startReceiver(), bundleSource()]);
});
afterAll(() => receiver.close());

function urlAttributes(spans: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  JSON.stringify(spans, (key, value: unknown) => {
    const kv = value as { key?: string; value?: { stringValue?: string } } | null;
    if (kv && typeof kv.key === 'string' && kv.key.startsWith('url.') && kv.value?.stringValue !== undefined) {
      found[kv.key] = kv.value.stringValue;
    }
    return value;
  });
  return found;
}

test('over OTLP: url.query and url.full arrive redacted, and nothing sent or printed holds the token', async () => {
  const prefix = '/redaction';
  const run = await runApp(APP, {
    OTEL_SERVICE_NAME: 'redaction',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}${prefix}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    SIGHTLINE_LOG: 'sightline.otel=debug',
    APP_TOKEN: TOKEN,
    APP_KEY: 'key-SECRET-9',
  });
  expect(run.stdout).toContain('app-done');
  const traces = receiver.forRun(prefix).filter((r) => r.path === '/v1/traces');
  expect(traces.length).toBeGreaterThan(0);
  const spans = traces.map(decode);
  expect(urlAttributes(spans)).toMatchObject({
    'url.query': 'token=REDACTED&api_key=REDACTED&view=1',
    'url.full': expect.stringMatching(/\/status\?token=REDACTED&api_key=REDACTED&view=1$/) as unknown,
    'url.path': '/status',
  });
  for (const r of receiver.forRun(prefix)) expect(r.body.toString('utf8')).not.toMatch(/SECRET/);
  expect(run.stdout + run.stderr).not.toMatch(/SECRET/);
});

test('with the console exporter: the printed spans carry REDACTED, never the token', async () => {
  const run = await runApp(APP, {
    OTEL_SERVICE_NAME: 'redaction',
    OTEL_TRACES_EXPORTER: 'console',
    SIGHTLINE_LOG: 'sightline.otel=info',
    APP_TOKEN: TOKEN,
    APP_KEY: 'key-SECRET-9',
  });
  expect(run.stdout).toContain('app-done');
  const printed = run.stdout + run.stderr;
  expect(printed).toContain('token=REDACTED&api_key=REDACTED&view=1');
  expect(printed).not.toMatch(/SECRET/);
});
