// SensorDelegate: one sensor that forwards every event to many, in order. The forwarding itself is
// core's SensorFanOut (per-event arrays of the sensors implementing each event, allocation-free);
// this adds sensor management, base-class no-ops left out, failures logged once per sensor and
// event, and combined metrics.
import { getLogger, type Sensor } from '@sightline/core';
import { errorText, SensorFanOut, type SensorEventName, type SensorFanOutMethod } from '@sightline/core/internal';
import { BaseSensor } from './base-sensor.js';

const log = getLogger('sightline.sensors.delegate');

/** A sensor's label in `getCombinedMetrics()`: its `name` when it has one, else its class name. */
function labelOf(sensor: Sensor): string {
  const name = (sensor as { name?: unknown }).name;
  if (typeof name === 'string' && name.length > 0) return name;
  const ctor = (sensor as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : 'sensor';
}

function logOnce(sensor: Sensor, event: SensorFanOutMethod, error: unknown, count: number): void {
  if (count !== 1) return;
  log.warn(`sensor ${labelOf(sensor)} threw in ${event}; suppressed (logged once per sensor and event)`, {
    sensor: labelOf(sensor),
    event,
    error: errorText(error),
  });
}

/**
 * Forwards every sensor event to each of its sensors in the order they were added. It is itself a
 * sensor, so delegates nest. Each sensor's completed callbacks receive the state its own initiating
 * callback returned; a sensor that returned none gets the first start time returned (for commits,
 * sends, assignments and rebalances, `performance.now()` when none did; for stream events, only when
 * some sensor implements `onStreamEventOut` alone). Methods a sensor inherits unchanged from `BaseSensor` are never called.
 */
export class SensorDelegate extends SensorFanOut implements Sensor {
  constructor(...sensors: Sensor[]) {
    super([], { noOps: BaseSensor.prototype, onFailure: logOnce });
    for (const sensor of sensors) this.addSensor(sensor);
  }

  /** The sensors, in forwarding order. */
  get sensors(): readonly Sensor[] {
    return this.members;
  }

  /** Adds a sensor at the end; adding one already present does nothing. */
  addSensor(sensor: Sensor): void {
    if (sensor === this || this.members.includes(sensor)) return;
    this.setMembers([...this.members, sensor]);
  }

  /** Removes a sensor; removing one not present does nothing. Events already under way finish. */
  removeSensor(sensor: Sensor): void {
    if (!this.members.includes(sensor)) return;
    this.setMembers(this.members.filter((s) => s !== sensor));
  }

  /** How many times sensors threw: all of them, one sensor's, or one sensor's in one event. */
  override errorCount(sensor?: Sensor, event?: SensorEventName | 'asDict'): number {
    return super.errorCount(sensor, event);
  }

  /** Each sensor's `asDict()` under its label (`name`, else class name; repeats get `#2`, `#3`...). */
  getCombinedMetrics(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const sensor of this.members) {
      if (typeof sensor.asDict !== 'function') continue;
      let label = labelOf(sensor);
      for (let n = 2; label in out; n++) label = `${labelOf(sensor)}#${n}`;
      try {
        out[label] = sensor.asDict();
      } catch (error) {
        this.reportFailure(sensor, 'asDict', error);
      }
    }
    return out;
  }

  /** Every member's figures, combined: `getCombinedMetrics()`. */
  asDict(): Record<string, unknown> {
    return this.getCombinedMetrics();
  }
}
