import { createHash } from 'node:crypto';
import { PerflabError } from '../../../common/perflab-error.js';
import type { Db } from '../../db/types.js';
import { splitStatements } from '../../db/split-statements.js';

/** One migration of a service: `__SCHEMA__` stands for the service's own schema. */
export interface ServiceMigration {
  /** Numbered 010-019, after the monolith's 001-009, so the two never collide. */
  name: string;
  sql: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const PLACEHOLDER = /__SCHEMA__/g;

/** Schema names are put into SQL text, so only plain lowercase identifiers pass. */
export function checkSchema(name: string): string {
  if (!SCHEMA.test(name)) {
    throw new PerflabError(
      'PERFLAB_E_CONFIG',
      `schema name ${JSON.stringify(name)} must be lowercase letters, digits or "_" (at most 63)`,
    );
  }
  return name;
}

/**
 * Applies a service's migrations to its own schema, each once, under an
 * advisory lock per schema (two replicas starting together apply a file
 * once). The same code runs on PostgreSQL and on PGlite, where every
 * service's schema lives in the one embedded database.
 */
export async function migrateService(
  db: Db,
  schema: string,
  migrations: readonly ServiceMigration[],
): Promise<string[]> {
  checkSchema(schema);
  const lock = createHash('sha256').update(`perflab:${schema}`).digest().readInt32BE(0);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lock]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  });
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lock]);
      const seen = await tx.query(`SELECT 1 FROM ${schema}.schema_migrations WHERE name = $1`, [m.name]);
      if (seen.rowCount > 0) return false;
      for (const statement of splitStatements(m.sql.replace(PLACEHOLDER, schema))) await tx.query(statement);
      await tx.query(`INSERT INTO ${schema}.schema_migrations (name) VALUES ($1)`, [m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
