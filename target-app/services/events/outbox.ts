import type { Logger } from 'pino';
import type { Db, Queryable } from '../../db/types.js';
import type { DomainEvent, EventBus } from './types.js';

/** Writes an event into the outbox; call it inside the transaction that makes the change it announces. */
export async function addToOutbox(tx: Queryable, schema: string, event: DomainEvent): Promise<void> {
  await tx.query(`INSERT INTO ${schema}.outbox (id, type, order_id, payload) VALUES ($1, $2, $3, $4)`, [
    event.id,
    event.type,
    event.orderId,
    JSON.stringify(event),
  ]);
}

export interface RelayOptions {
  db: Db;
  schema: string;
  bus: EventBus;
  logger: Logger;
  /** How often the relay looks for rows nobody told it about (another process, a crash), in ms. Default 250. */
  pollMs?: number;
  batchSize?: number;
}

export interface Relay {
  /** Says "rows were just committed": publishes now rather than at the next poll. */
  notify(): void;
  /** Rows still unpublished. */
  pending(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Publishes the outbox in the order its rows were written (its sequence:
 * commit order for one writer) and marks each row published after
 * the bus has stored it. It holds no lock while publishing: a crash between
 * publish and mark (or two relays) publishes an event twice, which JetStream's
 * duplicate window and every consumer's dedupe by event id absorb. A failed
 * publish (NATS away) leaves the row for the next round.
 */
export function startRelay({ db, schema, bus, logger, pollMs = 250, batchSize = 200 }: RelayOptions): Relay {
  let running = true;
  let wake: (() => void) | undefined;
  let kicked = false;
  let failing = false;

  const round = async (): Promise<number> => {
    const { rows } = await db.query<{ id: string; payload: DomainEvent }>(
      `SELECT id, payload FROM ${schema}.outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      [batchSize],
    );
    const done: string[] = [];
    try {
      for (const row of rows) {
        const event =
          typeof row.payload === 'string' ? (JSON.parse(row.payload) as DomainEvent) : row.payload;
        await bus.publish(event);
        done.push(row.id);
      }
      if (failing) logger.info({ schema }, 'outbox relay publishing again');
      failing = false;
    } catch (err) {
      if (!failing)
        logger.warn(
          { schema, err: { message: (err as Error).message } },
          'outbox relay cannot publish; will retry',
        );
      failing = true;
    }
    if (done.length > 0) {
      await db.query(`UPDATE ${schema}.outbox SET published_at = now() WHERE id = ANY($1::uuid[])`, [done]);
    }
    return failing ? 0 : rows.length;
  };

  const loop = (async () => {
    while (running) {
      kicked = false;
      let full = false;
      try {
        full = (await round()) === batchSize;
      } catch (err) {
        if (running)
          logger.warn({ schema, err: { message: (err as Error).message } }, 'outbox relay round failed');
      }
      if (full || kicked || !running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  return {
    notify() {
      kicked = true;
      wake?.();
    },
    async pending() {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL`,
      );
      return rows[0]?.n ?? 0;
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
