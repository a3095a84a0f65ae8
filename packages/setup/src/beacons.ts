// Beacons hold the graceful stop while work runs (lightship's idea): `obs.beacon()` when a job
// starts, `beacon.done()` when it ends; the stop waits for every live beacon, within its timeout.

/** One piece of work the stop waits for. */
export interface Beacon {
  /** What the beacon was created with; logged when the stop waits for it. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The work is over. Calling it again does nothing. */
  done(): void;
}

export class Beacons {
  readonly #live = new Set<Beacon>();
  #waiters: Array<() => void> = [];

  get size(): number {
    return this.#live.size;
  }

  create(context: Readonly<Record<string, unknown>> = {}): Beacon {
    const live = this.#live;
    const beacon: Beacon = Object.freeze({
      context: Object.freeze({ ...context }),
      done: () => {
        if (live.delete(beacon) && live.size === 0) this.#wake();
      },
    });
    live.add(beacon);
    return beacon;
  }

  /** The contexts of up to `max` live beacons, for a log line. */
  describe(max = 5): Array<Readonly<Record<string, unknown>>> {
    const out: Array<Readonly<Record<string, unknown>>> = [];
    for (const b of this.#live) {
      if (out.length >= max) break;
      out.push(b.context);
    }
    return out;
  }

  /** Resolves once no beacon is live (at once when none is). */
  drained(): Promise<void> {
    if (this.#live.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
