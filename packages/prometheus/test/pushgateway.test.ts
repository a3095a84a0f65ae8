import { MetricsCollector, Pushgateway } from '../src/index.js';

describe('Pushgateway group URLs and options', () => {
  const source = new MetricsCollector();

  it('names the group by job and grouping labels, base64url for empty values and values with a slash', () => {
    const gateway = new Pushgateway({
      url: 'http://gw:9091/',
      source,
      job: 'nightly',
      grouping: { instance: 'db/1', shard: '', zone: 'eu west' },
    });
    expect(gateway.groupUrl()).toBe('http://gw:9091/metrics/job/nightly/instance@base64/ZGIvMQ/shard@base64/=/zone/eu%20west');
    expect(gateway.groupUrl({ job: 'a/b', grouping: {} })).toBe('http://gw:9091/metrics/job@base64/YS9i');
  });

  it('refuses a bad url, job or grouping label with an error naming it', () => {
    expect(() => new Pushgateway({ url: 'gw:9091', source, job: 'x' })).toThrow('Pushgateway url must be http: or https:, got gw:');
    expect(() => new Pushgateway({ url: 'http://gw', source, job: '' })).toThrow(
      'invalid option `job` in new Pushgateway(): expected a non-empty string, got ""',
    );
    expect(() => new Pushgateway({ url: 'http://gw', source, job: 'x', timeout: 5 } as never)).toThrow(
      /`timeout`.*new Pushgateway\(\).*timeoutMs/,
    );
    expect(() => new Pushgateway({ url: 'http://gw', source, job: 'x', grouping: { 'bad-name': 'v' } })).toThrow(
      'Pushgateway grouping label "bad-name" is invalid',
    );
    expect(() => new Pushgateway({ url: 'http://gw', source: {} as never, job: 'x' })).toThrow(
      'Pushgateway source must be a MetricsSource',
    );
  });
});
