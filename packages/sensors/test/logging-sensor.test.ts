import { LoggingSensor, SensorConfigError, SensorDelegate } from '../src/index.js';
import { captureLogs, fakeClock } from './helpers.js';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs('info', 'sightline.sensor');
});
afterEach(() => logs.restore());

const lines = () => logs.records.map((r) => [r.logger, r.level, r.message, r.fields]);

describe('LoggingSensor', () => {
  it('logs messages, table operations and performance metrics on sightline.sensor at info', () => {
    const s = new LoggingSensor();
    s.logMessageIn('orders/3', 42, { secret: 'card' });
    s.logMessageOut('audit/0', 7, {});
    s.logTableOperation('set', { name: 'carts' }, 'user-1', { secret: 'value' });
    s.logPerformanceMetric('batch_seconds', 0.5, { batch: 3 });
    expect(lines()).toEqual([
      ['sightline.sensor', 'info', 'message in orders/3 offset 42', { event: 'message_in', tp: 'orders/3', offset: 42 }],
      ['sightline.sensor', 'info', 'message out audit/0 offset 7', { event: 'message_out', tp: 'audit/0', offset: 7 }],
      ['sightline.sensor', 'info', 'table carts set user-1', { event: 'table', operation: 'set', table: 'carts', key: 'user-1' }],
      ['sightline.sensor', 'info', 'batch_seconds 0.5', { batch: 3, event: 'performance', metric: 'batch_seconds', value: 0.5 }],
    ]);
    expect(JSON.stringify(logs.records)).not.toContain('secret');
  });

  it('turns sensor events into those records, with latencies on its clock', () => {
    const clock = fakeClock(100);
    const s = new LoggingSensor({ loggerName: 'sightline.sensor.orders', level: 'warn', clock });
    s.onMessageIn('orders/0', 1, null);
    s.onTableGet('carts', 'k');
    s.onTableDel('carts', 'k');
    s.onTableContains('carts', 'k');
    s.onCommitCompleted(null, 50);
    s.onSendCompleted(null, 75);
    s.onSendError(null, new Error('broker down'), 0);
    const r = s.onRebalanceStart(null);
    clock.advance(2000);
    s.onRebalanceEnd(null, r);
    s.onTopicBufferFull('orders/1');
    expect(logs.records.map((x) => `${x.level} ${x.message}`)).toEqual([
      'warn message in orders/0 offset 1',
      'warn table carts get k',
      'warn table carts del k',
      'warn table carts contains k',
      'warn commit_latency_seconds 0.05',
      'warn send_latency_seconds 0.025',
      'warn send failed: Error: broker down',
      'warn rebalance started',
      'warn rebalance_seconds 2',
      'warn topic buffer full orders/1',
    ]);
    expect(logs.records.every((x) => x.logger === 'sightline.sensor.orders')).toBe(true);
  });

  it('formats with a template or a function, falling back to the default message when a format throws', () => {
    new LoggingSensor({ format: '[{event}] {tp}#{offset} {missing}' }).logMessageIn('orders/1', 9);
    new LoggingSensor({ format: ({ message, fields }) => `${message} (${String(fields['event'])})` }).logMessageOut('a/0', 1);
    new LoggingSensor({
      format: () => {
        throw new Error('bad format');
      },
    }).logMessageIn('a/0', 2);
    expect(logs.records.map((r) => r.message)).toEqual([
      '[message_in] orders/1#9 {missing}',
      'message out a/0 offset 1 (message_out)',
      'message in a/0 offset 2',
    ]);
  });

  it('formats nothing when the level hides the records', () => {
    const format = jest.fn(() => 'x');
    const s = new LoggingSensor({ level: 'debug', format });
    s.onMessageIn('a/0', 1, null);
    s.onCommitCompleted(null, 0);
    expect(format).not.toHaveBeenCalled();
    expect(logs.records).toEqual([]);
  });

  it('keeps long keys short', () => {
    new LoggingSensor().logTableOperation('get', 'big', 'k'.repeat(500));
    expect(logs.records[0]?.fields?.['key']).toBe(`${'k'.repeat(200)}...`);
  });

  it('works inside a delegate', () => {
    new SensorDelegate(new LoggingSensor()).onMessageIn('orders/0', 5, null);
    expect(logs.records.map((r) => r.message)).toEqual(['message in orders/0 offset 5']);
  });

  it('rejects bad options', () => {
    expect(() => new LoggingSensor({ level: 'loud' as never })).toThrow(
      'invalid option `level` in new LoggingSensor(): expected one of "trace", "debug", "info", "warn", "error", got "loud"',
    );
    expect(() => new LoggingSensor({ level: 'silent' as never })).toThrow(SensorConfigError);
    expect(() => new LoggingSensor({ loggerName: '' })).toThrow(
      'invalid option `loggerName` in new LoggingSensor(): expected a non-empty string, got ""',
    );
    expect(() => new LoggingSensor({ format: 3 as never })).toThrow(
      'invalid option `format` in new LoggingSensor(): expected a string or a function, got 3',
    );
  });
});
