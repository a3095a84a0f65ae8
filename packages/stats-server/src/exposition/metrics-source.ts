// The server's MetricsSource: its snapshot rendered and negotiated by @sightline/exposition, the
// toolkit's one renderer and negotiator.
import { snapshotSource, type NegotiatingMetricsSource } from '@sightline/exposition';
import { expositionSnapshot, type ExpositionInput } from './exposition-snapshot.js';

export function createMetricsSource(read: () => ExpositionInput): NegotiatingMetricsSource {
  // A throw while building the snapshot becomes a rejected scrape, never an exception in the caller.
  return snapshotSource((wanted) => new Promise((resolve) => resolve(expositionSnapshot(read(), wanted))));
}
