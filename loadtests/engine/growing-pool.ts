import { Client } from 'undici';

interface Slot {
  client: Client;
  /** Until its first answer, a connection counts as still opening. */
  opened: boolean;
}

/**
 * The open model's connections: one request per connection at a time,
 * reused while idle, one more opened whenever all are busy (a stalled server
 * holds them), up to `cap`. At most `maxOpening` connections are opened at
 * once, so a burst of arrivals cannot turn into a connect storm; arrivals
 * that find no connection wait in FIFO order, and since their latency
 * counts from their scheduled slot, the wait is measured, not hidden.
 */
export class GrowingPool {
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private opening = 0;
  private closed = false;

  constructor(
    private readonly origin: string,
    private readonly cap: number,
    private readonly connectTimeoutMs: number,
    private readonly maxOpening = 8,
  ) {}

  get size(): number {
    return this.slots.length;
  }

  get queued(): number {
    return this.waiting.length;
  }

  acquire(): Slot | Promise<Slot> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.slots.length < this.cap && this.opening < this.maxOpening) return this.open();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slot: Slot): void {
    if (!slot.opened) {
      slot.opened = true;
      this.opening--;
    }
    // A connection whose request failed is kept: undici reconnects it on its next request.
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
    // The answer proves the server is back: spend the freed opening budget on
    // the waiters still queued, so the pool catches up after a stall.
    while (this.waiting.length > 0 && this.slots.length < this.cap && this.opening < this.maxOpening) {
      (this.waiting.shift() as (slot: Slot) => void)(this.open());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.client.destroy().catch(() => undefined)));
  }

  private open(): Slot {
    const client = new Client(this.origin, {
      pipelining: 1,
      connect: { timeout: this.connectTimeoutMs },
      keepAliveTimeout: 60_000,
    });
    const slot = { client, opened: false };
    this.opening++;
    this.slots.push(slot);
    return slot;
  }
}

export type { Slot };
