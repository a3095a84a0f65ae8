// The server's own counters: what it accepted, refused and dropped, for the snapshot and /metrics.

export interface IngestCounters {
  /** HTTP and WebSocket batches answered 200. */
  batchesAccepted: number;
  /** Batches refused with 401 (missing or bad signature, stale timestamp). */
  batchesUnauthorized: number;
  /** Batches refused with 413 (body over `maxBodyBytes`). */
  batchesTooLarge: number;
  /** Batches refused with 400 (malformed JSON or wrong shape). */
  batchesBadRequest: number;
  /** Metrics of accepted batches that were applied. */
  metricsAccepted: number;
  /** Metrics of accepted batches that were invalid or could not be stored (series limit, type clash). */
  metricsRejected: number;
  /** StatsD lines parsed and applied. */
  statsdLines: number;
  /** StatsD lines that did not parse or could not be stored. */
  statsdBadLines: number;
  /** New series refused because `maxSeries` was reached. */
  seriesDropped: number;
  /** Set members refused because a set held `maxSetMembers` already. */
  setMembersDropped: number;
}

export function newIngestCounters(): IngestCounters {
  return {
    batchesAccepted: 0,
    batchesUnauthorized: 0,
    batchesTooLarge: 0,
    batchesBadRequest: 0,
    metricsAccepted: 0,
    metricsRejected: 0,
    statsdLines: 0,
    statsdBadLines: 0,
    seriesDropped: 0,
    setMembersDropped: 0,
  };
}
