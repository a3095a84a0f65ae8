// The shutdown-signal rule: first signal starts the stop, a second is logged, a third forces.
import { getLogger, setLogLevel, setLogSink, type LogRecord } from '../../src/index.js';
import { handleShutdownSignals, resetLogging, signalExitCode } from '../../src/internal.js';

describe('handleShutdownSignals', () => {
  const records: LogRecord[] = [];
  beforeEach(() => {
    records.length = 0;
    resetLogging({});
    setLogSink((r) => records.push(r));
    setLogLevel('sightline.test', 'info');
  });
  afterEach(() => resetLogging({}));

  it('starts the stop on the first signal, logs the second, forces on the third; removes its listeners', () => {
    const calls: string[] = [];
    const before = process.listenerCount('SIGTERM');
    let now = 0;
    const remove = handleShutdownSignals({
      signals: ['SIGTERM', 'SIGINT', 'SIGTERM'],
      logger: getLogger('sightline.test'),
      onSignal: (s) => calls.push(`stop:${s}`),
      onForce: (s) => calls.push(`force:${s}`),
      // Each signal a second after the last: separate presses, not one delivery echoed.
      now: () => (now += 1_000),
    });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['stop:SIGTERM']);
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['info', 'SIGTERM received: stopping gracefully'],
      ['warn', 'SIGINT received again while stopping gracefully: still stopping; a third signal exits at once'],
    ]);
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['stop:SIGTERM', 'force:SIGINT']);
    remove();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('counts a repeat of one signal that arrives at once as one delivery (a package runner forwarding Ctrl-C)', () => {
    let now = 0;
    const calls: string[] = [];
    const remove = handleShutdownSignals({
      signals: ['SIGINT'],
      logger: getLogger('sightline.test'),
      onSignal: (s) => calls.push(`stop:${s}`),
      onForce: (s) => calls.push(`force:${s}`),
      now: () => now,
    });
    try {
      process.emit('SIGINT', 'SIGINT');
      now += 5;
      process.emit('SIGINT', 'SIGINT'); // the runner's copy of the same Ctrl-C
      expect(records.map((r) => r.level)).toEqual(['info']);
      now += 2_000;
      process.emit('SIGINT', 'SIGINT'); // a second press
      now += 5;
      process.emit('SIGINT', 'SIGINT');
      expect(records.map((r) => r.level)).toEqual(['info', 'warn']);
      now += 2_000;
      process.emit('SIGINT', 'SIGINT'); // a third press
      expect(calls).toEqual(['stop:SIGINT', 'force:SIGINT']);
    } finally {
      remove();
    }
  });

  it('names the conventional exit status: 128 + the signal number', () => {
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGINT')).toBe(130);
  });
});
