// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(otel) {
  const exported = [];
  otel.OpenTelemetry.configure({
    service: 'smoke',
    // A duck-typed SpanExporter: the consumer project has only this package installed.
    spanExporter: {
      export(spans, done) {
        for (const span of spans) exported.push([span.name, span.parentSpanContext?.spanId, span.spanContext().traceId]);
        done({ code: 0 });
      },
      shutdown: async () => undefined,
    },
  });
  assert.throws(() => otel.OpenTelemetry.configure({ service: 'again' }), otel.AlreadyConfiguredError);

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const value = await otel.OpenTelemetry.observability({ externalTraceId: traceId }).scope('outer', async () => {
    otel.logInfo('inside');
    otel.recordMetric('smoke.count', { value: 1, kind: 'counter' });
    return otel.scope('inner', { kind: 'consumer', attributes: otel.messagingAttributes('orders/1', { operation: 'process' }) }, () => 7);
  });
  assert.equal(value, 7);
  await otel.OpenTelemetry.close();
  await otel.OpenTelemetry.close();

  assert.equal(exported.length, 2);
  const [inner, outer] = exported;
  assert.deepEqual([inner[0], outer[0]], ['inner', 'outer']);
  assert.equal(outer[2], traceId);
  assert.equal(inner[2], traceId);
  assert.equal(outer[1], undefined);
  assert.ok(inner[1], 'inner has a parent');
  assert.throws(() => otel.parseTraceId('nope'), otel.InvalidTraceIdError);
  assert.equal(typeof otel.setHttpRoute, 'function');
}
