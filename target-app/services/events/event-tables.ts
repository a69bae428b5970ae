import type { ServiceMigration } from '../shared/schema.js';

/**
 * The outbox and the processed-events table every service on the bus keeps in
 * its own schema: an event is written in the same transaction as the change
 * it announces, and an event consumed is recorded in the same transaction as
 * its effect, so neither can exist without the other.
 */
export const EVENT_TABLES: ServiceMigration = {
  name: '010_event_tables',
  sql: `
CREATE TABLE __SCHEMA__.outbox (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  order_id integer NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished_idx ON __SCHEMA__.outbox (created_at, id) WHERE published_at IS NULL;
CREATE TABLE __SCHEMA__.processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
`,
};

/**
 * The relay's publish order. created_at cannot be it: PGlite's clock ticks in
 * milliseconds, so rows written in one tick would tie and go out in the
 * order of their random ids, and a wall clock may step back. An identity
 * column only grows; rows already there are numbered in storage order.
 */
export const OUTBOX_SEQUENCE: ServiceMigration = {
  name: '015_outbox_sequence',
  sql: `
ALTER TABLE __SCHEMA__.outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
DROP INDEX __SCHEMA__.outbox_unpublished_idx;
CREATE INDEX outbox_unpublished_idx ON __SCHEMA__.outbox (seq) WHERE published_at IS NULL;
`,
};
