// Option validation: no sockets are opened by a client that refuses its options.
import { WsClient, WsConfigError } from '../src/index.js';

describe('WsClient options', () => {
  it.each([
    ['http://localhost', {}, 'Invalid url protocol "http:": expected ws: or wss:'],
    ['nope', {}, 'Invalid url "<invalid url>": expected a ws:// or wss:// URL'],
    ['ws://h', { requestTimeoutMs: 0 }, 'invalid option `requestTimeoutMs` in new WsClient(): expected an integer >= 1, got 0'],
    ['ws://h', { requestTimeoutMs: 1.5 }, 'invalid option `requestTimeoutMs` in new WsClient(): expected an integer >= 1, got 1.5'],
    ['ws://h', { heartbeatIntervalMs: -1 }, 'invalid option `heartbeatIntervalMs` in new WsClient(): expected an integer >= 0, got -1'],
    [
      'ws://h',
      { reconnect: { jitter: 2 } },
      'invalid option `reconnect.jitter` in new WsClient(): expected a finite number from 0 to 1, got 2',
    ],
    [
      'ws://h',
      { reconnect: { initialDelayMs: 500, maxDelayMs: 100 } },
      'invalid option `reconnect.maxDelayMs` in new WsClient(): expected at least reconnect.initialDelayMs (500), got 100',
    ],
    [
      'ws://h',
      { reconnect: { maxAttempts: 0 } },
      'invalid option `reconnect.maxAttempts` in new WsClient(): expected an integer >= 1 or Infinity, got 0',
    ],
    ['ws://h', { hooks: 'yes' }, 'invalid option `hooks` in new WsClient(): expected an object of function values, got "yes"'],
    ['ws://h', { headers: [] }, 'invalid option `headers` in new WsClient(): expected an object of string values, got []'],
    ['ws://h', { reconect: false }, 'unknown option `reconect` in new WsClient(): did you mean `reconnect`?'],
    ['ws://h', { reconnect: { jiter: 0 } }, 'unknown option `reconnect.jiter` in new WsClient(): did you mean `reconnect.jitter`?'],
  ])('refuses %s with %p', (url, options, message) => {
    expect(() => new WsClient(url, options as never)).toThrow(new WsConfigError(message));
    expect(() => new WsClient(url, options as never)).toThrow(WsConfigError);
  });

  it('starts idle and refuses a bad op or listener without sending', async () => {
    const c = new WsClient('ws://127.0.0.1:1');
    expect(c.state).toBe('idle');
    await expect(c.request('')).rejects.toThrow('request op must be a non-empty string, got ""');
    expect(() => c.on('x', 5 as never)).toThrow('on() listener must be a function, got 5');
    await c.close();
    expect(c.state).toBe('closed');
  });
});
