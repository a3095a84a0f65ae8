// The server's MetricsSource: its snapshot rendered and negotiated by @sightline/exposition, the
// toolkit's one renderer and negotiator.
import { snapshotSource, type NegotiatingMetricsSource } from '@sightline/exposition';
import { expositionSnapshot, type ExpositionInput } from './exposition-snapshot.js';

export function createMetricsSource(read: () => ExpositionInput): NegotiatingMetricsSource {
  return snapshotSource(async () => expositionSnapshot(read()));
}
