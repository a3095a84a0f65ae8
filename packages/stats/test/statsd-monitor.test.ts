import { optionsShapeOf, readEnvOptions, SENSOR_EVENT_NAMES } from '@sightline/core/internal';
import { StatsDMonitor, stats, type StatsPluginOptions } from '../src/index.js';
import { createTestClient, InMemoryTransport } from '../src/testing.js';
import { udpListener, waitFor } from './helpers.js';

describe('StatsDMonitor', () => {
  it('counts stream activity as a Monitor and reports it through the client on flush, deltas only', async () => {
    const { client, transport } = createTestClient({ prefix: 'app' });
    // A clock that stands still: each latency is exactly the offset its start state was given.
    const clock = { now: () => 100 };
    const monitor = new StatsDMonitor(client, { clock, timeEventsEvery: 1 });
    for (let i = 0; i < 3; i++) monitor.onMessageIn('orders/0', i, {});
    monitor.onMessageIn('orders/1', 0, {});
    monitor.onMessageOut('orders/1', 0, {});
    const s1 = monitor.onStreamEventIn('orders/0', 0, null, null) as number;
    monitor.onStreamEventIn('orders/0', 1, null, null);
    monitor.onStreamEventOut('orders/0', 0, null, null, s1 - 5);
    monitor.onTableGet(null, 'k');
    monitor.onTableSet(null, 'k', 1);
    monitor.onTableSet(null, 'k', 2);
    monitor.onTableDel(null, 'k');
    monitor.onCommitCompleted(null, monitor.onCommitInitiated(null) - 2);
    monitor.onSendCompleted(null, monitor.onSendInitiated(null, 't', {}) - 1);
    monitor.onSendError(null, new Error('x'), monitor.onSendInitiated(null, 't', {}) - 1);
    // The read API of a Monitor, as the seed's StatsDMonitor(Monitor) has it.
    expect([monitor.messagesReceivedTotal(), monitor.messagesSentTotal(), monitor.eventsTotal(), monitor.tablesGetTotal()]).toEqual([
      4, 1, 2, 1,
    ]);
    expect([monitor.commitLatencyAvg(), monitor.sendLatencyMax()]).toEqual([0.002, 0.001]); // seconds, as the seed reads them
    await client.flush();
    const byName = new Map(transport.metrics.map((m) => [`${m.name}${m.tags ? JSON.stringify(m.tags) : ''}`, m]));
    const value = (k: string) => {
      const m = byName.get(k);
      return m && (m.type === 'counter' || m.type === 'gauge') ? m.value : m?.values.length;
    };
    expect(Object.fromEntries([...byName.keys()].map((k) => [k, value(k)]))).toEqual({
      'app.stream.messages_received': 4,
      'app.stream.messages_sent': 1,
      'app.stream.events_in': 2,
      'app.stream.events': 1,
      'app.stream.table.get': 1,
      'app.stream.table.set': 2,
      'app.stream.table.del': 1,
      'app.stream.commits': 1,
      'app.stream.sends': 1,
      'app.stream.send_errors': 1,
      'app.stream.events_active': 1,
      'app.stream.topic.messages_received{"topic":"orders/0"}': 3,
      'app.stream.topic.messages_received{"topic":"orders/1"}': 1,
      'app.stream.topic.messages_sent{"topic":"orders/1"}': 1,
      'app.stream.event_latency': 1,
      'app.stream.commit_latency': 1,
      'app.stream.send_latency': 2,
    });
    expect(['event', 'commit', 'send'].map((k) => transport.samples(`app.stream.${k}_latency`))).toEqual([[5], [2], [1, 1]]);

    transport.clear();
    monitor.onMessageIn('orders/0', 9, {});
    await client.flush();
    expect(transport.metrics).toEqual([
      { type: 'counter', name: 'app.stream.messages_received', value: 1 },
      { type: 'counter', name: 'app.stream.topic.messages_received', value: 1, tags: { topic: 'orders/0' } },
    ]);
    transport.clear();
    await client.flush();
    expect(transport.attempts).toBe(0); // nothing happened: nothing sent
    expect(monitor.asDict()).toMatchObject({
      messages_received_total: 5,
      messages_sent_total: 1,
      events_total: 2,
      events_active: 1,
      tables_get_total: 1,
      tables_set_total: 2,
      tables_del_total: 1,
      commits_total: 1,
      sends_total: 1,
      send_errors_total: 1,
      latency_samples_dropped: 0,
    });
    const closing = monitor.close();
    expect(monitor.close()).toBe(closing);
    await closing;
    monitor.onMessageIn('x', 0, {});
    await client.flush();
    expect(transport.attempts).toBe(0);
    expect(monitor.messagesReceivedTotal()).toBe(6); // still readable, no longer reported
    await client.close();
  });

  it('keeps at most maxSamplesPerFlush latency samples per timer and counts the rest', async () => {
    const { client, transport } = createTestClient();
    const monitor = new StatsDMonitor(client, { prefix: 's', maxSamplesPerFlush: 3, timeEventsEvery: 1 });
    for (let i = 0; i < 5; i++) monitor.onStreamEventOut('t', i, null, null, monitor.onStreamEventIn('t', i, null, null));
    await client.flush();
    expect(transport.samples('s.event_latency')).toHaveLength(3);
    expect(monitor.asDict().latency_samples_dropped).toBe(2);
    await client.close();
  });

  it('counts table contains, assignments, rebalances and full buffers, and reports them', async () => {
    const { client } = createTestClient();
    const calls: Array<[string, number]> = [];
    const spy = jest.spyOn(client, 'incr').mockImplementation((name: string, value = 1) => void calls.push([name, value as number]));
    const monitor = new StatsDMonitor(client, { prefix: 'x' });
    monitor.onTableContains({}, 'k');
    monitor.onTableContains({}, 'k');
    monitor.onAssignmentCompleted(null, monitor.onAssignmentStart(null));
    monitor.onAssignmentError(null, new Error('x'), monitor.onAssignmentStart(null));
    monitor.onRebalanceEnd(null, monitor.onRebalanceStart(null));
    monitor.onTopicBufferFull('orders/0');
    monitor.report();
    expect([monitor.tablesContainsTotal(), monitor.assignmentErrorTotal(), monitor.rebalancesTotal()]).toEqual([2, 1, 1]);
    expect(calls.sort()).toEqual([
      ['x.assignment_errors', 1],
      ['x.assignments', 1],
      ['x.rebalances', 1],
      ['x.table.contains', 2],
      ['x.topic_buffer_full', 1],
    ]);
    expect(monitor.asDict()).toMatchObject({
      tables_contains_total: 2,
      assignments_completed_total: 1,
      assignment_error_total: 1,
      rebalances_total: 1,
      topic_buffer_full_total: 1,
    });
    spy.mockRestore();
    await monitor.close();
    await client.close();
  });

  it('implements every Sensor event of the core contract', async () => {
    const { client } = createTestClient();
    const monitor = new StatsDMonitor(client);
    for (const name of SENSOR_EVENT_NAMES) expect(typeof monitor[name]).toBe('function');
    await client.close();
  });

  it('stops reporting on leaving an `await using` block', async () => {
    const { client, transport } = createTestClient({ prefix: 'u' });
    {
      await using monitor = new StatsDMonitor(client);
      monitor.onMessageIn('t/0', 0, {});
      await client.flush();
      monitor.onMessageIn('t/0', 1, {});
    }
    await client.flush();
    expect(transport.counter('u.stream.messages_received')).toBe(1);
    await client.close();
  });

  it('host/port form: a StatsD UDP client of its own; close() sends the last figures to the socket', async () => {
    const udp = await udpListener();
    const monitor = new StatsDMonitor({ host: '127.0.0.1', port: udp.port, prefix: 'faust' });
    monitor.onMessageIn('orders/0', 0, {});
    monitor.onMessageIn('orders/0', 1, {});
    monitor.sendMetric('orders_seen', 2, 'c');
    monitor.sendMetric('lag', 7, 'g');
    monitor.sendMetric('batch', 12, 'ms');
    monitor.sendMetric('users', 'u1', 's');
    expect(monitor.messagesReceivedTotal()).toBe(2);
    await monitor.close();
    await waitFor(() => udp.packets.join('\n').includes('faust.messages_received'), 5000, 'the datagram');
    const lines = udp.packets.join('\n').split('\n').sort();
    expect(lines).toEqual(
      [
        'faust.batch:12|ms',
        'faust.lag:7|g',
        'faust.messages_received:2|c',
        'faust.orders_seen:2|c',
        'faust.topic.messages_received:2|c|#topic:orders/0',
        'faust.users:u1|s',
      ].sort(),
    );
    await udp.close();
  });

  it('refuses host or port beside a client, and an unknown sendMetric type', async () => {
    const { client } = createTestClient();
    expect(() => new StatsDMonitor(client, { host: 'h' })).toThrow(
      /invalid option `host` in new StatsDMonitor\(\): host and port make a client/,
    );
    const monitor = new StatsDMonitor(client);
    let thrown: unknown;
    try {
      monitor.sendMetric('x', 1, 'q' as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'SIGHTLINE_ERR_STATS_CONFIG',
      message: expect.stringContaining('expected one of c, g, ms, h, d, s'),
    });
    await client.close();
  });

  it('refuses unknown and out-of-range options, naming them', () => {
    const { client } = createTestClient();
    expect(() => new StatsDMonitor(client, { prefx: 'x' } as never)).toThrow(
      'unknown option `prefx` in new StatsDMonitor(): did you mean `prefix`?',
    );
    expect(() => new StatsDMonitor(client, { maxTopics: 0 })).toThrow(
      'invalid option `maxTopics` in new StatsDMonitor(): expected an integer >= 1, got 0',
    );
    void client.close();
  });
});

describe('stats() plugin', () => {
  it('bundles hooks and the monitor over one client: start flushes, close sends the last figures and closes', async () => {
    const transport = new InMemoryTransport();
    const plugin = stats({ protocol: 'udp', flushIntervalMs: 0, prefix: 'p', transport });
    expect(plugin.name).toBe('stats');
    plugin.hooks!.onWsConnect!('peer');
    plugin.sensor!.onMessageIn!('t/0', 0, {});
    await plugin.start!({} as never);
    expect(transport.metrics.map((m) => m.name).sort()).toEqual([
      'p.stream.messages_received',
      'p.stream.topic.messages_received',
      'p.ws.connect',
    ]);
    plugin.client.incr('last');
    plugin.sensor!.onMessageIn!('t/0', 1, {});
    await plugin.close!();
    expect(transport.counter('p.last')).toBe(1);
    expect(transport.counter('p.stream.messages_received')).toBe(2);
    expect(transport.closed).toBe(true);
  });

  it('reads its options from SIGHTLINE_STATS_* by its own shape: typed values, tags as text', async () => {
    const env = { SIGHTLINE_STATS_TAGS: 'k:1', SIGHTLINE_STATS_DEST_PORT: '9000', SIGHTLINE_STATS_MONITOR: 'false' };
    const { options } = readEnvOptions(optionsShapeOf(stats)!, { package: 'stats', env });
    expect(options).toEqual({ tags: { k: '1' }, destPort: 9000, monitor: false });
    const transport = new InMemoryTransport();
    const plugin = stats({ ...(options as StatsPluginOptions), protocol: 'udp', flushIntervalMs: 0, transport });
    expect(plugin.sensor).toBeUndefined();
    plugin.client.incr('c');
    await plugin.close!();
    expect(transport.metrics).toEqual([{ type: 'counter', name: 'c', value: 1, tags: { k: '1' } }]);
  });

  it('takes your client, or none of hooks / monitor', async () => {
    const { client } = createTestClient();
    const plugin = stats({ client, hooks: false, monitor: false });
    expect(plugin.client).toBe(client);
    expect(plugin.hooks).toBeUndefined();
    expect(plugin.sensor).toBeUndefined();
    await plugin.close!();
  });

  it('with no options loads StatsClientSettings from the environment', async () => {
    process.env.STATS_CLIENT_SETTINGS__PROTOCOL = 'udp';
    process.env.STATS_CLIENT_SETTINGS__PREFIX = 'fromenv';
    try {
      const plugin = stats();
      expect(plugin.client.prefix).toBe('fromenv');
      expect(plugin.client.protocol).toBe('udp');
      await plugin.close!();
    } finally {
      delete process.env.STATS_CLIENT_SETTINGS__PROTOCOL;
      delete process.env.STATS_CLIENT_SETTINGS__PREFIX;
    }
  });
});
