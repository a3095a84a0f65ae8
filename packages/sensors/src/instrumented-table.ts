// InstrumentedTable: a Map that reports its reads and writes as sensor table events.
import type { Sensor } from '@sightline/core';
import { guardSensor } from './instrument-handler.js';
import type { SensorDelegate } from './sensor-delegate.js';

/**
 * A `Map` that emits `onTableGet` on `get`, `onTableSet` on `set`, `onTableDel` on `delete` (and
 * for each key on `clear`), and `onTableContains` on `has`, passing itself as the table (its
 * `name` identifies it). Iteration and `size` emit nothing.
 */
export class InstrumentedTable<K, V> implements Map<K, V> {
  private readonly data: Map<K, V>;
  private readonly sensor: SensorDelegate;

  constructor(
    /** The table's name, passed to the sensor's table events. */
    readonly name: string,
    sensor: Sensor,
    entries?: Iterable<readonly [K, V]>,
  ) {
    this.sensor = guardSensor(sensor);
    this.data = new Map(entries);
  }

  /** Entries held. */
  get size(): number {
    return this.data.size;
  }

  /** `InstrumentedTable`, as `Object.prototype.toString` shows it. */
  get [Symbol.toStringTag](): string {
    return 'InstrumentedTable';
  }

  /** Reads `key` and reports `onTableGet`. */
  get(key: K): V | undefined {
    this.sensor.onTableGet(this, key);
    return this.data.get(key);
  }

  /** Writes `key` and reports `onTableSet`. */
  set(key: K, value: V): this {
    this.sensor.onTableSet(this, key, value);
    this.data.set(key, value);
    return this;
  }

  /** Tests `key` and reports `onTableContains`. */
  has(key: K): boolean {
    this.sensor.onTableContains(this, key);
    return this.data.has(key);
  }

  /** Deletes `key` and reports `onTableDel`. */
  delete(key: K): boolean {
    this.sensor.onTableDel(this, key);
    return this.data.delete(key);
  }

  /** Removes every entry, reporting `onTableDel` for each key. */
  clear(): void {
    for (const key of this.data.keys()) this.sensor.onTableDel(this, key);
    this.data.clear();
  }

  /** Calls `callback` for each entry (no events). */
  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.data.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  /** The keys (no events). */
  keys(): MapIterator<K> {
    return this.data.keys();
  }

  /** The values (no events). */
  values(): MapIterator<V> {
    return this.data.values();
  }

  /** The entries (no events). */
  entries(): MapIterator<[K, V]> {
    return this.data.entries();
  }

  /** The entries (no events). */
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.data[Symbol.iterator]();
  }
}
