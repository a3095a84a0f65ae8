// End to end against a real Pushgateway (Debian `prometheus-pushgateway`): what a batch job pushes is
// what the gateway then serves to Prometheus, group by group.
import { MetricsCollector, Pushgateway, PushgatewayError } from '../../src/index.js';
import { parseSamples } from '../helpers.js';
import { startPushgateway, type PushgatewayServer } from '../../../../test/support/pushgateway-server.js';

/** The gateway's samples of our metrics (its own go_*, process_*, pushgateway_* left out). */
async function pushed(gateway: PushgatewayServer): Promise<Record<string, number>> {
  const all = parseSamples(await gateway.metrics());
  return Object.fromEntries([...all].filter(([k]) => /^(batch_|records_)/.test(k)));
}

describe('Pushgateway against the real prometheus-pushgateway', () => {
  let gateway: PushgatewayServer;
  beforeAll(async () => {
    gateway = await startPushgateway();
  }, 30_000);
  afterAll(() => gateway?.stop());

  it('push replaces the group, pushAdd replaces same-named metrics only, delete removes the group', async () => {
    const collector = new MetricsCollector();
    const records = collector.counter('records_processed_total', 'Records processed', { labels: ['table'] });
    const last = collector.gauge('batch_last_success_seconds', 'When the batch last succeeded');
    const duration = collector.histogram('batch_duration_seconds', 'Batch duration', { buckets: [1, 10] });
    records.inc({ table: 'orders' }, 120);
    last.set(1_700_000_000);
    duration.observe(4.5);
    const nightly = new Pushgateway({ url: gateway.url, source: collector, job: 'nightly', grouping: { instance: 'db/1' } });

    await nightly.push();
    expect(await pushed(gateway)).toEqual({
      'batch_duration_seconds_bucket{instance="db/1",job="nightly",le="1"}': 0,
      'batch_duration_seconds_bucket{instance="db/1",job="nightly",le="10"}': 1,
      'batch_duration_seconds_bucket{instance="db/1",job="nightly",le="+Inf"}': 1,
      'batch_duration_seconds_sum{instance="db/1",job="nightly"}': 4.5,
      'batch_duration_seconds_count{instance="db/1",job="nightly"}': 1,
      'batch_last_success_seconds{instance="db/1",job="nightly"}': 1_700_000_000,
      'records_processed_total{instance="db/1",job="nightly",table="orders"}': 120,
    });

    // A second job with only one metric: pushAdd leaves the others of its group alone.
    const partial = new MetricsCollector();
    partial.gauge('batch_last_success_seconds', 'When the batch last succeeded').set(1_700_000_600);
    const partialPush = new Pushgateway({ url: gateway.url, source: partial, job: 'nightly', grouping: { instance: 'db/1' } });
    await partialPush.pushAdd();
    const afterAdd = await pushed(gateway);
    expect(afterAdd['batch_last_success_seconds{instance="db/1",job="nightly"}']).toBe(1_700_000_600);
    expect(afterAdd['records_processed_total{instance="db/1",job="nightly",table="orders"}']).toBe(120);

    // push replaces the whole group: the other metrics go.
    await partialPush.push();
    expect(await pushed(gateway)).toEqual({ 'batch_last_success_seconds{instance="db/1",job="nightly"}': 1_700_000_600 });

    // Another group (job override, other grouping) is independent; delete removes one group only.
    await nightly.push({ job: 'weekly', grouping: { region: 'eu' } });
    const both = await pushed(gateway);
    // The gateway adds an empty instance label to a group that has none.
    expect(both['records_processed_total{instance="",job="weekly",region="eu",table="orders"}']).toBe(120);
    expect(both['batch_last_success_seconds{instance="db/1",job="nightly"}']).toBe(1_700_000_600);
    await nightly.delete();
    expect(Object.keys(await pushed(gateway)).every((k) => k.includes('job="weekly"'))).toBe(true);
    await nightly.delete({ job: 'weekly', grouping: { region: 'eu' } });
    expect(await pushed(gateway)).toEqual({});
  });

  it("rejects with a PushgatewayError naming the status and the gateway's reason", async () => {
    // The gateway refuses a push that would make a metric a gauge in one group and a histogram in another.
    const asGauge = new MetricsCollector();
    asGauge.gauge('batch_rows', 'Rows').set(1);
    await new Pushgateway({ url: gateway.url, source: asGauge, job: 'good' }).push();
    const collector = new MetricsCollector();
    collector.histogram('batch_rows', 'Rows').observe(1);
    const push = new Pushgateway({ url: gateway.url, source: collector, job: 'bad', grouping: { instance: 'mine' } });
    const error = await push.push().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PushgatewayError);
    expect((error as PushgatewayError).status).toBe(400);
    expect((error as PushgatewayError).message).toMatch(
      /^Pushgateway push to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/bad\/instance\/mine answered 400: /,
    );

    const down = new Pushgateway({ url: 'http://127.0.0.1:1', source: collector, job: 'x', timeoutMs: 2000 });
    await expect(down.pushAdd()).rejects.toMatchObject({ name: 'PushgatewayError', status: 0, operation: 'pushAdd' });
  });
});
