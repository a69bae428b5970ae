import type { Db } from '../db/types.js';
import { FLAG } from '../flags/names.js';
import type { Flags } from '../flags/types.js';
import { setLabIndexes } from './indexes.js';

/** What switching a flag does to the database itself (DDL, pool size). */
export function registerFlagEffects(flags: Flags, db: Db): void {
  flags.effect(FLAG.MISSING_INDEX, { apply: (on) => setLabIndexes(db, !on) });
  flags.effect(FLAG.SMALL_POOL, {
    refuse: (on) =>
      on && !db.limitConnections
        ? `small_pool needs PostgreSQL (DATABASE_URL): ${db.kind} has a single backend and no pool to shrink`
        : undefined,
    apply: (on) => db.limitConnections?.(on ? 1 : undefined),
  });
}
