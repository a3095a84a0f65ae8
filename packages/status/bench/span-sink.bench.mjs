// What the recent-traces feed costs a traced request: a parent span with a child through the raw
// OpenTelemetry SDK (no processor: span creation alone, the floor), without and with the status
// page's span sink (SpanSinkProcessor into the page's bounded store), side by side.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SpanSinkProcessor } from '@sightline/otel';
import { createStatusPage } from '@sightline/status';

const page = createStatusPage();
const plain = new BasicTracerProvider({ spanProcessors: [] }).getTracer('bench');
const withSink = new BasicTracerProvider({ spanProcessors: [new SpanSinkProcessor(page.spanSink)] }).getTracer('bench');

function pair(tracer) {
  const parent = tracer.startSpan('handle-order', { attributes: { 'order.id': 'o-1' } });
  const child = tracer.startSpan('charge-card');
  child.end();
  parent.end();
}

// Batches of 1000 with a yield between, as a service would see them.
async function measure(tracer, n) {
  let ns = 0;
  for (let done = 0; done < n; done += 1000) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) pair(tracer);
    ns += Number(process.hrtime.bigint() - t0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return ns / n;
}

const N = 50_000;
for (let i = 0; i < 2; i++) {
  await measure(plain, N);
  await measure(withSink, N);
}
const rounds = 7;
const a = [];
const b = [];
for (let i = 0; i < rounds; i++) {
  a.push(await measure(plain, N));
  b.push(await measure(withSink, N));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const ratios = a.map((x, i) => b[i] / x);
console.log(`a parent and a child span, ${N} per round, ${rounds} rounds (median), node ${process.version}:`);
console.log(`  raw SDK            : ${median(a).toFixed(0)} ns per pair`);
console.log(`  + status span sink : ${median(b).toFixed(0)} ns per pair`);
console.log(`  the sink: ${(median(b) - median(a)).toFixed(0)} ns per pair (${((median(b) - median(a)) / 2).toFixed(0)} ns per span)`);
console.log(
  `  ratio ${median(ratios).toFixed(2)}x (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x); traces held ${page.stats().traces}, spans dropped ${page.stats().droppedSpans}`,
);
await page.close();
