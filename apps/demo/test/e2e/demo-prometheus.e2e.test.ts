// The demo scraped by a real Prometheus server: the target is up and queries return its series.
import { startPrometheus, until, type PrometheusServer } from '../../../../test/support/prometheus-server.js';
import { startDemoProcess, type DemoProcess } from '../demo-process.js';

describe('the demo under a real Prometheus', () => {
  let demo: DemoProcess;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    demo = await startDemoProcess(['--rate', '40']);
    const target = new URL(demo.urls.metrics);
    prometheus = await startPrometheus({ targets: [target.host], jobName: 'sightline-demo' });
    await prometheus.waitForTargets();
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (demo && demo.child.exitCode === null) {
      demo.child.kill('SIGINT');
      await demo.exited;
    }
  });

  it.each([
    ['HTTP metric set', 'sum(http_requests_total{job="sightline-demo"})'],
    ['queue metric set', 'sum(queue_items_processed_total{queue_name="orders"})'],
    ['cache metric set', 'sum(cache_hits_total{cache_name="orders"}) + sum(cache_misses_total{cache_name="orders"})'],
    ['sensor (PrometheusMonitor)', 'sum(sightline_messages_received_total)'],
    ['hooks (WebSocket requests)', 'sum(sightline_request_duration_seconds_count{op="order.create"})'],
    ['stats-server received business metrics', 'sum(stats_demo_orders_created_total)'],
  ])(
    'returns the demo series of the %s',
    async (_what, expr) => {
      const value = await until(`${expr} > 0`, 20_000, async () => {
        const [sample] = await prometheus.query(expr);
        const v = sample ? Number(sample.value[1]) : 0;
        return v > 0 ? v : undefined;
      });
      expect(value).toBeGreaterThan(0);
    },
    30_000,
  );

  it('sees the target up with the demo as the job', async () => {
    const [up] = await prometheus.query('up{job="sightline-demo"}');
    expect(up?.value[1]).toBe('1');
  });
});
