// Each member's own state through a fan-out: what a member's opening callback returned must reach
// its closing callback unchanged (the Sensor contract's rule for states), and a member that
// returned nothing gets a start time. Allocated only when members returned different values, or one returned a non-number.
import type { Sensor, SensorState } from './sensor.js';

/** The states members of one fan-out returned from one opening event, in member order. */
export class MemberStates {
  constructor(
    /** The fan-out that made it: only it unpacks it (another fan-out passes it on as a value). */
    readonly owner: object,
    readonly members: readonly Sensor[],
    readonly states: readonly SensorState[],
    /** What a member that returned nothing receives: the first number returned, else the clock. */
    readonly start: number | undefined,
  ) {}

  /** The state `sensor` returned, or the start time when it returned none (or did not open). */
  of(sensor: Sensor): SensorState {
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      if (members[i] !== sensor) continue;
      const state = this.states[i];
      return state === undefined ? this.start : state;
    }
    return this.start;
  }
}

/** A sparse array of `length` holding the first two distinct states, at their members' places. */
export function twoStates(length: number, at: number, first: SensorState, i: number, second: SensorState): SensorState[] {
  const states = new Array<SensorState>(length).fill(undefined);
  states[at] = first;
  states[i] = second;
  return states;
}

/**
 * What an opening event returns to the fan-out's caller, given what its members returned: the one
 * number they agreed on (or returned alone) as is; nothing at all as the clock (when `clock`) or
 * undefined; anything else as a `MemberStates`.
 */
export function settleStates(
  owner: object,
  members: readonly Sensor[],
  first: SensorState,
  at: number,
  states: SensorState[] | undefined,
  clock: boolean,
): SensorState {
  if (states === undefined) {
    if (at < 0) return clock ? performance.now() : undefined;
    if (typeof first === 'number') return first;
    states = new Array<SensorState>(members.length).fill(undefined);
    states[at] = first;
  }
  let start: number | undefined;
  for (const state of states) {
    if (typeof state === 'number') {
      start = state;
      break;
    }
  }
  if (start === undefined && clock) start = performance.now();
  return new MemberStates(owner, members, states, start);
}
