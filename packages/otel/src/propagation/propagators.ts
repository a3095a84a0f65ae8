// The propagator OTEL_PROPAGATORS (or the `propagators` option) asks for, built from the SDK's own:
// W3C trace context and baggage from @opentelemetry/core, B3 from the optional
// @opentelemetry/propagator-b3, loaded only when named, with an error saying what to install.
import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { createRequire } from 'node:module';
import type { PropagatorName } from '../config/otel-env.js';
import { MissingPropagatorError } from '../errors.js';

export const B3_PACKAGE = '@opentelemetry/propagator-b3';

interface B3Module {
  B3Propagator: new (config?: { injectEncoding?: number }) => TextMapPropagator;
  B3InjectEncoding: { SINGLE_HEADER: number; MULTI_HEADER: number };
}

export type LoadB3 = () => B3Module;

/** `require` resolving from this package, in the ESM build (tsup shims `__filename`) and in CommonJS. */
export function loadB3(req: NodeJS.Require = createRequire(__filename)): B3Module {
  try {
    return req(B3_PACKAGE) as B3Module;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new MissingPropagatorError(B3_PACKAGE, { cause: error });
    throw error;
  }
}

/** The propagators named, in order; `none` anywhere in the list turns propagation off. */
export function buildPropagator(names: readonly PropagatorName[], load: LoadB3 = loadB3): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  for (const name of names.includes('none') ? [] : names) {
    switch (name) {
      case 'tracecontext':
        propagators.push(new W3CTraceContextPropagator());
        break;
      case 'baggage':
        propagators.push(new W3CBaggagePropagator());
        break;
      case 'b3':
      case 'b3multi': {
        const b3 = load();
        const injectEncoding = name === 'b3' ? b3.B3InjectEncoding.SINGLE_HEADER : b3.B3InjectEncoding.MULTI_HEADER;
        propagators.push(new b3.B3Propagator({ injectEncoding }));
        break;
      }
    }
  }
  return new CompositePropagator({ propagators });
}
