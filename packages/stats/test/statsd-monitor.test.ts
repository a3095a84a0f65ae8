import { optionsShapeOf, readEnvOptions, SENSOR_EVENT_NAMES } from '@sightline/core/internal';
import { StatsDMonitor, stats, type StatsPluginOptions } from '../src/index.js';
import { createTestClient, InMemoryTransport } from '../src/testing.js';

describe('StatsDMonitor', () => {
  it('counts stream activity in fields and reports it through the client on flush, deltas only', async () => {
    const { client, transport } = createTestClient({ prefix: 'app' });
    const monitor = new StatsDMonitor(client);
    // A clock that stands still: each latency is exactly the offset its start state was given.
    const clock = jest.spyOn(performance, 'now').mockReturnValue(100);
    for (let i = 0; i < 3; i++) monitor.onMessageIn('orders/0', i, {});
    monitor.onMessageIn('orders/1', 0, {});
    monitor.onMessageOut('orders/1', 0, {});
    const s1 = monitor.onStreamEventIn();
    monitor.onStreamEventIn();
    monitor.onStreamEventOut('orders/0', 0, null, null, s1 - 5);
    monitor.onTableGet();
    monitor.onTableSet();
    monitor.onTableSet();
    monitor.onTableDel();
    monitor.onCommitCompleted(null, monitor.onCommitInitiated() - 2);
    monitor.onSendCompleted(null, monitor.onSendInitiated() - 1);
    monitor.onSendError(null, new Error('x'), monitor.onSendInitiated() - 1);
    clock.mockRestore();
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
    expect(monitor.asDict()).toEqual({
      messages_received: 5,
      messages_sent: 1,
      events_in: 2,
      events: 1,
      'table.get': 1,
      'table.set': 2,
      'table.del': 1,
      'table.contains': 0,
      commits: 1,
      sends: 1,
      send_errors: 1,
      assignments: 0,
      assignment_errors: 0,
      rebalances: 0,
      topic_buffer_full: 0,
      events_active: 1,
      latency_samples_dropped: 0,
    });
    const closing = monitor.close();
    expect(monitor.close()).toBe(closing);
    await closing;
    monitor.onMessageIn('x', 0, {});
    await client.flush();
    expect(transport.attempts).toBe(0);
    await client.close();
  });

  it('keeps at most maxSamplesPerFlush latency samples per timer and counts the rest', async () => {
    const { client, transport } = createTestClient();
    const monitor = new StatsDMonitor(client, { prefix: 's', maxSamplesPerFlush: 3 });
    for (let i = 0; i < 5; i++) monitor.onStreamEventOut('t', i, null, null, performance.now());
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
    expect(calls.sort()).toEqual([
      ['x.assignment_errors', 1],
      ['x.assignments', 1],
      ['x.rebalances', 1],
      ['x.table.contains', 2],
      ['x.topic_buffer_full', 1],
    ]);
    expect(monitor.asDict()).toMatchObject({
      'table.contains': 2,
      assignments: 1,
      assignment_errors: 1,
      rebalances: 1,
      topic_buffer_full: 1,
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
