// The messaging semantic conventions for a stream's spans: a Kafka-style `topic/partition` (as
// Sightline's sensors name them) turned into `messaging.destination.name` and
// `messaging.destination.partition.id`, with the operation type.
import type { Attributes } from '@opentelemetry/api';

/** `messaging.operation.type` values of the semantic conventions. */
export type MessagingOperationType = 'create' | 'send' | 'receive' | 'process' | 'settle';

const OPERATION_TYPES: ReadonlySet<string> = new Set(['create', 'send', 'receive', 'process', 'settle']);

/** Options of `messagingAttributes()`: the operation and, optionally, the messaging system and message id. */
export interface MessagingAttributesOptions {
  /** `messaging.operation.type`: `create`, `send`, `receive`, `process` or `settle`. */
  readonly operation: MessagingOperationType;
  /** `messaging.system`, e.g. `kafka`. */
  readonly system?: string;
  /** The message's offset or id, as `messaging.message.id`. */
  readonly messageId?: string | number;
}

/**
 * Attributes for a messaging span from a topic-partition: `orders/2` gives destination `orders`,
 * partition `2`; a name without `/<digits>` is the destination alone.
 */
export function messagingAttributes(tp: string, options: MessagingAttributesOptions): Attributes {
  if (!OPERATION_TYPES.has(options.operation)) {
    throw new TypeError(
      `messagingAttributes: operation ${JSON.stringify(options.operation)} is not one of ${[...OPERATION_TYPES].join(', ')}`,
    );
  }
  const match = /^(.*)\/(\d+)$/.exec(tp);
  const attributes: Attributes = {
    'messaging.destination.name': match ? match[1]! : tp,
    'messaging.operation.type': options.operation,
  };
  if (match) attributes['messaging.destination.partition.id'] = match[2]!;
  if (options.system !== undefined) attributes['messaging.system'] = options.system;
  if (options.messageId !== undefined) attributes['messaging.message.id'] = String(options.messageId);
  return attributes;
}
