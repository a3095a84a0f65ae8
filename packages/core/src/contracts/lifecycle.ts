// The service's lifecycle as setup() tells it to every plugin: one state, changes pushed to
// listeners, so a health server can answer readiness without knowing setup.

/**
 * `starting` until setup's `start()` resolves (or the app signals readiness itself), `ready`,
 * `not_ready` when the app takes itself out of rotation, `stopping` from a shutdown signal or
 * `close()` on, `stopped` once every plugin has closed.
 */
export type LifecyclePhase = 'starting' | 'ready' | 'not_ready' | 'stopping' | 'stopped';

/** The service's lifecycle, as setup() hands it to every plugin: the phase now and its changes. */
export interface Lifecycle {
  /** The phase now. */
  readonly phase: LifecyclePhase;
  /** Calls `listener` on every change of phase; returns a function that unsubscribes. */
  onPhase(listener: (phase: LifecyclePhase) => void): () => void;
}
