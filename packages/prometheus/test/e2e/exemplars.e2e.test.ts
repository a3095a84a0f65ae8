// Exemplars end to end: the OpenMetrics body with a trace exemplar is accepted by the reference
// OpenMetrics parser (Debian python3-prometheus-client) and stored by a real Prometheus with
// exemplar storage on, which returns the trace id from its exemplar API.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { httpMetrics, metricsHandler, MetricsCollector } from '../../src/index.js';
import { get } from '../helpers.js';
import { startPrometheus, until, type PrometheusServer } from '../../../../test/support/prometheus-server.js';

const PYTHON = '/usr/bin/python3';
// Parses stdin strictly; prints each sample that has an exemplar as [name, labels, exemplar labels, value].
const OPENMETRICS_EXEMPLARS = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        if s.exemplar is not None:
            out.append([s.name, s.labels, s.exemplar.labels, s.exemplar.value])
print(json.dumps(out))
`;

describe('exemplars against the reference parser and a real Prometheus', () => {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  let tracer: Tracer;
  const collector = new MetricsCollector({ instanceId: 'exemplar-e2e' });
  const http = httpMetrics(collector, { buckets: [0.25, 2.5] });
  const serveMetrics = metricsHandler(collector);
  const traceIds: string[] = [];
  let app: Server;
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager);
    tracer = new BasicTracerProvider().getTracer('e2e');
    app = createServer((req, res) => {
      if (req.url === '/metrics') return void serveMetrics(req, res);
      tracer.startActiveSpan(`GET ${req.url}`, (span) => {
        traceIds.push(span.spanContext().traceId);
        http.track(req, res, { route: '/checkout' });
        res.end('ok');
        span.end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
    const port = (app.address() as AddressInfo).port;
    for (let i = 0; i < 3; i++) await get(`http://127.0.0.1:${port}/checkout`);
    prometheus = await startPrometheus({
      targets: [`127.0.0.1:${port}`],
      jobName: 'exemplar-app',
      extraArgs: ['--enable-feature=exemplar-storage'],
    });
    await prometheus.waitForTargets();
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((resolve) => app.close(() => resolve()));
    context.disable();
  });

  it('the strict OpenMetrics parser accepts the body and reads the exemplar', () => {
    if (!existsSync(PYTHON))
      throw new Error(`${PYTHON} is missing: apt-get install -y python3-prometheus-client (CI's .ci/run installs it)`);
    return collector.render('openmetrics').then((body) => {
      const run = spawnSync(PYTHON, ['-c', OPENMETRICS_EXEMPLARS], { input: body, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const samples = JSON.parse(run.stdout) as Array<[string, Record<string, string>, Record<string, string>, number]>;
      expect(samples).toHaveLength(1);
      const [name, labels, exemplar, value] = samples[0]!;
      expect([name, labels]).toEqual([
        'http_request_duration_seconds_bucket',
        { method: 'GET', endpoint: '/checkout', le: '0.25', instance_id: 'exemplar-e2e' },
      ]);
      expect(exemplar.trace_id).toBe(traceIds[2]);
      expect(exemplar.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(value).toBeGreaterThan(0);
    });
  });

  it('Prometheus with exemplar storage stores the trace id and returns it from query_exemplars', async () => {
    const found = await until('the exemplar in Prometheus', 20_000, async () => {
      const end = Date.now() / 1000 + 60;
      const response = await fetch(
        `${prometheus!.url}/api/v1/query_exemplars?query=${encodeURIComponent('http_request_duration_seconds_bucket')}&start=${end - 3600}&end=${end}`,
      );
      const body = (await response.json()) as {
        status: string;
        data: Array<{ seriesLabels: Record<string, string>; exemplars: Array<{ labels: Record<string, string>; value: string }> }>;
      };
      return body.data.length > 0 ? body : undefined;
    });
    expect(found.status).toBe('success');
    const series = found.data[0]!;
    expect(series.seriesLabels).toMatchObject({
      __name__: 'http_request_duration_seconds_bucket',
      endpoint: '/checkout',
      le: '0.25',
      job: 'exemplar-app',
    });
    expect(series.exemplars.map((e) => e.labels.trace_id)).toContain(traceIds[2]);
  });
});
