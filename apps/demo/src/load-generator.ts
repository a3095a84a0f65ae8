// The built-in load generator: a WebSocket client sending orders at a steady rate, reading some
// back, and sending a share of invalid ones on purpose so error metrics move.
import type { MetricsHooks } from '@sightline/core';
import { getLogger } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import { WsClient } from '@sightline/ws';
import type { Order } from './orders/order.js';

const log = getLogger('demo.load');

export interface LoadGeneratorOptions {
  readonly url: string;
  readonly restUrl: string;
  readonly rate: number;
  readonly failureRate: number;
  readonly hooks?: MetricsHooks;
  readonly random?: () => number;
}

export interface LoadStats {
  sent: number;
  ok: number;
  failed: number;
}

const SKUS = ['espresso', 'latte', 'croissant', 'bagel', 'muffin', 'tea'];

export class LoadGenerator {
  readonly stats: LoadStats = { sent: 0, ok: 0, failed: 0 };
  private client: WsClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly created: string[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly random: () => number;

  constructor(private readonly options: LoadGeneratorOptions) {
    this.random = options.random ?? Math.random;
  }

  async start(): Promise<void> {
    if (this.options.rate <= 0) return;
    const clientOptions = this.options.hooks ? { hooks: this.options.hooks, requestTimeoutMs: 5_000 } : { requestTimeoutMs: 5_000 };
    this.client = await WsClient.connect(this.options.url, clientOptions);
    // Ticks of 50 ms with a carried remainder hold the average rate whatever it is.
    const perTick = this.options.rate / 20;
    let owed = 0;
    this.timer = setInterval(() => {
      owed += perTick;
      while (owed >= 1) {
        owed -= 1;
        this.track(this.one());
      }
    }, 50);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
    await this.client?.close();
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private order(): unknown {
    const customerId = `c-${1 + Math.floor(this.random() * 50)}`;
    const items = Array.from({ length: 1 + Math.floor(this.random() * 3) }, () => ({
      sku: this.pick(SKUS),
      quantity: 1 + Math.floor(this.random() * 4),
      price: Math.round((1 + this.random() * 9) * 100) / 100,
    }));
    if (this.random() >= this.options.failureRate) return { customerId, items };
    // Deliberate failures, each a different validation error.
    return this.pick([
      { customerId: 'nobody', items },
      { customerId, items: [] },
      { customerId, items: [{ sku: 'tea', quantity: -1, price: 2 }] },
    ]);
  }

  private async one(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stats.sent++;
    try {
      if (this.created.length > 0 && this.random() < 0.3) {
        // Reads: over WebSocket, and some over the REST API (HTTP metrics and the order cache).
        const id = this.pick(this.created);
        if (this.random() < 0.5) await client.request('order.get', { id });
        else {
          const res = await fetch(`${this.options.restUrl}/orders/${id}`);
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`GET /orders/${id} answered ${res.status}`);
        }
      } else {
        const order = await client.request<Order>('order.create', this.order());
        this.created.push(order.id);
        if (this.created.length > 500) this.created.shift();
      }
      this.stats.ok++;
    } catch (error) {
      this.stats.failed++;
      log.debug('load request failed', { error: errorText(error) });
    }
  }
}
