import { toDispatcher } from '@sightline/core';
import { STATS_HOOK_METRICS, statsHooks } from '../src/index.js';
import { createTestClient } from '../src/testing.js';

describe('statsHooks', () => {
  it('records the metrics of a WebSocket service: connects, bytes per op, request timings, errors by op and type', async () => {
    const { client, transport } = createTestClient({ prefix: 'svc' });
    const hooks = toDispatcher(statsHooks(client));
    hooks.onWsConnect('1.2.3.4:5');
    hooks.onWsConnect('1.2.3.4:6');
    hooks.onWsDisconnect('1.2.3.4:5');
    hooks.onWsMessageSent('read', 120);
    hooks.onWsMessageSent('read', 80);
    hooks.onWsMessageRecv('write', 64);
    hooks.onRequest('read', 0.0125);
    hooks.onError('read', 'TimeoutError');
    hooks.onError('read', 'TimeoutError');
    hooks.onError('write', 'Bad|Type');
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'svc.ws.connect', value: 2 },
      { type: 'counter', name: 'svc.ws.disconnect', value: 1 },
      { type: 'counter', name: 'svc.request.errors', value: 2, tags: { op: 'read', error_type: 'TimeoutError' } },
      { type: 'counter', name: 'svc.request.errors', value: 1, tags: { op: 'write', error_type: 'Bad_Type' } },
      { type: 'timer', name: 'svc.request.duration', values: [12.5], tags: { op: 'read' } },
      { type: 'histogram', name: 'svc.ws.send_bytes', values: [120, 80], tags: { op: 'read' } },
      { type: 'histogram', name: 'svc.ws.recv_bytes', values: [64], tags: { op: 'write' } },
    ]);
    expect(STATS_HOOK_METRICS.sendBytes).toBe('ws.send_bytes');
    await client.close();
  });

  it('without op tags, and past maxOps distinct ops tags the rest op:other', async () => {
    const { client, transport } = createTestClient();
    const untagged = statsHooks(client, { tagOps: false });
    untagged.onWsMessageSent!('a', 1);
    untagged.onError!('a', 'E');
    const bounded = statsHooks(client, { maxOps: 1 });
    bounded.onRequest!('first', 0.001);
    bounded.onRequest!('second', 0.002);
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'request.errors', value: 1, tags: { error_type: 'E' } },
      { type: 'timer', name: 'request.duration', values: [1], tags: { op: 'first' } },
      { type: 'timer', name: 'request.duration', values: [2], tags: { op: 'other' } },
      { type: 'histogram', name: 'ws.send_bytes', values: [1] },
    ]);
    await client.close();
  });
});
