import { converterMetrics, MetricsCollector } from '../../src/index.js';
import { samples } from '../helpers.js';

class ValidationError extends Error {}

describe('converterMetrics', () => {
  it('records outcomes, durations and errors by type', async () => {
    const collector = new MetricsCollector();
    const csv = converterMetrics(collector, { buckets: [1] }).converter('CSVConverter');
    csv.success(0.25);
    csv.success(0.5);
    csv.failure('validation', 2);
    csv.failure('timeout');
    expect(await samples(collector)).toEqual({
      'conversions_total{converter="CSVConverter",status="success"}': 2,
      'conversions_total{converter="CSVConverter",status="failure"}': 2,
      'conversion_duration_seconds_bucket{converter="CSVConverter",le="1"}': 2,
      'conversion_duration_seconds_bucket{converter="CSVConverter",le="+Inf"}': 3,
      'conversion_duration_seconds_sum{converter="CSVConverter"}': 2.75,
      'conversion_duration_seconds_count{converter="CSVConverter"}': 3,
      'conversion_errors_total{converter="CSVConverter",error_type="validation"}': 1,
      'conversion_errors_total{converter="CSVConverter",error_type="timeout"}': 1,
    });
  });

  it('run() times sync and async conversions and classifies what they throw', async () => {
    const collector = new MetricsCollector();
    const set = converterMetrics(collector);
    const xml = set.converter('XMLConverter');
    expect(xml.run(() => 'ok')).toBe('ok');
    await expect(xml.run(() => Promise.resolve('later'))).resolves.toBe('later');
    expect(() =>
      xml.run(() => {
        throw new ValidationError('bad row');
      }),
    ).toThrow('bad row');
    await expect(xml.run(() => Promise.reject(new TypeError('nope')))).rejects.toThrow('nope');
    await expect(
      xml.run(
        () => Promise.reject(new Error('x')),
        () => 'custom',
      ),
    ).rejects.toThrow('x');
    expect(await samples(collector, 'conversions_total', 'conversion_errors', 'conversion_duration_seconds_count')).toEqual({
      'conversions_total{converter="XMLConverter",status="success"}': 2,
      'conversions_total{converter="XMLConverter",status="failure"}': 3,
      'conversion_duration_seconds_count{converter="XMLConverter"}': 5,
      'conversion_errors_total{converter="XMLConverter",error_type="ValidationError"}': 1,
      'conversion_errors_total{converter="XMLConverter",error_type="TypeError"}': 1,
      'conversion_errors_total{converter="XMLConverter",error_type="custom"}': 1,
    });
  });
});
