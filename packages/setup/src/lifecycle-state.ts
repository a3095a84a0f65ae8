// The one place the service's phase lives under setup(): plugins read it and listen to it through
// their context's `lifecycle`; a listener that throws is logged and never stops the others.
import { type Lifecycle, type LifecyclePhase, type Logger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';

export class LifecycleState implements Lifecycle {
  #phase: LifecyclePhase = 'starting';
  readonly #listeners = new Set<(phase: LifecyclePhase) => void>();

  constructor(private readonly logger: Logger) {}

  get phase(): LifecyclePhase {
    return this.#phase;
  }

  onPhase(listener: (phase: LifecyclePhase) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  set(phase: LifecyclePhase): void {
    if (phase === this.#phase) return;
    this.#phase = phase;
    this.logger.debug(`lifecycle: ${phase}`);
    for (const listener of [...this.#listeners]) {
      try {
        listener(phase);
      } catch (error) {
        this.logger.warn('a lifecycle listener threw; ignored', { phase, error: errorText(error) });
      }
    }
  }
}
