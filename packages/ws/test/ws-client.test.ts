// Option validation: no sockets are opened by a client that refuses its options.
import { WsClient, WsConfigError } from '../src/index.js';

describe('WsClient options', () => {
  it.each([
    ['http://localhost', {}, 'Invalid url protocol "http:": expected ws: or wss:'],
    ['nope', {}, 'Invalid url "<invalid url>": expected a ws:// or wss:// URL'],
    ['ws://h', { requestTimeoutMs: 0 }, 'Invalid requestTimeoutMs 0: expected an integer >= 1'],
    ['ws://h', { requestTimeoutMs: 1.5 }, 'Invalid requestTimeoutMs 1.5: expected an integer >= 1'],
    ['ws://h', { heartbeatIntervalMs: -1 }, 'Invalid heartbeatIntervalMs -1: expected an integer >= 0'],
    ['ws://h', { reconnect: { jitter: 2 } }, 'Invalid reconnect.jitter 2: expected a number from 0 to 1'],
    ['ws://h', { reconnect: { initialDelayMs: 500, maxDelayMs: 100 } }, 'Invalid reconnect.maxDelayMs 100: expected at least reconnect.initialDelayMs (500)'],
    ['ws://h', { reconnect: { maxAttempts: 0 } }, 'Invalid reconnect.maxAttempts 0: expected an integer >= 1 or Infinity'],
    ['ws://h', { hooks: 'yes' }, 'Invalid hooks "yes": expected an object'],
    ['ws://h', { headers: [] }, 'Invalid headers an array: expected an object'],
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
