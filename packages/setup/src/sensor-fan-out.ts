// One Sensor over every plugin's sensor. Each call is isolated: a sensor that throws is logged once
// per plugin and method, counted, and never reaches the caller or stops the other sensors. Nothing
// is allocated per event: the slots are built once, and latency state is one performance.now()
// number taken by the fan-out and handed to every sensor's completing callback.
import type { Logger, Sensor, SensorEventName, SensorState } from '@sightline/core';
import { describeError } from './describe-value.js';

/**
 * The fan-out sensor: every callback is present (call it without `?.`), and the initiating ones
 * always return the start time to pass back to the matching completing callback.
 */
export interface CombinedSensor extends Sensor {
  onMessageIn(tp: string, offset: number, message: unknown): void;
  onMessageOut(tp: string, offset: number, message: unknown): void;
  onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState;
  onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void;
  onTableGet(table: unknown, key: unknown): void;
  onTableSet(table: unknown, key: unknown, value: unknown): void;
  onTableDel(table: unknown, key: unknown): void;
  onCommitInitiated(consumer: unknown): SensorState;
  onCommitCompleted(consumer: unknown, state: SensorState): void;
  onSendInitiated(producer: unknown, topic: string, message: unknown): SensorState;
  onSendCompleted(producer: unknown, state: SensorState): void;
  onSendError(producer: unknown, error: unknown, state: SensorState): void;
  /** Every sensor's `asDict()`, by plugin name. */
  asDict(): Record<string, unknown>;
}

export interface NamedSensor {
  readonly plugin: string;
  readonly sensor: Sensor;
}

/** Sensor failures so far: plugin name, then callback name, then count. Only non-zero entries. */
export type SensorFailures = Record<string, Record<string, number>>;

export interface SensorFanOut {
  readonly sensor: CombinedSensor;
  failures(): SensorFailures;
}

type Method = SensorEventName | 'asDict';

interface Slot {
  readonly plugin: string;
  readonly method: Method;
  readonly sensor: Sensor;
  failures: number;
}

export function fanOutSensors(sensors: readonly NamedSensor[], log: Logger): SensorFanOut {
  const all: Slot[] = [];

  /**
   * The sensors that implement `method`, in plugin order, each with its failure count. The callbacks
   * below call `slot.sensor.onX(...)` as a method: `this` is the sensor, and V8 inlines that where
   * it does not inline a stored `fn.call(sensor, ...)` (measured 3x slower in bench/).
   */
  function slots(method: Method): readonly Slot[] {
    const out: Slot[] = [];
    for (const { plugin, sensor } of sensors) {
      if (typeof sensor[method] !== 'function') continue;
      const slot: Slot = { plugin, method, sensor, failures: 0 };
      out.push(slot);
      all.push(slot);
    }
    return out;
  }

  function fail(slot: Slot, error: unknown): void {
    if (slot.failures++ > 0) return;
    try {
      log.warn(`sensor ${slot.method} of plugin "${slot.plugin}" threw; suppressed (logged once, counted)`, {
        plugin: slot.plugin,
        method: slot.method,
        error: describeError(error),
      });
    } catch {
      // A broken logger must not turn a suppressed sensor failure into one the caller sees.
    }
  }

  const messageIn = slots('onMessageIn');
  const messageOut = slots('onMessageOut');
  const streamIn = slots('onStreamEventIn');
  const streamOut = slots('onStreamEventOut');
  const tableGet = slots('onTableGet');
  const tableSet = slots('onTableSet');
  const tableDel = slots('onTableDel');
  const commitStart = slots('onCommitInitiated');
  const commitDone = slots('onCommitCompleted');
  const sendStart = slots('onSendInitiated');
  const sendDone = slots('onSendCompleted');
  const sendError = slots('onSendError');
  const asDicts = slots('asDict');

  // Take the time only when some sensor of the pair will read it.
  const timeStream = streamIn.length + streamOut.length > 0;
  const timeCommit = commitStart.length + commitDone.length > 0;
  const timeSend = sendStart.length + sendDone.length + sendError.length > 0;

  const sensor: CombinedSensor = {
    onMessageIn(tp, offset, message) {
      for (let i = 0; i < messageIn.length; i++) {
        const s = messageIn[i]!;
        try {
          s.sensor.onMessageIn!(tp, offset, message);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onMessageOut(tp, offset, message) {
      for (let i = 0; i < messageOut.length; i++) {
        const s = messageOut[i]!;
        try {
          s.sensor.onMessageOut!(tp, offset, message);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onStreamEventIn(tp, offset, stream, event) {
      const start = timeStream ? performance.now() : 0;
      for (let i = 0; i < streamIn.length; i++) {
        const s = streamIn[i]!;
        try {
          s.sensor.onStreamEventIn!(tp, offset, stream, event);
        } catch (error) {
          fail(s, error);
        }
      }
      return start;
    },
    onStreamEventOut(tp, offset, stream, event, state) {
      for (let i = 0; i < streamOut.length; i++) {
        const s = streamOut[i]!;
        try {
          s.sensor.onStreamEventOut!(tp, offset, stream, event, state);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onTableGet(table, key) {
      for (let i = 0; i < tableGet.length; i++) {
        const s = tableGet[i]!;
        try {
          s.sensor.onTableGet!(table, key);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onTableSet(table, key, value) {
      for (let i = 0; i < tableSet.length; i++) {
        const s = tableSet[i]!;
        try {
          s.sensor.onTableSet!(table, key, value);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onTableDel(table, key) {
      for (let i = 0; i < tableDel.length; i++) {
        const s = tableDel[i]!;
        try {
          s.sensor.onTableDel!(table, key);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onCommitInitiated(consumer) {
      const start = timeCommit ? performance.now() : 0;
      for (let i = 0; i < commitStart.length; i++) {
        const s = commitStart[i]!;
        try {
          s.sensor.onCommitInitiated!(consumer);
        } catch (error) {
          fail(s, error);
        }
      }
      return start;
    },
    onCommitCompleted(consumer, state) {
      for (let i = 0; i < commitDone.length; i++) {
        const s = commitDone[i]!;
        try {
          s.sensor.onCommitCompleted!(consumer, state);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onSendInitiated(producer, topic, message) {
      const start = timeSend ? performance.now() : 0;
      for (let i = 0; i < sendStart.length; i++) {
        const s = sendStart[i]!;
        try {
          s.sensor.onSendInitiated!(producer, topic, message);
        } catch (error) {
          fail(s, error);
        }
      }
      return start;
    },
    onSendCompleted(producer, state) {
      for (let i = 0; i < sendDone.length; i++) {
        const s = sendDone[i]!;
        try {
          s.sensor.onSendCompleted!(producer, state);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    onSendError(producer, err, state) {
      for (let i = 0; i < sendError.length; i++) {
        const s = sendError[i]!;
        try {
          s.sensor.onSendError!(producer, err, state);
        } catch (error) {
          fail(s, error);
        }
      }
    },
    asDict() {
      const out: Record<string, unknown> = {};
      for (const s of asDicts) {
        try {
          out[s.plugin] = s.sensor.asDict!();
        } catch (error) {
          fail(s, error);
        }
      }
      return out;
    },
  };

  return {
    sensor: Object.freeze(sensor),
    failures() {
      const out: SensorFailures = {};
      for (const s of all) {
        if (s.failures === 0) continue;
        (out[s.plugin] ??= {})[s.method] = s.failures;
      }
      return out;
    },
  };
}
