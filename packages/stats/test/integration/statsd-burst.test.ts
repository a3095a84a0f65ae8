// Acceptance: a burst against the real Etsy statsd daemon loses nothing with default client
// settings: 1,000,000 increments over 100 names and 1,000,000 timing samples over 100 names through
// one pipeline(), over udp and tcp; every counter exact, every sample in the daemon's timers.
import { StatsClient } from '../../src/index.js';
import { startStatsd, type StatsdDaemon } from './statsd-daemon.js';

let statsd: StatsdDaemon;
beforeAll(async () => {
  statsd = await startStatsd();
}, 20_000);
afterAll(async () => statsd?.stop());

const COUNTERS = Array.from({ length: 100 }, (_, i) => `burst.c${i}`);
const TIMERS = Array.from({ length: 100 }, (_, i) => `burst.t${i}`);

async function settle(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['udp', 'tcp'] as const)('a 2M-value burst to real statsd over %s, default settings', (protocol) => {
  it('every counter exact, every timing sample present', async () => {
    const client = new StatsClient({ protocol, destPort: protocol === 'udp' ? statsd.udpPort : statsd.tcpPort, prefix: protocol });
    await client.pipeline((pipe) => {
      for (let i = 0; i < 1_000_000; i++) pipe.incr(COUNTERS[i % 100]!);
      for (let i = 0; i < 1_000_000; i++) pipe.time(TIMERS[i % 100]!, i % 997);
    });
    await settle(async () => (await statsd.timers())[`${protocol}.${TIMERS[99]}`]?.count === 10_000);
    const [counters, timers] = [await statsd.counters(), await statsd.timers()];
    expect(COUNTERS.map((n) => counters[`${protocol}.${n}`])).toEqual(COUNTERS.map(() => 10_000));
    expect(TIMERS.map((n) => timers[`${protocol}.${n}`]?.count)).toEqual(TIMERS.map(() => 10_000));
    expect(client.stats()).toMatchObject({ sentValues: 2_000_000, droppedValues: 0, failedValues: 0 });
    await client.close();
  }, 60_000);
});
