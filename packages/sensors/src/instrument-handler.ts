// instrumentHandler: measure a message handler without hand-written timing. The wrapper emits
// onMessageIn, onStreamEventIn and onStreamEventOut around each call, sync or async, thrown or not.
import type { Sensor } from '@sightline/core';
import { runSettled, type ResolvedOf } from '@sightline/core/internal';
import { DEFAULT_TP, INSTRUMENT_HANDLER_SHAPE, resolveSensorOptions, type InstrumentHandlerOptions } from './options.js';
import { SensorDelegate } from './sensor-delegate.js';

/** The resolved options, with the extractors typed by the handler's arguments as the caller gave them. */
type Resolved<A extends unknown[]> = Omit<ResolvedOf<typeof INSTRUMENT_HANDLER_SHAPE>, 'tp' | 'offset'> &
  Required<Pick<InstrumentHandlerOptions<A>, 'tp'>> &
  Pick<InstrumentHandlerOptions<A>, 'offset'>;

/** A sensor wrapped so that what it throws stays with it (a delegate of one; a delegate is used as is). */
export function guardSensor(sensor: Sensor): SensorDelegate {
  return sensor instanceof SensorDelegate ? sensor : new SensorDelegate(sensor);
}

/**
 * Wraps `handler` so each call is reported to `sensor`. The event passed to the sensor is the first
 * argument. The wrapper returns what the handler returns (for a promise, one that settles the same
 * way) and rethrows what it throws; the sensor's own failures never reach the caller.
 */
export function instrumentHandler<A extends unknown[], R>(
  sensor: Sensor,
  handler: (...args: A) => R,
  options: InstrumentHandlerOptions<A> = {},
): (...args: A) => R {
  const target = guardSensor(sensor);
  const {
    tp: tpOption,
    offset: offsetOf,
    stream = handler,
    messageIn,
  } = resolveSensorOptions(INSTRUMENT_HANDLER_SHAPE, options, 'instrumentHandler()') as Resolved<A>;
  const tpOf = typeof tpOption === 'function' ? tpOption : undefined;
  // What a call is reported under when its tp cannot be read.
  const fixedTp = typeof tpOption === 'string' ? tpOption : DEFAULT_TP;
  let sequence = 0;

  return function instrumented(this: unknown, ...args: A): R {
    let tp = fixedTp;
    let offset = sequence++;
    try {
      if (tpOf !== undefined) tp = tpOf(...args);
      if (offsetOf !== undefined) offset = offsetOf(...args);
    } catch {
      // A bad extractor must not stop the handler: report under the defaults.
      tp = fixedTp;
    }
    const event = args[0];
    if (messageIn) target.onMessageIn(tp, offset, event);
    const state = target.onStreamEventIn(tp, offset, stream, event);
    const out = () => target.onStreamEventOut(tp, offset, stream, event, state);
    return runSettled(() => handler.apply(this, args), out, out);
  };
}
