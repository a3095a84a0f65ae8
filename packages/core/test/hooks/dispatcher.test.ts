import diagnosticsChannel from 'node:diagnostics_channel';
import { defineHooks, toDispatcher, type MetricsHooks } from '../../src/index.js';
import { CHANNEL_NAMES } from '../../src/internal.js';
import { captureLogs } from '../helpers.js';

describe('toDispatcher', () => {
  afterEach(() => captureLogs().restore());

  it('calls each hook with the exact arguments', () => {
    const calls: unknown[][] = [];
    const hooks = defineHooks({
      onWsConnect: (addr) => calls.push(['connect', addr]),
      onWsDisconnect: (addr) => calls.push(['disconnect', addr]),
      onWsMessageSent: (op, n) => calls.push(['sent', op, n]),
      onWsMessageRecv: (op, n) => calls.push(['recv', op, n]),
      onRequest: (op, s) => calls.push(['request', op, s]),
      onError: (op, t) => calls.push(['error', op, t]),
    });
    const d = toDispatcher(hooks);
    d.onWsConnect('127.0.0.1:5000');
    d.onWsMessageSent('read', 42);
    d.onWsMessageRecv('read', 17);
    d.onRequest('read', 0.25);
    d.onError('write', 'TimeoutError');
    d.onWsDisconnect('127.0.0.1:5000');
    expect(calls).toEqual([
      ['connect', '127.0.0.1:5000'],
      ['sent', 'read', 42],
      ['recv', 'read', 17],
      ['request', 'read', 0.25],
      ['error', 'write', 'TimeoutError'],
      ['disconnect', '127.0.0.1:5000'],
    ]);
  });

  it('suppresses a throwing hook and logs it at debug with the hook name', () => {
    const { records } = captureLogs('debug');
    const d = toDispatcher({
      onRequest: () => {
        throw new RangeError('boom');
      },
    });
    expect(() => d.onRequest('read', 1)).not.toThrow();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      logger: 'sightline.hooks',
      level: 'debug',
      fields: { hook: 'onRequest', error: 'RangeError: boom' },
    });
    expect(records[0]!.message).toContain('onRequest');
  });

  it('logs nothing for a throwing hook at the default level (warn)', () => {
    const { records } = captureLogs();
    toDispatcher({
      onError: () => {
        throw new Error('x');
      },
    }).onError('op', 'E');
    expect(records).toEqual([]);
  });

  it('fills missing hooks with no-ops and returns the same dispatcher for the same object', () => {
    const hooks: MetricsHooks = { onRequest: () => undefined };
    const d = toDispatcher(hooks);
    expect(typeof d.onWsConnect).toBe('function');
    expect(() => d.onWsConnect('x')).not.toThrow();
    expect(toDispatcher(hooks)).toBe(d);
    expect(toDispatcher(d)).toBe(d);
    expect(toDispatcher(undefined)).toBe(toDispatcher(undefined));
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('publishes every event on its diagnostics_channel, with or without a hook', () => {
    const received: Array<[string, unknown]> = [];
    const subscribers = Object.values(CHANNEL_NAMES).map((name) => {
      const fn = (message: unknown) => received.push([name, message]);
      diagnosticsChannel.subscribe(name, fn);
      return () => diagnosticsChannel.unsubscribe(name, fn);
    });
    try {
      const withHook = toDispatcher({ onRequest: () => undefined });
      const none = toDispatcher(undefined);
      withHook.onRequest('read', 0.5);
      none.onWsConnect('10.0.0.1:1');
      none.onWsDisconnect('10.0.0.1:1');
      none.onWsMessageSent('op', 10);
      none.onWsMessageRecv('op', 11);
      none.onError('op', 'TypeError');
    } finally {
      subscribers.forEach((unsubscribe) => unsubscribe());
    }
    expect(received).toEqual([
      ['sightline:request', { op: 'read', durationSecs: 0.5 }],
      ['sightline:ws:connect', { remoteAddr: '10.0.0.1:1' }],
      ['sightline:ws:disconnect', { remoteAddr: '10.0.0.1:1' }],
      ['sightline:ws:message-sent', { op: 'op', byteCount: 10 }],
      ['sightline:ws:message-recv', { op: 'op', byteCount: 11 }],
      ['sightline:error', { op: 'op', errorType: 'TypeError' }],
    ]);
  });

  it('publishes nothing after the subscriber leaves', () => {
    const received: unknown[] = [];
    const fn = (m: unknown) => received.push(m);
    diagnosticsChannel.subscribe('sightline:request', fn);
    diagnosticsChannel.unsubscribe('sightline:request', fn);
    toDispatcher(undefined).onRequest('read', 1);
    expect(received).toEqual([]);
  });
});
