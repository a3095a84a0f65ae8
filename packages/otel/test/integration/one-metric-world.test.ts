// setup({ plugins: [prometheus(), otel(), health()] }): what any OpenTelemetry meter records joins
// health's /metrics next to prometheus()'s families, each family once.
import { setLogSink, type LogRecord, type Plugin } from '@sightline/core';
import { health } from '@sightline/health';
import { setup } from '@sightline/setup';
import { OpenTelemetry, otel } from '../../src/index.js';
import { declaredFamilies, driveTraffic, get, startStack, type Stack } from '../support/one-metric-world.js';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

describe('one metric world: setup() with prometheus(), otel() and health()', () => {
  let stack: Stack;
  let records: LogRecord[];
  let previousSink: ReturnType<typeof setLogSink>;

  beforeAll(async () => {
    records = [];
    previousSink = setLogSink((r) => records.push(r));
    stack = await startStack();
    await driveTraffic(stack);
  });

  afterAll(async () => {
    await stack?.close();
    await OpenTelemetry.resetForTesting();
    setLogSink(previousSink);
  });

  it("serves the app's OTel counter, recorded through the global API, on health's /metrics", async () => {
    const reply = await get(stack.metricsUrl);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.body).toContain(
      '# HELP app_orders_placed_total Orders placed\n# TYPE app_orders_placed_total counter\n' +
        'app_orders_placed_total{region="eu",otel_scope_name="shop-app",otel_scope_version="0.1.0"} 3\n',
    );
    // The injected reader still reads the same provider: the exposition's reader sits next to it.
    await stack.injected.reader.forceFlush();
    const exported = stack.injected.exporter.getMetrics().flatMap((r) => r.scopeMetrics.map((s) => s.scope.name));
    expect(exported).toContain('shop-app');
  });

  it('names the HTTP duration histogram as the OTel Prometheus exporter does, with its labels', async () => {
    const { body } = await get(stack.metricsUrl);
    expect(body).toContain('# TYPE http_server_request_duration_seconds histogram\n');
    const labels =
      'http_request_method="GET",url_scheme="http",http_response_status_code="200",network_protocol_version="1.1",' +
      'http_route="/orders/:id",otel_scope_name="@sightline/otel"';
    expect(body).toContain(`http_server_request_duration_seconds_count{${labels}} 3\n`);
    expect(body).toContain(`http_server_request_duration_seconds_bucket{${labels},le="+Inf"} 3\n`);
    const targetInfo = body.split('\n').find((l) => l.startsWith('target_info{'));
    expect(targetInfo).toContain('service_name="orders",service_version="1.2.3",telemetry_sdk_language="nodejs"');
  });

  it("has no family twice, and leaves the hooks' OTel instruments to prometheus()'s families", async () => {
    for (const accept of [undefined, OPENMETRICS]) {
      const { body } = await get(stack.metricsUrl, accept ? { accept } : {});
      const families = declaredFamilies(body);
      expect(families.length).toBeGreaterThan(10);
      expect(new Set(families).size).toBe(families.length);
      // prometheus() records the hooks...
      expect(body).toMatch(/^sightline_request_errors_total\{[^}]*op="checkout"[^}]*\} 1$/m);
      expect(body).toMatch(/^sightline_ws_connections_active(\{[^}]*\})? 1$/m);
      // ...and otel()'s instruments of the same hooks stay out: no `sightline_ws_connections` gauge
      // (the open connections again) beside prometheus()'s `sightline_ws_connections_active`.
      expect(body).not.toContain('@sightline/otel/hooks');
      expect(body).not.toContain('# TYPE sightline_ws_connections gauge');
    }
    // Nothing collided, so nothing was dropped and logged.
    expect(records.filter((r) => r.message.includes('collides'))).toEqual([]);
  });

  it('renders OpenMetrics when asked, counters named without _total in the family', async () => {
    const reply = await get(stack.metricsUrl, { accept: OPENMETRICS });
    expect(reply.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(reply.body).toContain(
      '# TYPE app_orders_placed counter\napp_orders_placed_total{region="eu",otel_scope_name="shop-app",otel_scope_version="0.1.0"} 3\n',
    );
    expect(reply.body.endsWith('# EOF\n')).toBe(true);
    expect(reply.body.match(/# EOF/g)).toHaveLength(1);
  });
});

describe('the exposition options', () => {
  afterEach(() => OpenTelemetry.resetForTesting());

  it('exposeMetrics: false gives setup no metrics from otel()', () => {
    expect(otel({ exposeMetrics: false }).metrics).toBeUndefined();
    expect(otel().metrics).toBeDefined();
  });

  it("exposeHookMetrics: true adds the hooks' instruments, on their own meter", async () => {
    const h = health({ port: 0, env: {} });
    const obs = setup({
      service: 'orders',
      signals: false,
      plugins: [
        otel({ resourceDetectors: false, spanProcessors: [], logRecordProcessors: [], metricReaders: [], exposeHookMetrics: true }),
        h,
      ],
    });
    await obs.start();
    try {
      obs.hooks.onError('checkout', 'Timeout');
      const { body } = await get(`${h.server!.url}/metrics`);
      expect(body).toContain(
        'sightline_request_errors_total{op="checkout",error_type="Timeout",otel_scope_name="@sightline/otel/hooks"} 1\n',
      );
    } finally {
      await obs.close();
    }
  });

  it('otel() alone still gives health a /metrics of what OTel meters record; nothing before start', async () => {
    const plugin: Plugin = otel({ resourceDetectors: false, spanProcessors: [], logRecordProcessors: [], metricReaders: [] });
    expect(await plugin.metrics!.render()).toBe('');
  });
});
