// The server's own counters: what it accepted, refused and dropped, for the snapshot and /metrics.
import { newRejectionCounts, type RejectReason } from './aggregation/rejection.js';

export interface IngestCounters {
  /** HTTP and WebSocket batches answered 200. */
  batchesAccepted: number;
  /** Batches refused with 401 (missing or bad signature, stale timestamp). */
  batchesUnauthorized: number;
  /** Batches refused with 413 (body over `maxBodyBytes`). */
  batchesTooLarge: number;
  /** Batches refused with 400 (malformed JSON or wrong shape). */
  batchesBadRequest: number;
  /** Signed batches refused with 409: the same batch id was accepted within the freshness window. */
  batchesReplayed: number;
  /** Batches refused with 503: the memory budget had no room for the body, or the replay window is full. */
  batchesUnavailable: number;
  /** HTTP requests answered 408: the whole request did not arrive within `requestTimeoutMs`. */
  requestsTimedOut: number;
  /**
   * Connections closed at once because `maxConnections` were open: on HTTP (and WebSocket) only when
   * every open one had a request under way or was a WebSocket; on StatsD TCP, any past the limit.
   */
  connectionsRefused: number;
  /** Idle HTTP connections (no request under way) closed to make room for a new one at `maxConnections`. */
  connectionsEvicted: number;
  /** Metrics of accepted batches that were applied. */
  metricsAccepted: number;
  /** Metrics of accepted batches that were invalid or could not be stored (series limit, type clash). */
  metricsRejected: number;
  /** StatsD lines parsed and applied. */
  statsdLines: number;
  /** StatsD lines that did not parse or could not be stored. */
  statsdBadLines: number;
  /** New series refused because `maxSeries` or the memory budget was reached. */
  seriesDropped: number;
  /** Set members refused: the set was full, the member too long, or the memory budget reached. */
  setMembersDropped: number;
  /**
   * Every rejected batch metric and StatsD line, once, by the first reason: these add up to
   * `metricsRejected + statsdBadLines`.
   */
  readonly rejected: Record<RejectReason, number>;
}

export function newIngestCounters(): IngestCounters {
  return {
    batchesAccepted: 0,
    batchesUnauthorized: 0,
    batchesTooLarge: 0,
    batchesBadRequest: 0,
    batchesReplayed: 0,
    batchesUnavailable: 0,
    requestsTimedOut: 0,
    connectionsRefused: 0,
    connectionsEvicted: 0,
    metricsAccepted: 0,
    metricsRejected: 0,
    statsdLines: 0,
    statsdBadLines: 0,
    seriesDropped: 0,
    setMembersDropped: 0,
    rejected: newRejectionCounts(),
  };
}

/** A copy safe to hand out (the rejection counts copied too). */
export function copyCounters(c: IngestCounters): IngestCounters {
  return { ...c, rejected: { ...c.rejected } };
}
