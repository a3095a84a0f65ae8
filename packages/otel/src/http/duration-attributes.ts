// The attribute sets of the duration histograms, made once per distinct combination and reused:
// a request then costs a map lookup, not an object.
import type { Attributes } from '@opentelemetry/api';

const MAX_CACHED = 2000;

export class AttributeSetCache {
  private readonly sets = new Map<string, Attributes>();

  get(key: string, build: () => Attributes): Attributes {
    let set = this.sets.get(key);
    if (set === undefined) {
      set = Object.freeze(build());
      // Past the bound (a route per user id...), sets are built per call rather than kept.
      if (this.sets.size < MAX_CACHED) this.sets.set(key, set);
    }
    return set;
  }
}
