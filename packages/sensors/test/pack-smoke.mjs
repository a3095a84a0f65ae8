// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(sensors) {
  // Core's Sensor contract is the one name for the events: no aliases of it here.
  assert.equal(sensors.STREAM_SENSOR_EVENT_NAMES, undefined);
  assert.equal(sensors.Sensor, undefined);
  assert.ok(new sensors.Monitor() instanceof sensors.BaseSensor);
  let t = 0;
  const clock = { now: () => t };
  const monitor = new sensors.Monitor({ clock });
  const custom = new sensors.CustomSensor('smoke');
  const delegate = new sensors.SensorDelegate(monitor, custom, {
    onMessageIn() {
      throw new Error('broken sensor');
    },
  });
  const handle = sensors.instrumentHandler(delegate, (n) => n * 2, { tp: 'orders/0' });
  assert.equal(handle(21), 42);
  t = 1000;
  assert.equal(monitor.messagesReceivedTotal(), 1);
  assert.equal(monitor.eventsPerSecond(), 1);
  assert.equal(delegate.errorCount(), 1);
  custom.recordHistogram('x', 3);
  assert.deepEqual(delegate.getCombinedMetrics().smoke.histograms.x, { count: 1, sum: 3, min: 3, max: 3, p50: 3, p95: 3, p99: 3 });

  const plugin = sensors.healthMonitor({ lagThreshold: 1 });
  plugin.sensor.onMessageIn('orders/0', 0, null);
  plugin.sensor.reportEndOffset('orders/0', 10);
  const result = await plugin.healthChecks[0].check();
  assert.equal(result.healthy, false);
  assert.equal(result.message, 'consumer lag 9 on orders/0 exceeds 1');
  await plugin.start();
  const closing = plugin.close();
  assert.equal(plugin.close(), closing);
  await closing;
}
