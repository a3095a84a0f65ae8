// The server's MetricsSource: its snapshot rendered and negotiated by @sightline/exposition, the
// toolkit's one renderer and negotiator, with a chunked render that reads the store as it goes.
import { renderExpositionChunks, snapshotSource, type NegotiatingMetricsSource } from '@sightline/exposition';
import { expositionSnapshot, streamedSnapshot, type ExpositionInput } from './exposition-snapshot.js';

/**
 * The server's source. Its `renderChunks` produces each series' samples as the family renders, so a
 * scrape's memory is a chunk or two and one series' sample objects, whatever the size of the exposition.
 */
export type ServerMetricsSource = NegotiatingMetricsSource;

export function createMetricsSource(read: () => ExpositionInput): ServerMetricsSource {
  // A throw while building the snapshot becomes a rejected scrape, never an exception in the caller.
  const source = snapshotSource((wanted) => new Promise((resolve) => resolve(expositionSnapshot(read(), wanted))));
  return {
    ...source,
    async renderChunks(format, write, control = {}) {
      await renderExpositionChunks(streamedSnapshot(read()), write, { ...control, format });
    },
  };
}
