import { BaseSensor, instrumentHandler, Monitor, SensorConfigError, SensorDelegate } from '../src/index.js';
import { captureLogs, fakeClock } from './helpers.js';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('instrumentHandler', () => {
  it('emits message in, stream event in and out around a sync handler and returns its value', () => {
    const clock = fakeClock(0);
    const monitor = new Monitor({ clock, timeEventsEvery: 1 });
    const handle = instrumentHandler(
      monitor,
      (msg: { topic: string; partition: number; offset: number; n: number }) => {
        clock.advance(5);
        return msg.n * 2;
      },
      { tp: (m) => `${m.topic}/${m.partition}`, offset: (m) => m.offset },
    );
    expect(handle({ topic: 'orders', partition: 2, offset: 10, n: 21 })).toBe(42);
    expect(handle({ topic: 'orders', partition: 2, offset: 11, n: 1 })).toBe(2);
    expect(monitor.messagesReceivedTotal()).toBe(2);
    expect(monitor.eventsTotal()).toBe(2);
    expect(monitor.eventsActive()).toBe(0);
    expect(monitor.eventsRuntimeAvg()).toBe(0.005);
    expect(monitor.topicPartition('orders/2')?.lastReadOffset).toBe(11);
  });

  it('waits for an async handler, and reports the event out when it rejects', async () => {
    const seen: string[] = [];
    class Rec extends BaseSensor {
      override onMessageIn(tp: string, offset: number) {
        seen.push(`msg ${tp}@${offset}`);
      }
      override onStreamEventIn(_tp: string, offset: number, _stream: unknown, event: unknown) {
        seen.push(`in ${offset} ${String(event)}`);
        return 1;
      }
      override onStreamEventOut(_tp: string, offset: number, _s: unknown, _e: unknown, state?: number) {
        seen.push(`out ${offset} state ${state}`);
      }
    }
    const handle = instrumentHandler(
      new Rec(),
      async (job: string) => {
        seen.push(`run ${job}`);
        await Promise.resolve();
        if (job === 'bad') throw new Error('job failed');
        return job.length;
      },
      { tp: 'jobs/0' },
    );
    await expect(handle('email')).resolves.toBe(5);
    await expect(handle('bad')).rejects.toThrow('job failed');
    expect(seen).toEqual([
      'msg jobs/0@0',
      'in 0 email',
      'run email',
      'out 0 state 1',
      'msg jobs/0@1',
      'in 1 bad',
      'run bad',
      'out 1 state 1',
    ]);
  });

  it('rethrows a sync throw after reporting the event out, and keeps `this`', () => {
    const monitor = new Monitor();
    const obj = {
      factor: 3,
      run: instrumentHandler(monitor, function (this: { factor: number }, n: number) {
        if (n < 0) throw new RangeError('negative');
        return n * this.factor;
      }),
    };
    expect(obj.run(2)).toBe(6);
    expect(() => obj.run(-1)).toThrow(RangeError);
    expect([monitor.eventsTotal(), monitor.eventsActive()]).toEqual([2, 0]);
    expect(monitor.topicPartition('default/0')?.lastReadOffset).toBe(1);
  });

  it('can leave onMessageIn to the consumer', () => {
    const monitor = new Monitor();
    instrumentHandler(monitor, () => 1, { messageIn: false })();
    expect([monitor.messagesReceivedTotal(), monitor.eventsTotal()]).toEqual([0, 1]);
  });

  it('keeps a throwing sensor or extractor away from the handler and its caller', () => {
    const broken = new (class extends BaseSensor {
      override onStreamEventIn(): number {
        throw new Error('sensor bug');
      }
    })();
    const handle = instrumentHandler(broken, (n: number) => n + 1, {
      tp: () => {
        throw new Error('no tp');
      },
    });
    expect(handle(1)).toBe(2);
    const d = new SensorDelegate(new Monitor());
    expect(instrumentHandler(d, () => 'same delegate')()).toBe('same delegate');
    expect(logs.records.map((r) => r.message)).toEqual([
      'sensor sensor threw in onStreamEventIn; suppressed (logged once per sensor and event)',
    ]);
  });

  it('checks its options by the options rule', () => {
    const monitor = new Monitor();
    expect(() => instrumentHandler(monitor, () => 1, { tps: 'orders/0' } as never)).toThrow(
      new SensorConfigError('unknown option `tps` in instrumentHandler(): did you mean `tp`?'),
    );
    expect(() => instrumentHandler(monitor, () => 1, { messageIn: 'no' } as never)).toThrow(
      'invalid option `messageIn` in instrumentHandler(): expected true or false, got "no"',
    );
  });
});
