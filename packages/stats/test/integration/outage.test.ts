import { captureLogs } from '../helpers.js';
import { TestReceiver } from '../receiver.js';
import { outageScenario } from './outage.js';

const SECRET = 'outage-secret';

describe.each(['http', 'ws'] as const)('%s client while the receiver is away for 3 s', (protocol) => {
  it('keeps at most its bound, delivers what it kept when the receiver returns, counts the drops in values and logs them once', async () => {
    const logs = captureLogs('info');
    const receiver = await TestReceiver.start({ secrets: [SECRET] });
    try {
      const client = await outageScenario(
        protocol,
        {
          port: receiver.port,
          stop: () => receiver.stop(),
          restart: () => receiver.restart(),
          counter: (name) => Promise.resolve(receiver.counter(name)),
          gauge: (name) => Promise.resolve(receiver.gauge(name)),
        },
        SECRET,
      );
      const lines = logs.lines().filter((l) => l.includes('sightline.stats:'));
      const dropped = client.stats().droppedValues;
      // One line per kind of problem during the outage, one when it ends, with the count.
      expect(lines.filter((l) => l.includes('(dropped)'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes('works again'))).toEqual([
        `info sightline.stats: stats delivery to ${client.target} works again; ${dropped} values were dropped during the outage`,
      ]);
      expect(lines.length).toBeLessThanOrEqual(4);
      await client.close();
    } finally {
      await receiver.stop().catch(() => undefined);
      logs.restore();
    }
  }, 20_000);
});
