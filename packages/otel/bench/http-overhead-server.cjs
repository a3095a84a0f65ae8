// The server side of http-overhead.bench.mjs, one mode per process, the same node:http app in each:
//   bare    no instrumentation;
//   ours    what `node --import @sightline/setup/register` turns on: setup() with the otel, prometheus
//           and health plugins (HTTP spans and metrics from diagnostics channels);
//   prom    setup() with the prometheus and health plugins only (the prometheus plugin records the
//           HTTP server metrics itself);
//   runtime setup() with the prometheus (HTTP server metrics off) and health plugins: what they cost
//           besides HTTP (prom-client's process and event-loop metrics, the sensor's sampling);
//   theirs  @opentelemetry/instrumentation-http (what auto-instrumentations-node uses for HTTP) with
//           @opentelemetry/exporter-prometheus as the metric reader.
// Spans go through a BatchSpanProcessor to an exporter that counts and drops them, in both
// OpenTelemetry modes. Nothing is scraped while measuring. Reports CPU time over IPC.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: instrumentation-http must be registered before node:http is required. */
const mode = process.argv[2];

const { kept, dropExporter } = require('./drop-exporter.cjs');

/** What the mode exposes once the run is over: metric family names, for the report. */
let families = async () => [];
let starting = Promise.resolve();

if (mode === 'ours' || mode === 'prom' || mode === 'runtime') {
  const { setup } = require('@sightline/setup');
  const { prometheus } = require('@sightline/prometheus');
  const { health } = require('@sightline/health');
  const plugins = [prometheus(mode === 'runtime' ? { httpServerMetrics: false } : {}), health({ port: 0 })];
  if (mode === 'ours') {
    const { otel } = require('../dist/index.cjs');
    // As the one flag with no OTLP metrics endpoint: the metrics are read by /metrics (the plugin's
    // pull reader), as theirs are by exporter-prometheus (OTEL_METRICS_EXPORTER=none): no second
    // reader doubles the recording.
    plugins.push(otel({ spanExporter: dropExporter, metricReaders: [], logRecordProcessors: [], resourceDetectors: false }));
  }
  // Quiet: the plugins' start-up lines are not the figures.
  process.env.SIGHTLINE_LOG_LEVEL ??= 'warn';
  const obs = setup({ service: 'bench', plugins });
  starting = obs.start();
  families = async () => [...(await obs.metrics.render()).matchAll(/^# TYPE (http_\S+)/gm)].map((m) => `/metrics ${m[1]}`);
} else if (mode === 'theirs') {
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'http';
  const { context, metrics, propagation, trace } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
  const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: dropExporter })] });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(meterProvider);
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider, meterProvider });
  families = async () => {
    const { resourceMetrics } = await exporter.collect();
    const names = [];
    for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) names.push(`exporter-prometheus ${m.descriptor.name}`);
    return names;
  };
}

const http = require('node:http');
const body = Buffer.from('{"ok":true}');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
starting.then(() => server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port })));

process.on('message', async (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system });
  } else if (message === 'report') {
    const span = kept.span;
    process.send({
      report: {
        spans: kept.spans,
        families: await families(),
        span: span && { name: span.name, attributes: Object.keys(span.attributes).sort() },
      },
    });
  } else if (message === 'exit') {
    server.close();
    process.exit(0);
  }
});
