// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(m) {
  const collector = new m.MetricsCollector({ instanceId: 'smoke' });
  const cache = m.cacheMetrics(collector).cache('http_response');
  cache.hit(3);
  cache.miss(1);
  m.httpMetrics(collector).observe('GET', m.normalizePath('/orders/42'), 200, 0.01);
  const monitor = new m.PrometheusMonitor({ collector });
  monitor.onMessageIn('orders/0', 0, null);
  const text = await collector.render();
  assert.match(text, /^cache_hit_rate\{cache_name="http_response",instance_id="smoke"\} 0\.75$/m);
  assert.match(text, /^http_requests_total\{method="GET",endpoint="\/orders\/:id",status="200",instance_id="smoke"\} 1$/m);
  assert.match(text, /^sightline_messages_received_total\{instance_id="smoke"\} 1$/m);
  const om = await collector.negotiate('application/openmetrics-text');
  assert.equal(om.contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  assert.ok(om.body.endsWith('# EOF\n'));
  assert.throws(() => collector.counter('bad-name', 'x'), m.InvalidMetricNameError);
  assert.equal(m.prometheus().name, 'prometheus');
}
