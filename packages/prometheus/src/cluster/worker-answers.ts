// The primary's side of the IPC exchange, one per cluster source: asks every live worker for its
// metrics and collects the answers that come within a timeout. Each source listens on its own and
// stops on close(), so sources never share state.
import { randomUUID } from 'node:crypto';
import cluster, { type Worker } from 'node:cluster';
import { getLogger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import { isMessage, METRICS_REQUEST, METRICS_RESPONSE, type MetricsResponseMessage } from './cluster-protocol.js';

const log = getLogger('sightline.prometheus.cluster');

interface Pending {
  readonly waiting: Set<number>;
  readonly responses: Map<number, unknown[][]>;
  readonly finish: () => void;
}

/** Asks the workers of the node:cluster primary for their metrics; answers by worker id. */
export class WorkerAnswers {
  readonly #pending = new Map<string, Pending>();
  readonly #prefix = `${randomUUID()}:`;
  readonly #onExit: (worker: Worker) => void;
  #next = 1;
  #closed = false;

  /** `onExit` hears of every worker that exits, for what its owner remembers of it. */
  constructor(onExit: (worker: Worker) => void) {
    this.#onExit = onExit;
    cluster.on('message', this.#message);
    cluster.on('exit', this.#exit);
  }

  /** Asks every live worker; resolves with the answers that came within `timeoutMs`, by worker id. */
  gather(timeoutMs: number): Promise<Map<number, unknown[][]>> {
    return new Promise((resolve) => {
      const id = `${this.#prefix}${this.#next++}`;
      const responses = new Map<number, unknown[][]>();
      const waiting = this.#closed ? new Set<number>() : this.#ask(id);
      if (waiting.size === 0) return resolve(responses);
      const timer = setTimeout(() => {
        log.warn(`workers ${[...waiting].join(', ')} did not answer within ${timeoutMs} ms; serving their last values`, {
          workers: [...waiting],
        });
        finish();
      }, timeoutMs);
      timer.unref();
      const finish = (): void => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        resolve(responses);
      };
      this.#pending.set(id, { waiting, responses, finish });
    });
  }

  /** Stops listening; a request in flight resolves at once with what arrived. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    cluster.off('message', this.#message);
    cluster.off('exit', this.#exit);
    for (const request of [...this.#pending.values()]) request.finish();
  }

  /** Sends the request to every connected worker; returns the ids of those asked. */
  #ask(id: string): Set<number> {
    const waiting = new Set<number>();
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (!worker?.isConnected()) continue;
      try {
        worker.send({ type: METRICS_REQUEST, id });
        waiting.add(worker.id);
      } catch (error) {
        log.debug(`could not ask worker ${worker.id} for metrics`, { error: errorText(error) });
      }
    }
    return waiting;
  }

  readonly #message = (worker: Worker, message: unknown): void => {
    if (!isMessage<MetricsResponseMessage>(message, METRICS_RESPONSE)) return;
    const request = this.#pending.get(message.id);
    if (!request?.waiting.delete(worker.id)) return;
    if (message.error !== undefined) {
      log.warn(`worker ${worker.id} failed to collect metrics; its last values are served`, { worker: worker.id, error: message.error });
    } else if (message.metrics) {
      request.responses.set(worker.id, message.metrics as unknown[][]);
    }
    if (request.waiting.size === 0) request.finish();
  };

  // A worker that dies mid-scrape is not waited for.
  readonly #exit = (worker: Worker): void => {
    for (const request of [...this.#pending.values()]) {
      if (request.waiting.delete(worker.id) && request.waiting.size === 0) request.finish();
    }
    this.#onExit(worker);
  };
}
