import { captureLogs } from '../helpers.js';
import { TestReceiver } from '../receiver.js';
import { outageScenario } from './outage.js';

const SECRET = 'outage-secret';

describe.each(['http', 'ws'] as const)('%s client while the receiver is away', (protocol) => {
  it('keeps at most its bound, delivers what it kept when the receiver returns, counts the drops', async () => {
    const logs = captureLogs();
    const receiver = await TestReceiver.start({ secrets: [SECRET] });
    try {
      await outageScenario(
        protocol,
        {
          port: receiver.port,
          stop: () => receiver.stop(),
          restart: () => receiver.restart(),
          counter: async (name) => receiver.counter(name),
          gauge: async (name) => receiver.gauge(name),
        },
        SECRET,
      );
      const lines = logs.lines();
      expect(lines[0]).toMatch(/^warn sightline.stats: stats delivery problem \((network|dropped)\)/);
      expect(lines.filter((l) => l.includes('(dropped)'))).toEqual([
        'warn sightline.stats: stats delivery problem (dropped): batch of 2 metrics dropped: the queue is full (maxQueuedBatches 5)',
      ]);
    } finally {
      await receiver.stop().catch(() => undefined);
      logs.restore();
    }
  });
});
