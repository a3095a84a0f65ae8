// Checks shared by the client's and the server's options; each throws WsConfigError naming the value.
import { WsConfigError } from './errors.js';

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** A whole number of milliseconds >= min, or `fallback` when undefined. */
export function intOption(name: string, value: unknown, fallback: number, min: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (allowInfinity && value === Infinity) return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new WsConfigError(
      `Invalid ${name} ${show(value)}: expected an integer >= ${min}${allowInfinity ? ' or Infinity' : ''}`,
    );
  }
  return value;
}

/** A number in [0, 1], or `fallback` when undefined. */
export function fractionOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new WsConfigError(`Invalid ${name} ${show(value)}: expected a number from 0 to 1`);
  }
  return value;
}

export function objectOption(name: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new WsConfigError(`Invalid ${name} ${show(value)}: expected an object`);
  }
}

export function functionOption(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new WsConfigError(`Invalid ${name} ${show(value)}: expected a function`);
  }
}
