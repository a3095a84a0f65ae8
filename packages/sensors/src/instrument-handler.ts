// instrumentHandler: measure a message handler without hand-written timing. The wrapper emits
// onMessageIn, onStreamEventIn and onStreamEventOut around each call, sync or async, thrown or not.
import { SensorDelegate } from './sensor-delegate.js';
import type { StreamSensor } from './sensor.js';
import { runSettled } from '@sightline/core/internal';

/** Options of `instrumentHandler()`: how to read the topic-partition and offset of a call. */
export interface InstrumentHandlerOptions<A extends unknown[]> {
  /** The topic-partition of a call: fixed, or read from the handler's arguments. Default `default/0`. */
  readonly tp?: string | ((...args: A) => string);
  /** The offset of a call, read from the handler's arguments. Default: a sequence number (0, 1, 2...). */
  readonly offset?: (...args: A) => number;
  /** Passed to the sensor as `stream`. Default: the handler. */
  readonly stream?: unknown;
  /** Also emit `onMessageIn(tp, offset, event)` before each call (what lag and per-partition counts read). Default true. */
  readonly messageIn?: boolean;
}

/** A sensor wrapped so that what it throws stays with it (a delegate of one; a delegate is used as is). */
export function guardSensor(sensor: StreamSensor): SensorDelegate {
  return sensor instanceof SensorDelegate ? sensor : new SensorDelegate(sensor);
}

/**
 * Wraps `handler` so each call is reported to `sensor`. The event passed to the sensor is the first
 * argument. The wrapper returns what the handler returns (for a promise, one that settles the same
 * way) and rethrows what it throws; the sensor's own failures never reach the caller.
 */
export function instrumentHandler<A extends unknown[], R>(
  sensor: StreamSensor,
  handler: (...args: A) => R,
  options: InstrumentHandlerOptions<A> = {},
): (...args: A) => R {
  const target = guardSensor(sensor);
  const tpOption = options.tp ?? 'default/0';
  const tpOf = typeof tpOption === 'function' ? tpOption : undefined;
  const offsetOf = options.offset;
  const stream = options.stream ?? handler;
  const messageIn = options.messageIn ?? true;
  let sequence = 0;

  return function instrumented(this: unknown, ...args: A): R {
    const seq = sequence++;
    let tp = tpOption as string;
    let offset = seq;
    try {
      if (tpOf !== undefined) tp = tpOf(...args);
      if (offsetOf !== undefined) offset = offsetOf(...args);
    } catch {
      // A bad extractor must not stop the handler: report under the defaults.
      tp = typeof tpOption === 'string' ? tpOption : 'default/0';
    }
    const event = args[0];
    if (messageIn) target.onMessageIn(tp, offset, event);
    const state = target.onStreamEventIn(tp, offset, stream, event);
    const out = () => target.onStreamEventOut(tp, offset, stream, event, state);
    return runSettled(() => handler.apply(this, args), out, out);
  };
}
