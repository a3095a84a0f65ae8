// Orders as the API receives them, and their validation: the load generator sends some invalid
// ones on purpose so error metrics move.

export interface OrderInput {
  readonly customerId: string;
  readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number; readonly price: number }>;
}

export interface Order extends OrderInput {
  readonly id: string;
  readonly total: number;
  readonly createdAt: string;
  status: 'accepted' | 'processed';
}

export class InvalidOrderError extends Error {
  override readonly name = 'InvalidOrderError';
}

export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
}

export function validateOrder(input: unknown): OrderInput {
  if (input === null || typeof input !== 'object') throw new InvalidOrderError('order must be an object');
  const { customerId, items } = input as { customerId?: unknown; items?: unknown };
  if (typeof customerId !== 'string' || !/^c-\d+$/.test(customerId)) {
    throw new InvalidOrderError(`customerId must look like "c-123", got ${JSON.stringify(customerId)}`);
  }
  if (!Array.isArray(items) || items.length === 0) throw new InvalidOrderError('items must be a non-empty array');
  for (const [i, entry] of (items as unknown[]).entries()) {
    const item = (entry ?? {}) as { sku?: unknown; quantity?: unknown; price?: unknown };
    if (typeof item.sku !== 'string' || !item.sku) throw new InvalidOrderError(`items[${i}].sku must be a string`);
    if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity) || item.quantity < 1) {
      throw new InvalidOrderError(`items[${i}].quantity must be a positive integer, got ${JSON.stringify(item.quantity)}`);
    }
    if (typeof item.price !== 'number' || !Number.isFinite(item.price) || item.price < 0) {
      throw new InvalidOrderError(`items[${i}].price must be a non-negative number, got ${JSON.stringify(item.price)}`);
    }
  }
  return { customerId, items: items as OrderInput['items'] };
}

export function orderTotal(order: OrderInput): number {
  return Math.round(order.items.reduce((sum, item) => sum + item.quantity * item.price, 0) * 100) / 100;
}
