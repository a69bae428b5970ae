import { prng } from '../../common/prng.js';
import { hashPassword } from '../auth/password.js';
import type { Db } from '../db/types.js';
import { ADMIN_EMAIL, customerEmail } from '../seed.js';
import { ADJECTIVES, NOUNS, productDescription } from '../seed-words.js';

export interface ServicesSeedOptions {
  seed: number;
  users: number;
  products: number;
  /** Units of each product in stock; random 100-10 000 when omitted, as the monolith seeds. */
  stock?: number;
  seedPassword: string;
  adminPassword: string;
  schemas: { users: string; catalog: string };
}

export const SERVICES_SEED_DEFAULTS = { users: 5_000, products: 1_000 } as const;
/** The accounts the bundled scenarios log in as: the monolith's, so scenarios run on both shapes. */
export { customerEmail as serviceCustomerEmail, ADMIN_EMAIL as SERVICES_ADMIN_EMAIL };

/**
 * Seeds the users and catalog schemas (orders start empty: every order of the
 * services shape goes through the saga). Deterministic for one seed number;
 * one Argon2 hash is shared by every customer, as the monolith's seed does.
 */
export async function seedServices(db: Db, o: ServicesSeedOptions): Promise<void> {
  const rand = prng(o.seed);
  const [customerHash, adminHash] = await Promise.all([
    hashPassword(o.seedPassword),
    hashPassword(o.adminPassword),
  ]);
  await db.transaction(async (tx) => {
    const ids = Array.from({ length: o.users + 1 }, (_, i) => i + 1);
    await tx.query(
      `INSERT INTO ${o.schemas.users}.users (id, email, name, password_hash, role)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        ids,
        ids.map((i) => (i > o.users ? ADMIN_EMAIL : customerEmail(i))),
        ids.map((i) => (i > o.users ? 'Perflab Admin' : `Customer ${i}`)),
        ids.map((i) => (i > o.users ? adminHash : customerHash)),
        ids.map((i) => (i > o.users ? 'admin' : 'customer')),
      ],
    );
    const pids = Array.from({ length: o.products }, (_, i) => i + 1);
    const names = pids.map(
      (i) => `${ADJECTIVES[Math.floor(rand() * 10)]} ${NOUNS[Math.floor(rand() * 10)]} ${i}`,
    );
    await tx.query(
      `INSERT INTO ${o.schemas.catalog}.products (id, name, description, price_cents, stock)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[])`,
      [
        pids,
        names,
        names.map((n, i) => productDescription(i + 1, n)),
        pids.map(() => 199 + Math.floor(rand() * 49_801)),
        pids.map(() => o.stock ?? 100 + Math.floor(rand() * 9_901)),
      ],
    );
    for (const [schema, table] of [
      [o.schemas.users, 'users'],
      [o.schemas.catalog, 'products'],
    ] as const) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('${schema}.${table}', 'id'), GREATEST((SELECT max(id) FROM ${schema}.${table}), 1))`,
      );
    }
  });
}
