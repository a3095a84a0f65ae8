// A consumer loop over an in-process topic, reporting to a Sensor exactly where a Kafka consumer
// would: message in, stream event around the handler, commit per batch, send for what it produces.
import type { Sensor } from '@sightline/core';
import type { Topic, TopicMessage } from './topic.js';

export interface ConsumerOptions<T> {
  readonly topic: Topic<T>;
  readonly sensor: Sensor;
  /** Processes one message; what it returns is produced to `output` when given. */
  readonly handle: (message: TopicMessage<T>) => unknown;
  readonly output?: Topic<unknown>;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Told the end offset of each partition after a poll, for lag (HealthMonitor). */
  readonly onEndOffset?: (tp: string, endOffset: number) => void;
  /** Called once per processed message, with its processing time in seconds. */
  readonly onProcessed?: (seconds: number, ok: boolean) => void;
  readonly onActiveChange?: (active: number) => void;
}

export class Consumer<T> {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  private readonly stream = { name: 'orders-stream' };
  private readonly consumerHandle = { name: 'orders-consumer' };
  private readonly producerHandle = { name: 'order-events-producer' };

  constructor(private readonly options: ConsumerOptions<T>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops polling and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.busy = this.pollOnce().then(
        () => this.schedule(),
        () => this.schedule(),
      );
    }, this.options.pollIntervalMs ?? 20);
  }

  /** One pass over every partition; exposed for tests. */
  async pollOnce(): Promise<number> {
    const { topic, sensor, batchSize = 50 } = this.options;
    let processed = 0;
    for (let partition = 0; partition < topic.partitions; partition++) {
      const tp = topic.tp(partition);
      this.options.onEndOffset?.(tp, topic.endOffset(partition));
      const batch = topic.poll(partition, batchSize);
      if (batch.length === 0) continue;
      this.options.onActiveChange?.(1);
      try {
        for (const message of batch) {
          await this.process(message);
          processed++;
        }
        const commitState = sensor.onCommitInitiated?.(this.consumerHandle);
        sensor.onCommitCompleted?.(this.consumerHandle, commitState);
      } finally {
        this.options.onActiveChange?.(0);
      }
    }
    return processed;
  }

  private async process(message: TopicMessage<T>): Promise<void> {
    const { sensor, output } = this.options;
    sensor.onMessageIn?.(message.tp, message.offset, message.value);
    // The sensor's state goes back to it as is (it may be an object); the demo times the event itself.
    const started = performance.now();
    const eventState = sensor.onStreamEventIn?.(message.tp, message.offset, this.stream, message.value);
    let ok = true;
    try {
      const result = await this.options.handle(message);
      if (output && result !== undefined) this.send(output, message.key, result);
    } catch {
      ok = false;
    } finally {
      sensor.onStreamEventOut?.(message.tp, message.offset, this.stream, message.value, eventState);
      sensor.onMessageOut?.(message.tp, message.offset, message.value);
      this.options.onProcessed?.((performance.now() - started) / 1000, ok);
    }
  }

  private send(output: Topic<unknown>, key: string, value: unknown): void {
    const { sensor } = this.options;
    const started = sensor.onSendInitiated?.(this.producerHandle, output.name, value);
    try {
      output.produce(key, value);
      sensor.onSendCompleted?.(this.producerHandle, started);
    } catch (error) {
      sensor.onSendError?.(this.producerHandle, error, started);
    }
  }
}
