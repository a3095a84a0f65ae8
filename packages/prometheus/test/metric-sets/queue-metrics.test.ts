import { MetricsCollector, queueMetrics } from '../../src/index.js';
import { samples } from '../helpers.js';

describe('queueMetrics', () => {
  it('exports depth, processed items, processing time and workers by queue_name', async () => {
    const collector = new MetricsCollector();
    const queues = queueMetrics(collector, { buckets: [1, 5] });
    const q = queues.queue('converter_queue');
    q.setDepth(5);
    q.setActiveWorkers(3);
    q.processed(0.5);
    q.processed(2);
    q.processed();
    expect(await samples(collector)).toEqual({
      'queue_depth{queue_name="converter_queue"}': 5,
      'queue_items_processed_total{queue_name="converter_queue"}': 3,
      'queue_processing_duration_seconds_bucket{queue_name="converter_queue",le="1"}': 1,
      'queue_processing_duration_seconds_bucket{queue_name="converter_queue",le="5"}': 2,
      'queue_processing_duration_seconds_bucket{queue_name="converter_queue",le="+Inf"}': 2,
      'queue_processing_duration_seconds_sum{queue_name="converter_queue"}': 2.5,
      'queue_processing_duration_seconds_count{queue_name="converter_queue"}': 2,
      'queue_active_workers{queue_name="converter_queue"}': 3,
    });
  });

  it('run() holds a worker while the item is processed, then counts and times it', async () => {
    const collector = new MetricsCollector();
    const q = queueMetrics(collector).queue('jobs');
    let during: Record<string, number> = {};
    await q.run(async () => {
      during = await samples(collector, 'queue_active_workers');
    });
    expect(during).toEqual({ 'queue_active_workers{queue_name="jobs"}': 1 });
    expect(() =>
      q.run(() => {
        throw new Error('bad item');
      }),
    ).toThrow('bad item');
    await expect(q.run(() => Promise.reject(new Error('late')))).rejects.toThrow('late');
    expect(q.run(() => 7)).toBe(7);
    expect(await samples(collector, 'queue_active_workers', 'queue_items', 'queue_processing_duration_seconds_count')).toEqual({
      'queue_active_workers{queue_name="jobs"}': 0,
      'queue_items_processed_total{queue_name="jobs"}': 4,
      'queue_processing_duration_seconds_count{queue_name="jobs"}': 4,
    });
  });

  it('reads depth and workers from a stats function at scrape', async () => {
    const collector = new MetricsCollector();
    const backlog = [1, 2, 3];
    queueMetrics(collector).queue('uploads', () => ({ depth: backlog.length, activeWorkers: 0 }));
    expect(await samples(collector, 'queue_depth', 'queue_active')).toEqual({
      'queue_depth{queue_name="uploads"}': 3,
      'queue_active_workers{queue_name="uploads"}': 0,
    });
    backlog.push(4);
    expect(await samples(collector, 'queue_depth')).toEqual({ 'queue_depth{queue_name="uploads"}': 4 });
  });
});
