import { messagingAttributes } from '../../src/index.js';

describe('messagingAttributes', () => {
  it('splits a topic-partition into the semantic-convention destination and partition', () => {
    expect(messagingAttributes('orders/2', { operation: 'process', system: 'kafka', messageId: 41 })).toEqual({
      'messaging.destination.name': 'orders',
      'messaging.destination.partition.id': '2',
      'messaging.operation.type': 'process',
      'messaging.system': 'kafka',
      'messaging.message.id': '41',
    });
    expect(messagingAttributes('events', { operation: 'send' })).toEqual({
      'messaging.destination.name': 'events',
      'messaging.operation.type': 'send',
    });
  });

  it('rejects an operation type the conventions do not define', () => {
    expect(() => messagingAttributes('orders/1', { operation: 'consume' as never })).toThrow(
      'messagingAttributes: operation "consume" is not one of create, send, receive, process, settle',
    );
  });
});
