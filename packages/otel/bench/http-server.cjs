// The server side of http.bench.mjs, one mode per process: a plain node:http server with no
// instrumentation, with @sightline/otel's diagnostics-channel instrumentation, or with
// @opentelemetry/instrumentation-http. Both instrumented modes run the same SDK pipeline: a
// BatchSpanProcessor over an exporter that keeps one span (to compare attributes) and drops the
// rest, and a meter provider whose reader collects only when asked. Reports CPU over IPC.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: instrumentation-http must be registered before node:http is required. */
const mode = process.argv[2];

const { kept, dropExporter } = require('./drop-exporter.cjs');
let collect = async () => undefined;

if (mode === 'ours') {
  const { OpenTelemetry } = require('../dist/index.cjs');
  const { MetricReader } = require('@opentelemetry/sdk-metrics');
  class OnDemandReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const reader = new OnDemandReader();
  OpenTelemetry.configure({
    service: 'bench',
    spanExporter: dropExporter,
    metricReaders: [reader],
    logRecordProcessors: [],
    resourceDetectors: false,
  });
  collect = () => reader.collect();
} else if (mode === 'theirs') {
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'http';
  const { context, metrics, propagation, trace } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
  const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
  const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  class OnDemandReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const reader = new OnDemandReader();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: dropExporter })] });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider, meterProvider });
  collect = () => reader.collect();
}

const http = require('node:http');
const body = Buffer.from('{"ok":true}');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

process.on('message', async (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system });
  } else if (message === 'report') {
    const result = await collect();
    const names = [];
    for (const sm of result?.resourceMetrics?.scopeMetrics ?? []) for (const m of sm.metrics) names.push(m.descriptor.name);
    const span = kept.span;
    process.send({
      report: {
        spans: kept.spans,
        metrics: names,
        span: span && { name: span.name, kind: span.kind, attributes: span.attributes },
      },
    });
  } else if (message === 'exit') {
    server.close();
    process.exit(0);
  }
});
