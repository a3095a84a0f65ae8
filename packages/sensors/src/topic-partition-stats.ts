// What a Monitor keeps per topic-partition: counts and last offsets, as plain numeric fields.

/** Figures for one topic-partition (`orders/3`). Offsets are -1 until one is seen. */
export interface TopicPartitionStats {
  /** The topic-partition, e.g. `orders/3`. */
  readonly tp: string;
  /** Messages received (`onMessageIn`). */
  readonly messagesReceived: number;
  /** Messages sent (`onMessageOut`). */
  readonly messagesSent: number;
  /** Offset of the last message received, -1 before the first. */
  readonly lastReadOffset: number;
  /** Offset of the last message sent, -1 before the first. */
  readonly lastSentOffset: number;
  /** The partition's end offset as last reported (`HealthMonitor.reportEndOffset`), -1 if never. */
  readonly endOffset: number;
  /** Times the partition's buffer was full (`onTopicBufferFull`). */
  readonly bufferFull: number;
}

/** The mutable record behind `TopicPartitionStats`; one per partition, allocated on first sight. */
export class TopicPartitionRecord implements TopicPartitionStats {
  messagesReceived = 0;
  messagesSent = 0;
  lastReadOffset = -1;
  lastSentOffset = -1;
  endOffset = -1;
  bufferFull = 0;

  constructor(readonly tp: string) {}
}
