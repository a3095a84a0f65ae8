// A plugin factory carries its options shape, so setupFromEnv() can read its variables by the
// same rule (typed values, unknown variables refused) without knowing the package.
import type { Shape } from './field.js';

const SHAPE = Symbol.for('sightline.optionsShape');

/** Attaches `shape` to `factory` and returns the factory. */
export function withOptionsShape<F extends (...args: never[]) => unknown>(factory: F, shape: Shape): F {
  Object.defineProperty(factory, SHAPE, { value: shape, enumerable: false });
  return factory;
}

/** The shape a factory was given with `withOptionsShape`, if any. */
export function optionsShapeOf(factory: unknown): Shape | undefined {
  if (typeof factory !== 'function') return undefined;
  return (factory as unknown as { [SHAPE]?: Shape })[SHAPE];
}
