import type { Db } from '../db/types.js';
import type { Flags } from '../flags/types.js';

/** What switching a flag does to the database itself (DDL, pool size). */
export function registerFlagEffects(flags: Flags, db: Db): void {
  void flags;
  void db;
}
