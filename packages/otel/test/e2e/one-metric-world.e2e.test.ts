// The /metrics of setup({ plugins: [prometheus(), otel(), health()] }), with what OpenTelemetry
// meters record in it (HTTP histograms, the app's own counter, target_info), through the real
// checkers: promtool for the text format, the strict OpenMetrics parser (python3-prometheus-client).
import { OpenTelemetry } from '../../src/index.js';
import { openMetricsParse, promtoolCheck } from '../../../stats-server/test/e2e/checkers.js';
import { declaredFamilies, driveTraffic, get, startStack, type Stack } from '../support/one-metric-world.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await driveTraffic(stack);
});

afterAll(async () => {
  await stack?.close();
  await OpenTelemetry.resetForTesting();
});

describe('one metric world under the real checkers', () => {
  it('the Prometheus text body passes promtool check metrics, OTel families included, each once', async () => {
    const { contentType, body } = await get(stack.metricsUrl);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const family of [
      'target_info',
      'http_server_request_duration_seconds',
      'app_orders_placed_total',
      'sightline_request_errors_total',
    ]) {
      expect(declaredFamilies(body)).toContain(family);
    }
    const families = declaredFamilies(body);
    expect(new Set(families).size).toBe(families.length);
    const result = promtoolCheck(body);
    // Exit 0 and nothing to say: valid, and no lint advice either.
    expect({ status: result.status, out: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, out: '' });
  });

  it('the OpenMetrics body passes the strict parser, with the OTel samples read back', async () => {
    const { contentType, body } = await get(stack.metricsUrl, { accept: 'application/openmetrics-text; version=1.0.0' });
    expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const parsed = openMetricsParse(body);
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
    const samples = parsed.samples!;
    expect(samples).toContainEqual([
      'counter',
      'app_orders_placed_total',
      { region: 'eu', otel_scope_name: 'shop-app', otel_scope_version: '0.1.0' },
      3,
    ]);
    const routeCount = samples.find(
      ([type, name, labels]) =>
        type === 'histogram' && name === 'http_server_request_duration_seconds_count' && labels.http_route === '/orders/:id',
    );
    expect(routeCount?.[2]).toEqual({
      http_request_method: 'GET',
      url_scheme: 'http',
      http_response_status_code: '200',
      network_protocol_version: '1.1',
      http_route: '/orders/:id',
      otel_scope_name: '@sightline/otel',
    });
    expect(routeCount?.[3]).toBe(3);
    expect(samples.some(([type, name]) => type === 'gauge' && name === 'target_info')).toBe(true);
  });
});
