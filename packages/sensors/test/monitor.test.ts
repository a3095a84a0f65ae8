import { Monitor, SensorConfigError, SensorDelegate } from '../src/index.js';
import { captureLogs, fakeClock } from './helpers.js';

function monitorAt(options: ConstructorParameters<typeof Monitor>[0] = {}) {
  const clock = fakeClock(0);
  return { clock, m: new Monitor({ clock, ...options }) };
}

describe('Monitor totals', () => {
  it('counts messages, events and table operations', () => {
    const { m } = monitorAt();
    m.onMessageIn('orders/0', 10, {});
    m.onMessageIn('orders/0', 11, {});
    m.onMessageIn('orders/1', 3, {});
    m.onMessageOut('audit/0', 100, {});
    m.onStreamEventIn('orders/0', 10, 's', {});
    m.onStreamEventIn('orders/0', 11, 's', {});
    m.onStreamEventOut('orders/0', 10, 's', {});
    m.onTableGet('t', 'a');
    m.onTableGet('t', 'b');
    m.onTableSet('t', 'a', 1);
    m.onTableDel('t', 'a');
    m.onTableContains('t', 'a');
    m.onTableContains('t', 'b');
    m.onTableContains('t', 'c');
    m.onTopicBufferFull('orders/1');
    m.onTopicBufferFull('orders/1');

    expect(m.messagesReceivedTotal()).toBe(3);
    expect(m.messagesSentTotal()).toBe(1);
    expect(m.eventsTotal()).toBe(2);
    expect(m.eventsActive()).toBe(1);
    expect(m.tablesGetTotal()).toBe(2);
    expect(m.tablesSetTotal()).toBe(1);
    expect(m.tablesDelTotal()).toBe(1);
    expect(m.tablesContainsTotal()).toBe(3);
    expect(m.topicBufferFullTotal()).toBe(2);
  });

  it('keeps counts and last offsets per topic-partition', () => {
    const { m } = monitorAt();
    m.onMessageIn('orders/0', 10, {});
    m.onMessageIn('orders/1', 3, {});
    m.onMessageIn('orders/0', 12, {});
    m.onMessageOut('orders/0', 40, {});
    m.onTopicBufferFull('orders/1');
    expect(m.topicPartition('orders/0')).toEqual({
      tp: 'orders/0',
      messagesReceived: 2,
      messagesSent: 1,
      lastReadOffset: 12,
      lastSentOffset: 40,
      endOffset: -1,
      bufferFull: 0,
    });
    expect(m.topicPartition('orders/1')).toMatchObject({ messagesReceived: 1, lastReadOffset: 3, lastSentOffset: -1, bufferFull: 1 });
    expect([...m.topicPartitions().keys()]).toEqual(['orders/0', 'orders/1']);
    expect(m.topicPartition('nope/0')).toBeUndefined();
  });

  it('stops tracking new partitions past maxTopicPartitions and counts their events', () => {
    const { m } = monitorAt({ maxTopicPartitions: 2 });
    m.onMessageIn('a/0', 1, {});
    m.onMessageIn('b/0', 1, {});
    m.onMessageIn('c/0', 1, {});
    m.onMessageIn('d/0', 1, {});
    m.onMessageIn('a/0', 2, {});
    expect(m.topicPartitions().size).toBe(2);
    expect(m.untrackedTopicPartitionEventsTotal()).toBe(2);
    expect(m.messagesReceivedTotal()).toBe(5);
    expect(m.topicPartition('a/0')?.messagesReceived).toBe(2);
  });
});

describe('Monitor latencies', () => {
  it('averages and maxes commit latency over the last maxCommitLatencyHistory commits, in seconds', () => {
    const { m, clock } = monitorAt({ maxCommitLatencyHistory: 3 });
    for (const ms of [400, 100, 200, 300]) {
      const state = m.onCommitInitiated(null);
      clock.advance(ms);
      m.onCommitCompleted(null, state);
    }
    // 400 fell out of the history of 3.
    expect(m.commitLatencyAvg()).toBe(0.2);
    expect(m.commitLatencyMax()).toBe(0.3);
    expect(m.commitsTotal()).toBe(4);
    expect(m.historyLengths().commitLatency).toBe(3);
  });

  it('averages and maxes send latency over the last maxSendLatencyHistory sends; errors are counted apart', () => {
    const { m, clock } = monitorAt({ maxSendLatencyHistory: 2 });
    for (const ms of [50, 250, 150]) {
      const state = m.onSendInitiated(null, 'orders', {});
      clock.advance(ms);
      m.onSendCompleted(null, state);
    }
    const failed = m.onSendInitiated(null, 'orders', {});
    clock.advance(9000);
    m.onSendError(null, new Error('broker down'), failed);
    expect(m.sendLatencyAvg()).toBe(0.2);
    expect(m.sendLatencyMax()).toBe(0.25);
    expect(m.sendsTotal()).toBe(3);
    expect(m.sendErrorsTotal()).toBe(1);
  });

  it('reports 0 for latencies never measured', () => {
    const { m } = monitorAt();
    expect(m.commitLatencyAvg()).toBe(0);
    expect(m.commitLatencyMax()).toBe(0);
    expect(m.sendLatencyAvg()).toBe(0);
    expect(m.assignmentLatencyAvg()).toBe(0);
    expect(m.rebalanceReturnLatencyAvg()).toBe(0);
    expect(m.eventsRuntimeAvg()).toBe(0);
  });

  it('measures assignments, assignment errors and rebalances', () => {
    const { m, clock } = monitorAt({ maxAvgHistory: 2 });
    for (const ms of [1000, 300, 500]) {
      const s = m.onAssignmentStart(null);
      clock.advance(ms);
      m.onAssignmentCompleted(null, s);
    }
    const bad = m.onAssignmentStart(null);
    m.onAssignmentError(null, new Error('x'), bad);
    expect(m.assignmentLatencyAvg()).toBe(0.4);
    expect(m.assignmentsCompletedTotal()).toBe(3);
    expect(m.assignmentErrorTotal()).toBe(1);

    const r1 = m.onRebalanceStart(null);
    clock.advance(250);
    m.onRebalanceReturn(null, r1);
    clock.advance(750);
    m.onRebalanceEnd(null, r1);
    const r2 = m.onRebalanceStart(null);
    clock.advance(750);
    m.onRebalanceReturn(null, r2);
    expect(m.rebalancesTotal()).toBe(2);
    expect(m.rebalanceReturnLatencyAvg()).toBe(0.5);
    expect(m.rebalanceEndLatencyAvg()).toBe(1);
  });

  it('times one stream event in timeEventsEvery, and any event another sensor timed', () => {
    const { m, clock } = monitorAt({ timeEventsEvery: 3 });
    const states: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const s = m.onStreamEventIn('orders/0', i, null, i);
      states.push(s);
      clock.advance(i === 2 ? 10 : 30);
      m.onStreamEventOut('orders/0', i, null, i, s);
    }
    // Events 3 and 6 were timed: started at t=60 (took 10 ms) and t=130 (took 30 ms).
    expect(states).toEqual([undefined, undefined, 60, undefined, undefined, 130]);
    expect(m.eventsRuntimeAvg()).toBe(0.02);
    m.onStreamEventIn('orders/0', 7, null, 7);
    clock.advance(80);
    m.onStreamEventOut('orders/0', 7, null, 7, clock.now() - 80);
    expect(m.eventsRuntimeAvg()).toBe(0.04);
    expect(m.eventsActive()).toBe(0);
  });

  it('times every event with timeEventsEvery 1 and none with 0', () => {
    const every = monitorAt({ timeEventsEvery: 1 }).m;
    expect(every.onStreamEventIn('a/0', 1, null, null)).toBe(0);
    const never = monitorAt({ timeEventsEvery: 0 }).m;
    for (let i = 0; i < 100; i++) expect(never.onStreamEventIn('a/0', i, null, null)).toBeUndefined();
  });
});

describe('Monitor rates', () => {
  it('divides the change since the oldest snapshot by the elapsed time', () => {
    const { m, clock } = monitorAt();
    for (let i = 0; i < 10; i++) m.onMessageIn('orders/0', i, {});
    for (let i = 0; i < 4; i++) m.onMessageOut('audit/0', i, {});
    for (let i = 0; i < 6; i++) m.onStreamEventIn('orders/0', i, null, null);
    clock.set(500);
    expect(m.messagesReceivedPerSecond()).toBe(20);
    expect(m.messagesSentPerSecond()).toBe(8);
    expect(m.eventsPerSecond()).toBe(12);
  });

  it('is 0 before any time has passed', () => {
    const { m } = monitorAt();
    m.onMessageIn('orders/0', 1, {});
    expect(m.messagesReceivedPerSecond()).toBe(0);
  });

  it('forgets what is older than maxAvgHistory sample intervals', () => {
    const { m, clock } = monitorAt({ maxAvgHistory: 5, sampleIntervalMs: 1000 });
    expect(m.rateWindowMs).toBe(5000);
    // 100 messages a second for 5 s, then 10 a second for 5 s, sampled every second.
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < (second < 5 ? 100 : 10); i++) m.onMessageIn('orders/0', i, {});
      clock.advance(1000);
      m.sample();
    }
    expect(m.messagesReceivedPerSecond()).toBe(10);
    expect(m.historyLengths().rateSnapshots).toBe(6);
    // Half-way into the fast period the window holds 3 fast and 2 slow seconds.
    const { m: m2, clock: c2 } = monitorAt({ maxAvgHistory: 5 });
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < (second < 5 ? 100 : 10); i++) m2.onMessageIn('orders/0', i, {});
      c2.advance(1000);
      m2.sample();
    }
    expect(m2.messagesReceivedPerSecond()).toBe((2 * 100 + 3 * 10) / 5);
  });

  it('takes a snapshot on read when the last one is an interval old, and start() samples on a timer until close()', async () => {
    jest.useFakeTimers();
    try {
      const { m, clock } = monitorAt({ maxAvgHistory: 2, sampleIntervalMs: 1000 });
      clock.set(1000);
      m.messagesReceivedPerSecond();
      expect(m.historyLengths().rateSnapshots).toBe(2);
      await m.start();
      await m.start();
      expect(jest.getTimerCount()).toBe(1);
      clock.set(2000);
      jest.advanceTimersByTime(1000);
      clock.set(3000);
      jest.advanceTimersByTime(1000);
      expect(m.historyLengths().rateSnapshots).toBe(3);
      const closing = m.close();
      expect(m.close()).toBe(closing);
      await closing;
      expect(jest.getTimerCount()).toBe(0);
      // Closed for good: start() no longer starts the sampler, and the figures stay readable.
      await m.start();
      expect(jest.getTimerCount()).toBe(0);
      expect(m.historyLengths().rateSnapshots).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes at the end of an `await using` scope', async () => {
    jest.useFakeTimers();
    try {
      {
        await using m = new Monitor();
        await m.start();
        expect(jest.getTimerCount()).toBe(1);
      }
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('Monitor options and asDict', () => {
  it('exposes the history sizes', () => {
    const m = new Monitor({ maxAvgHistory: 7, maxCommitLatencyHistory: 8, maxSendLatencyHistory: 9 });
    expect([m.maxAvgHistory, m.maxCommitLatencyHistory, m.maxSendLatencyHistory]).toEqual([7, 8, 9]);
    const d = new Monitor();
    expect([d.maxAvgHistory, d.maxCommitLatencyHistory, d.maxSendLatencyHistory]).toEqual([100, 30, 30]);
  });

  it('rejects bad options with a message naming the value', () => {
    expect(() => new Monitor({ maxAvgHistory: 0 })).toThrow(
      new SensorConfigError('invalid option `maxAvgHistory` in new Monitor(): expected an integer >= 1, got 0'),
    );
    expect(() => new Monitor({ maxSendLatencyHistory: 2.5 })).toThrow(
      'invalid option `maxSendLatencyHistory` in new Monitor(): expected an integer >= 1, got 2.5',
    );
    expect(() => new Monitor({ sampleIntervalMs: Number.NaN })).toThrow(
      'invalid option `sampleIntervalMs` in new Monitor(): expected a finite number > 0, got NaN',
    );
    expect(() => new Monitor({ clock: {} as never })).toThrow(
      'invalid option `clock` in new Monitor(): expected a Clock { now(): number } (got an object)',
    );
  });

  it('reports every figure with snake_case keys', () => {
    const { m, clock } = monitorAt({ timeEventsEvery: 1 });
    m.onMessageIn('orders/0', 5, {});
    m.onMessageOut('audit/1', 9, {});
    const e = m.onStreamEventIn('orders/0', 5, null, null);
    clock.advance(250);
    m.onStreamEventOut('orders/0', 5, null, null, e);
    const c = m.onCommitInitiated(null);
    clock.advance(250);
    m.onCommitCompleted(null, c);
    m.onTableSet('t', 'k', 1);
    m.onTopicBufferFull('orders/0');
    expect(JSON.parse(JSON.stringify(m.asDict()))).toEqual({
      messages_received_total: 1,
      messages_sent_total: 1,
      messages_received_per_second: 2,
      messages_sent_per_second: 2,
      events_total: 1,
      events_active: 0,
      events_per_second: 2,
      events_runtime_avg: 0.25,
      tables_get_total: 0,
      tables_set_total: 1,
      tables_del_total: 0,
      tables_contains_total: 0,
      commits_total: 1,
      commit_latency_avg: 0.25,
      commit_latency_max: 0.25,
      sends_total: 0,
      send_errors_total: 0,
      send_latency_avg: 0,
      send_latency_max: 0,
      assignments_completed_total: 0,
      assignment_latency_avg: 0,
      assignment_error_total: 0,
      rebalances_total: 0,
      rebalance_return_latency_avg: 0,
      rebalance_end_latency_avg: 0,
      topic_buffer_full_total: 1,
      messages_received_by_tp: { 'orders/0': 1, 'audit/1': 0 },
      messages_sent_by_tp: { 'orders/0': 0, 'audit/1': 1 },
      topic_read_offsets: { 'orders/0': 5 },
      topic_sent_offsets: { 'audit/1': 9 },
      topic_end_offsets: {},
      topic_buffer_full: { 'orders/0': 1 },
      untracked_topic_partition_events_total: 0,
      unpaired_events_total: 0,
      invalid_states_total: 0,
      invalid_offsets_total: 0,
    });
  });
});

describe('Monitor with callbacks out of order or carrying bad values', () => {
  it('ignores and counts a completion with nothing outstanding, so a commit completed twice counts once', () => {
    const { m, clock } = monitorAt();
    m.onCommitCompleted(null, undefined);
    m.onSendCompleted(null, undefined);
    m.onSendError(null, new Error('x'), undefined);
    expect(m.commitsTotal()).toBe(0);
    expect(m.sendsTotal()).toBe(0);
    expect(m.sendErrorsTotal()).toBe(0);

    const c = m.onCommitInitiated(null);
    clock.advance(100);
    m.onCommitCompleted(null, c);
    clock.advance(900);
    m.onCommitCompleted(null, c);
    expect(m.commitsTotal()).toBe(1);
    expect(m.commitLatencyAvg()).toBe(0.1);
    expect(m.historyLengths().commitLatency).toBe(1);

    const a = m.onAssignmentStart(null);
    m.onAssignmentCompleted(null, a);
    m.onAssignmentError(null, new Error('late'), a);
    const r = m.onRebalanceStart(null);
    m.onRebalanceReturn(null, r);
    m.onRebalanceReturn(null, r);
    m.onRebalanceEnd(null, r);
    m.onRebalanceEnd(null, r);
    expect(m.assignmentsCompletedTotal()).toBe(1);
    expect(m.assignmentErrorTotal()).toBe(0);
    expect(m.unpairedEventsTotal()).toBe(7);
    expect(m.asDict()).toMatchObject({ commits_total: 1, unpaired_events_total: 7 });
  });

  it('keeps commit and send latency averages finite when a state is NaN, not a number, or later than now', () => {
    const { m, clock } = monitorAt();
    clock.set(10_000);
    for (const bad of [Number.NaN, Infinity, -Infinity, 'soon', { start: 1 }, undefined, 20_000]) {
      m.onCommitInitiated(null);
      m.onCommitCompleted(null, bad);
      m.onSendInitiated(null, 't', null);
      m.onSendCompleted(null, bad);
    }
    const failed = m.onSendInitiated(null, 't', null);
    m.onSendError(null, new Error('x'), Number.NaN);
    expect(failed).toBe(10_000);
    expect(m.commitLatencyAvg()).toBe(0);
    expect(m.commitLatencyMax()).toBe(0);
    expect(m.sendLatencyAvg()).toBe(0);
    expect(m.sendLatencyMax()).toBe(0);
    // Each completion is counted; its latency is not.
    expect(m.commitsTotal()).toBe(7);
    expect(m.sendsTotal()).toBe(7);
    expect(m.sendErrorsTotal()).toBe(1);
    expect(m.invalidStatesTotal()).toBe(14);

    const good = m.onSendInitiated(null, 't', null);
    clock.advance(40);
    m.onSendCompleted(null, good);
    expect(m.sendLatencyAvg()).toBe(0.04);
    expect(Number.isFinite(m.asDict()['commit_latency_avg'] as number)).toBe(true);
    expect(m.asDict()['invalid_states_total']).toBe(14);
  });

  it('never lets eventsActive go negative, and ignores a bad stream event state', () => {
    const { m, clock } = monitorAt({ timeEventsEvery: 1 });
    m.onStreamEventOut('a/0', 1, null, null, undefined);
    m.onStreamEventOut('a/0', 2, null, null, undefined);
    expect(m.eventsActive()).toBe(0);
    expect(m.unpairedEventsTotal()).toBe(2);
    m.onStreamEventIn('a/0', 3, null, null);
    expect(m.eventsActive()).toBe(1);
    clock.advance(20);
    m.onStreamEventOut('a/0', 3, null, null, Number.NaN);
    expect(m.eventsActive()).toBe(0);
    expect(m.eventsRuntimeAvg()).toBe(0);
    expect(m.invalidStatesTotal()).toBe(1);
    const s = m.onStreamEventIn('a/0', 4, null, null);
    clock.advance(30);
    m.onStreamEventOut('a/0', 4, null, null, s);
    expect(m.eventsRuntimeAvg()).toBe(0.03);
  });

  it('keeps the last good offset when an offset is NaN, infinite, negative or not a number, and counts it', () => {
    const { m } = monitorAt();
    m.onMessageIn('a/0', 7, null);
    m.onMessageOut('b/0', 9, null);
    for (const bad of [Number.NaN, Infinity, -2, '8' as never]) {
      m.onMessageIn('a/0', bad, null);
      m.onMessageOut('b/0', bad, null);
    }
    expect(m.topicPartition('a/0')).toMatchObject({ messagesReceived: 5, lastReadOffset: 7 });
    expect(m.topicPartition('b/0')).toMatchObject({ messagesSent: 5, lastSentOffset: 9 });
    expect(m.messagesReceivedTotal()).toBe(5);
    expect(m.invalidOffsetsTotal()).toBe(8);
    expect(m.asDict()).toMatchObject({ topic_read_offsets: { 'a/0': 7 }, invalid_offsets_total: 8 });
  });

  it('stays finite behind a SensorDelegate fed closings it never opened', () => {
    const { m, clock } = monitorAt();
    const other = monitorAt().m;
    const d = new SensorDelegate(m, other);
    d.onCommitCompleted(null, Number.NaN);
    d.onSendCompleted(null, undefined);
    d.onStreamEventOut('a/0', 1, null, null, undefined);
    const c = d.onCommitInitiated(null);
    clock.advance(70);
    d.onCommitCompleted(null, c);
    d.onCommitCompleted(null, c);
    for (const mon of [m, other]) {
      expect(mon.commitsTotal()).toBe(1);
      expect(mon.eventsActive()).toBe(0);
      expect(mon.unpairedEventsTotal()).toBe(4);
      expect(Number.isFinite(mon.commitLatencyAvg())).toBe(true);
      expect(Number.isFinite(mon.sendLatencyAvg())).toBe(true);
    }
    expect(m.commitLatencyAvg()).toBe(0.07);
  });

  it('logs the first of each kind of ignored value once at warn', () => {
    const logs = captureLogs();
    try {
      const { m } = monitorAt();
      m.onCommitCompleted(null, undefined);
      m.onCommitCompleted(null, undefined);
      m.onCommitCompleted(null, Number.NaN);
      m.onMessageIn('a/0', Number.NaN, null);
      m.onMessageIn('a/0', Number.NaN, null);
      for (let i = 0; i < 2; i++) {
        m.onCommitInitiated(null);
        m.onCommitCompleted(null, Number.NaN);
      }
      expect(logs.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
        'Monitor ignored onCommitCompleted with no matching opening event (counted in unpaired_events_total; logged once)',
        'Monitor ignored offset NaN in onMessageIn (counted in invalid_offsets_total; logged once)',
        'Monitor ignored the latency of onCommitCompleted: state NaN is not a start time at or before now (counted in invalid_states_total; logged once)',
      ]);
    } finally {
      logs.restore();
    }
  });
});
