import type { Db, Queryable, QueryResult } from '../../../../target-app/db/types.js';
import type {
  DomainEvent,
  EventBus,
  SubscribeOptions,
  Subscription,
} from '../../../../target-app/services/events/types.js';
import { migrateService, type ServiceMigration } from '../../../../target-app/services/shared/schema.js';
import { Condition } from './bus.js';
import { testServicesDb } from './system.js';

/**
 * The project's database (PostgreSQL under a prefix of its own, or PGlite)
 * with `migrations` applied to one fresh schema. The schema is the prefix's
 * `orders`, so testServicesDb's drop() removes it.
 */
export async function migratedSchema(migrations: readonly ServiceMigration[]): Promise<{
  db: Db;
  schema: string;
  close(): Promise<void>;
}> {
  const store = await testServicesDb();
  const schema = `${store.prefix}orders`;
  try {
    await migrateService(store.db, schema, migrations);
  } catch (err) {
    await store.drop();
    throw err;
  }
  return { db: store.db, schema, close: () => store.drop() };
}

export interface TxStatement {
  text: string;
  params: readonly unknown[] | undefined;
}

/**
 * `db` with every statement run inside a transaction handed to `hook` first,
 * with the transaction itself: the hook returns the statement to run (the
 * same one or another) or throws to fail it there, as a driver would.
 * Statements outside transactions pass untouched.
 */
export function interceptTransactions(
  db: Db,
  hook: (statement: TxStatement, tx: Queryable) => Promise<TxStatement>,
): Db {
  return {
    ...db,
    kind: db.kind,
    query: (text, params) => db.query(text, params),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
            const s = await hook({ text, params }, tx);
            return tx.query<Row>(s.text, s.params);
          },
        }),
      ),
  };
}

/**
 * A bus in front of a real one that a test can take down or hold, and that
 * records what the real bus stored (its publish resolved), in order.
 */
export class ControlledBus implements EventBus {
  readonly kind: EventBus['kind'];
  /** Events the real bus stored, in the order their publish resolved. */
  readonly stored: DomainEvent[] = [];
  /** Signalled on every publish attempt and every stored event. */
  readonly changed = new Condition();
  /** publish() calls so far, failed ones included. */
  attempts = 0;
  /** While true, publish() throws before reaching the real bus, as JetStream does while NATS is away. */
  down = false;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  constructor(private readonly inner: EventBus) {
    this.kind = inner.kind;
  }

  /** Holds every publish from now on until release(). */
  hold(): void {
    if (this.gate) return;
    this.gate = new Promise<void>((resolve) => {
      this.open = () => {
        this.gate = undefined;
        this.open = undefined;
        resolve();
      };
    });
  }

  /** Lets held publishes (and later ones) through. */
  release(): void {
    this.open?.();
  }

  async publish(event: DomainEvent): Promise<void> {
    this.attempts++;
    this.changed.signal();
    await this.gate;
    if (this.down) throw new Error('bus unavailable');
    await this.inner.publish(event);
    this.stored.push(event);
    this.changed.signal();
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  deadLetters(consumer: string): Promise<DomainEvent[]> {
    return this.inner.deadLetters(consumer);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Polls `check` until it holds; rejects after `ms`, naming `what`. */
export async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
