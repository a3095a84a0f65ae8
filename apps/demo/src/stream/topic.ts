// An in-process topic with partitions, standing in for Kafka: messages keep their partition and
// offset so the sensors see what they would see from a real consumer.

export interface TopicMessage<T> {
  readonly tp: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: T;
  /** Carried with the message, as Kafka headers: the producer's trace context. */
  readonly headers: Readonly<Record<string, string>>;
}

function partitionFor(key: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % partitions;
}

/** Messages a partition keeps unread before the oldest are dropped, as Kafka's retention does. */
export const DEFAULT_RETENTION = 10_000;

export class Topic<T> {
  private readonly queues: TopicMessage<T>[][];
  private readonly nextOffsets: number[];
  private droppedTotal = 0;

  constructor(
    readonly name: string,
    readonly partitions: number,
    readonly retention: number = DEFAULT_RETENTION,
  ) {
    this.queues = Array.from({ length: partitions }, () => []);
    this.nextOffsets = new Array<number>(partitions).fill(0);
  }

  /** Unread messages dropped by retention, over all partitions. */
  dropped(): number {
    return this.droppedTotal;
  }

  tp(partition: number): string {
    return `${this.name}/${partition}`;
  }

  produce(key: string, value: T, headers: Readonly<Record<string, string>> = {}): TopicMessage<T> {
    const partition = partitionFor(key, this.partitions);
    const offset = this.nextOffsets[partition]!++;
    const message = { tp: this.tp(partition), partition, offset, key, value, headers };
    const queue = this.queues[partition]!;
    queue.push(message);
    // Trim in batches so a full partition costs one splice per retention/2 messages, not one each.
    if (queue.length >= this.retention + (this.retention >> 1)) {
      const excess = queue.length - this.retention;
      queue.splice(0, excess);
      this.droppedTotal += excess;
    }
    return message;
  }

  /** Takes up to `max` waiting messages from one partition. */
  poll(partition: number, max: number): TopicMessage<T>[] {
    return this.queues[partition]!.splice(0, max);
  }

  /** The offset the next message on `partition` will get (Kafka's end offset). */
  endOffset(partition: number): number {
    return this.nextOffsets[partition]!;
  }

  /** Messages produced but not yet polled, over all partitions. */
  depth(): number {
    let total = 0;
    for (const queue of this.queues) total += queue.length;
    return total;
  }
}
