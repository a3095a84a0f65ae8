// Orders kept in memory, with a small LRU cache in front of lookups so the cache metric set has
// real hits, misses and evictions to report.
import type { CacheRecorder } from '@sightline/prometheus';
import { OrderNotFoundError, type Order } from './order.js';

export class OrderStore {
  private readonly orders = new Map<string, Order>();
  // Map iteration order is insertion order: the first key is the least recently used.
  private readonly cache = new Map<string, string>();
  private cacheBytes = 0;

  constructor(
    private readonly recorder: CacheRecorder,
    private readonly cacheEntries = 100,
    private readonly maxOrders = 100_000,
  ) {}

  get size(): number {
    return this.orders.size;
  }

  add(order: Order): void {
    this.orders.set(order.id, order);
    if (this.orders.size > this.maxOrders) {
      const oldest = this.orders.keys().next().value as string;
      this.orders.delete(oldest);
      this.forget(oldest);
    }
  }

  /** Updates an order (the cache entry is dropped, not patched). */
  update(order: Order): void {
    if (!this.orders.has(order.id)) return;
    this.orders.set(order.id, order);
    this.forget(order.id);
  }

  get(id: string): Order {
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.recorder.hit();
      this.cache.delete(id);
      this.cache.set(id, cached);
      return JSON.parse(cached) as Order;
    }
    this.recorder.miss();
    const order = this.orders.get(id);
    if (!order) throw new OrderNotFoundError(`no order ${JSON.stringify(id)}`);
    const text = JSON.stringify(order);
    this.cache.set(id, text);
    this.cacheBytes += Buffer.byteLength(text);
    while (this.cache.size > this.cacheEntries) {
      const lru = this.cache.keys().next().value as string;
      this.forget(lru);
      this.recorder.evict();
    }
    this.recorder.setSize(this.cacheBytes);
    return order;
  }

  private forget(id: string): void {
    const text = this.cache.get(id);
    if (text === undefined) return;
    this.cache.delete(id);
    this.cacheBytes -= Buffer.byteLength(text);
    this.recorder.setSize(this.cacheBytes);
  }
}
