import { warnOnce } from '../../src/context/recording.js';
import { captureLogs } from '../helpers.js';

describe('warnOnce', () => {
  it('logs each problem once, and past 1000 distinct problems throttles new ones together instead of logging every call', () => {
    const logs = captureLogs();
    try {
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 1500; i++) warnOnce(`bad-metric:${i}`, `bad metric ${i}`);
      }
      const messages = logs.records.filter((r) => r.level === 'warn').map((r) => r.message);
      expect(messages).toHaveLength(1000 + 2);
      expect(messages.slice(0, 3)).toEqual(['bad metric 0', 'bad metric 1', 'bad metric 2']);
      expect(messages[1000]).toBe('more than 1000 distinct warnings; further kinds are throttled together');
      expect(messages[1001]).toBe('bad metric 1000');
    } finally {
      logs.restore();
    }
  });
});
