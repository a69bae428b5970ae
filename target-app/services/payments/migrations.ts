import { EVENT_TABLES, OUTBOX_SEQUENCE } from '../events/event-tables.js';
import type { ServiceMigration } from '../shared/schema.js';

/** One payment per order at most (the primary key): a redelivered event can never charge twice. */
export const PAYMENTS_MIGRATIONS: readonly ServiceMigration[] = [
  EVENT_TABLES,
  {
    name: '013_payments',
    sql: `
CREATE TABLE __SCHEMA__.payments (
  order_id integer PRIMARY KEY,
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  status text NOT NULL CHECK (status IN ('completed', 'failed', 'refunded')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  OUTBOX_SEQUENCE,
];
