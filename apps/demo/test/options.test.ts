import { DemoOptionsError, parseOptions } from '../src/options.js';

describe('demo options', () => {
  it('has embedded defaults', () => {
    expect(parseOptions([])).toEqual({
      host: '127.0.0.1',
      apiPort: 8081,
      healthPort: 8080,
      statsPort: 8125,
      rate: 20,
      failureRate: 0.05,
      partitions: 4,
      durationSecs: undefined,
      summaryEverySecs: 5,
      help: false,
    });
  });

  it('reads every option', () => {
    const o = parseOptions([
      '--host',
      '::1',
      '--api-port',
      '0',
      '--health-port',
      '9000',
      '--stats-port',
      '9001',
      '--rate',
      '2.5',
      '--failure-rate',
      '0',
      '--partitions',
      '8',
      '--duration',
      '30',
      '--summary-every',
      '2',
    ]);
    expect(o).toMatchObject({
      host: '::1',
      apiPort: 0,
      healthPort: 9000,
      statsPort: 9001,
      rate: 2.5,
      failureRate: 0,
      partitions: 8,
      durationSecs: 30,
      summaryEverySecs: 2,
    });
  });

  it.each([
    [['--health-port', '70000'], '--health-port must be an integer from 0 to 65535, got "70000"'],
    [['--failure-rate', '2'], '--failure-rate must be a number from 0 to 1, got "2"'],
    [['--partitions', '0'], '--partitions must be an integer from 1 to 256, got "0"'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j', (args, message) => {
    expect(() => parseOptions(args)).toThrow(DemoOptionsError);
    expect(() => parseOptions(args)).toThrow(message);
  });
});
