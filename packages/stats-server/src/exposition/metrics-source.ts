// The server's MetricsSource: its snapshot rendered and negotiated by @sightline/exposition, the
// toolkit's one renderer and negotiator, plus a chunked render for its own /metrics.
import type { ExpositionFormat } from '@sightline/core';
import { renderExpositionChunks, snapshotSource, type ChunkWriter, type NegotiatingMetricsSource } from '@sightline/exposition';
import { expositionSnapshot, streamedSnapshot, type ExpositionInput } from './exposition-snapshot.js';

/** The server's source: what any MetricsSource does, and a render that streams. */
export interface ServerMetricsSource extends NegotiatingMetricsSource {
  /**
   * Renders `format` in slices, handing it to `write` in chunks as they fill: the scrape's memory
   * is a chunk or two and one series' sample objects, whatever the size of the exposition.
   */
  renderChunks(format: ExpositionFormat, write: ChunkWriter, signal?: AbortSignal): Promise<void>;
}

export function createMetricsSource(read: () => ExpositionInput): ServerMetricsSource {
  // A throw while building the snapshot becomes a rejected scrape, never an exception in the caller.
  const source = snapshotSource((wanted) => new Promise((resolve) => resolve(expositionSnapshot(read(), wanted))));
  return {
    ...source,
    async renderChunks(format, write, signal) {
      await renderExpositionChunks(streamedSnapshot(read()), write, { format, ...(signal ? { signal } : {}) });
    },
  };
}
