import type { Db } from '../db/types.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';

export interface SalesDay {
  day: string;
  orders: number;
  revenueCents: number;
}

/**
 * Sales per UTC day over every order.
 * event_loop_block on: every order comes to the app, which parses and sums
 * them inline: the event loop is blocked for as long as that takes, and every
 * other request waits. Off: the database aggregates, and the app handles one
 * row per day.
 */
export async function salesByDay(db: Db, flags: FlagReader): Promise<SalesDay[]> {
  if (!flags.isOn(FLAG.EVENT_LOOP_BLOCK)) {
    const { rows } = await db.query<{ day: string; orders: number; revenue: number }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS orders,
              sum(total_cents)::bigint AS revenue
         FROM orders GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((r) => ({ day: r.day, orders: r.orders, revenueCents: Number(r.revenue) }));
  }
  const { rows } = await db.query<{ created_at: Date; total_cents: number }>(
    'SELECT created_at, total_cents FROM orders',
  );
  const days = new Map<string, SalesDay>();
  for (const r of rows) {
    const day = r.created_at.toISOString().slice(0, 10);
    const entry = days.get(day) ?? { day, orders: 0, revenueCents: 0 };
    entry.orders++;
    entry.revenueCents += Number(r.total_cents);
    days.set(day, entry);
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
